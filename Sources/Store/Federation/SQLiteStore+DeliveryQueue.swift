import Federation
import Foundation
import GRDB

/// A row of `deliveries`.
struct DeliveryRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "deliveries"

    var id: Int64?
    var activityID: String
    var sender: String
    var inbox: String
    var body: Data
    var state: String
    var attempts: Int
    var createdAt: Date
    var nextAttemptAt: Date
    var updatedAt: Date
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case id, activityID = "activity_id", sender, inbox, body, state, attempts, createdAt = "created_at"
        case nextAttemptAt = "next_attempt_at", updatedAt = "updated_at", lastError = "last_error"
    }

    /// Inserts pending rows for the deliveries; an (activity, inbox) pair already queued is left as it is.
    static func enqueue(_ deliveries: [Delivery], at date: Date, in db: Database) throws {
        for delivery in deliveries {
            let record = DeliveryRecord(
                id: nil, activityID: delivery.activityID, sender: delivery.sender.storageKey, inbox: delivery.inbox, body: delivery.body,
                state: DeliveryState.pending.rawValue, attempts: 0, createdAt: date, nextAttemptAt: date, updatedAt: date, lastError: nil)
            try record.insert(db, onConflict: .ignore)
        }
    }

    var job: DeliveryJob? {
        guard let id, let sender = LocalActor(storageKey: sender) else { return nil }
        return DeliveryJob(
            id: id, delivery: Delivery(activityID: activityID, sender: sender, inbox: inbox, body: body), attempts: attempts, createdAt: createdAt)
    }

    var status: DeliveryStatus {
        DeliveryStatus(
            id: id ?? 0, activityID: activityID, inbox: inbox, state: DeliveryState(rawValue: state) ?? .pending, attempts: attempts,
            nextAttemptAt: nextAttemptAt, lastError: lastError)
    }
}

extension SQLiteStore: DeliveryQueue {
    /// Inserts the deliveries in one transaction.
    public func enqueue(_ deliveries: [Delivery], at date: Date) async throws {
        guard !deliveries.isEmpty else { return }
        try await pool.write { db in try DeliveryRecord.enqueue(deliveries, at: date, in: db) }
    }

    /// Due pending jobs, earliest first.
    public func due(at date: Date, limit: Int, excluding: Set<Int64>) async throws -> [DeliveryJob] {
        try await pool.read { db in
            var request = DeliveryRecord
                .filter(Column("state") == DeliveryState.pending.rawValue && Column("next_attempt_at") <= date)
            if !excluding.isEmpty { request = request.filter(!excluding.contains(Column("id"))) }
            return try request.order(Column("next_attempt_at"), Column("id")).limit(limit).fetchAll(db).compactMap(\.job)
        }
    }

    /// Records an attempt's result; concurrent results share a transaction (group commit). `gone` also removes every
    /// follower reached through the inbox.
    public func finish(_ id: Int64, with result: DeliveryResult, at date: Date) async throws {
        try await groupCommit.write { db in
            let (state, next, error): (DeliveryState, Date?, String?)
            switch result {
            case .delivered: (state, next, error) = (.delivered, nil, nil)
            case .retry(let at, let message): (state, next, error) = (.pending, at, message)
            case .dead(let message): (state, next, error) = (.dead, nil, message)
            case .gone(let message):
                (state, next, error) = (.dead, nil, message)
                if let inbox = try String.fetchOne(db, sql: "SELECT inbox FROM deliveries WHERE id = ?", arguments: [id]) {
                    try db.execute(sql: "DELETE FROM followers WHERE inbox = ? OR shared_inbox = ?", arguments: [inbox, inbox])
                }
            }
            try db.execute(
                sql: """
                    UPDATE deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = COALESCE(?, next_attempt_at),
                        updated_at = ?, last_error = ? WHERE id = ?
                    """,
                arguments: [state.rawValue, next, date, error, id])
        }
    }

    /// Every delivery of the activity.
    public func deliveries(of activityID: String) async throws -> [DeliveryStatus] {
        try await pool.read { db in
            try DeliveryRecord.filter(Column("activity_id") == activityID).order(Column("id")).fetchAll(db).map(\.status)
        }
    }

    /// Counts by state.
    public func deliveryCounts() async throws -> [DeliveryState: Int] {
        try await pool.read { db in
            var counts: [DeliveryState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state") {
                if let state = DeliveryState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }
}
