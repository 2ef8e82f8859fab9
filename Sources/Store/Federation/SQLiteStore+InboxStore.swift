import Federation
import Foundation
import GRDB

/// A row of `inbox_activities`.
struct InboxActivityRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "inbox_activities"

    var activityID: String
    var type: String
    var actorID: String
    var keyID: String
    var body: Data
    var receivedAt: Date
    var processedAt: Date?

    enum CodingKeys: String, CodingKey {
        case activityID = "activity_id", type, actorID = "actor_id", keyID = "key_id", body
        case receivedAt = "received_at", processedAt = "processed_at"
    }

    var entry: InboxEntry {
        InboxEntry(activityID: activityID, type: type, actorID: actorID, keyID: keyID, body: body, receivedAt: receivedAt)
    }
}

extension SQLiteStore: InboxStore {
    /// Inserts the entry and returns once it is committed; entries arriving together share one transaction (group
    /// commit). A known activity id changes nothing.
    public func store(_ entry: InboxEntry) async throws -> InboxStoreOutcome {
        let record = InboxActivityRecord(
            activityID: entry.activityID, type: entry.type, actorID: entry.actorID, keyID: entry.keyID,
            body: entry.body, receivedAt: entry.receivedAt, processedAt: nil)
        return try await groupCommit.write { db in
            try record.insert(db, onConflict: .ignore)
            return db.changesCount == 1 ? .stored : .duplicate
        }
    }

    /// Unprocessed entries in arrival order.
    /// How many acknowledged activities wait to be processed.
    public func inboxBacklog() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_activities WHERE processed_at IS NULL") ?? 0 }
    }

    public func unprocessed(limit: Int) async throws -> [InboxEntry] {
        try await unprocessed(limit: limit, excludingActors: [])
    }

    /// Unprocessed entries in arrival order, without those of `actors`.
    public func unprocessed(limit: Int, excludingActors actors: Set<String>) async throws -> [InboxEntry] {
        try await pool.read { db in
            var request = InboxActivityRecord.filter(Column("processed_at") == nil)
            if !actors.isEmpty { request = request.filter(!actors.contains(Column("actor_id"))) }
            return try request
                .order(Column("sequence"))
                .limit(limit)
                .fetchAll(db)
                .map(\.entry)
        }
    }

    /// Sets `processed_at` and `outcome` for the activity.
    public func markProcessed(activityID: String, at date: Date, outcome: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE inbox_activities SET processed_at = ?, outcome = ? WHERE activity_id = ?", arguments: [date, outcome, activityID])
        }
    }

    /// The recorded outcome of processing the activity (nil while unprocessed or unknown).
    public func processingOutcome(activityID: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT outcome FROM inbox_activities WHERE activity_id = ?", arguments: [activityID])
        }
    }


    /// A page of the `Create` and `Update` activities the inbox holds, in arrival order after `sequence`, received at
    /// or after `since`: what `palisade rules replay` evaluates.
    public func inboxActivities(after sequence: Int64, since: Date?, limit: Int) async throws -> [(sequence: Int64, activityID: String, body: Data)] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, activity_id, body FROM inbox_activities
                    WHERE sequence > ? AND type IN ('Create', 'Update') AND received_at >= ? ORDER BY sequence LIMIT ?
                    """,
                arguments: [sequence, since ?? Date(timeIntervalSince1970: 0), limit]
            ).map { ($0["sequence"], $0["activity_id"], $0["body"]) }
        }
    }

    /// The ids of every activity the inbox holds, in arrival order.
    public func inboxActivityIDs() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT activity_id FROM inbox_activities ORDER BY sequence") }
    }
}
