import Federation
import Foundation
import GRDB

/// A row of `received_objects`; `addressed_to` holds a JSON array of account names.
struct ReceivedObjectRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "received_objects"

    var id: String
    var actorID: String
    var type: String
    var addressedTo: String
    var body: Data
    var receivedAt: Date
    var updatedAt: Date?
    var deletedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, actorID = "actor_id", type, addressedTo = "addressed_to", body, receivedAt = "received_at"
        case updatedAt = "updated_at", deletedAt = "deleted_at"
    }
}

/// A row of `interactions`.
struct InteractionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "interactions"

    var activityID: String
    var kind: String
    var actorID: String
    var objectID: String
    var content: String?
    var createdAt: Date
    var undoneAt: Date?

    enum CodingKeys: String, CodingKey {
        case activityID = "activity_id", kind, actorID = "actor_id", objectID = "object_id", content, createdAt = "created_at"
        case undoneAt = "undone_at"
    }
}

extension SQLiteStore: ReceivedActivityStore {
    /// Inserts, or replaces the object of the same author (an `Update`); a deleted object stays deleted.
    public func saveObject(_ object: ReceivedObject) async throws {
        let addressed = String(decoding: try JSONEncoder().encode(object.addressedTo), as: UTF8.self)
        try await pool.write { db in
            if let existing = try ReceivedObjectRecord.fetchOne(db, key: object.id) {
                guard existing.actorID == object.actorID, existing.deletedAt == nil else { return }
                try db.execute(
                    sql: "UPDATE received_objects SET type = ?, addressed_to = ?, body = ?, updated_at = ? WHERE id = ?",
                    arguments: [object.type, addressed, object.body, object.receivedAt, object.id])
            } else {
                try ReceivedObjectRecord(
                    id: object.id, actorID: object.actorID, type: object.type, addressedTo: addressed, body: object.body,
                    receivedAt: object.receivedAt, updatedAt: nil, deletedAt: nil
                ).insert(db)
            }
        }
    }

    /// The live object.
    public func receivedObject(id: String) async throws -> ReceivedObject? {
        let record = try await pool.read { db in try ReceivedObjectRecord.fetchOne(db, key: id) }
        guard let record, record.deletedAt == nil else { return nil }
        return ReceivedObject(
            id: record.id, actorID: record.actorID, type: record.type,
            addressedTo: (try? JSONDecoder().decode([String].self, from: Data(record.addressedTo.utf8))) ?? [],
            body: record.body, receivedAt: record.updatedAt ?? record.receivedAt)
    }

    /// Marks the author's object deleted and drops its body (only the fact of it stays).
    public func deleteObject(id: String, actorID: String, at date: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE received_objects SET deleted_at = ?, body = X'' WHERE id = ? AND actor_id = ? AND deleted_at IS NULL",
                arguments: [date, id, actorID])
            return db.changesCount > 0
        }
    }

    /// Inserts unless known.
    public func recordInteraction(_ interaction: Interaction) async throws {
        try await pool.write { db in
            try InteractionRecord(
                activityID: interaction.activityID, kind: interaction.kind.rawValue, actorID: interaction.actorID,
                objectID: interaction.objectID, content: interaction.content, createdAt: interaction.createdAt, undoneAt: interaction.undoneAt
            ).insert(db, onConflict: .ignore)
        }
    }

    /// Sets `undone_at` for the actor's interaction.
    public func undoInteraction(activityID: String, actorID: String, at date: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE interactions SET undone_at = ? WHERE activity_id = ? AND actor_id = ? AND undone_at IS NULL",
                arguments: [date, activityID, actorID])
            return db.changesCount > 0
        }
    }

    /// About one local object or actor.
    public func interactions(about objectID: String) async throws -> [Interaction] {
        try await pool.read { db in
            try InteractionRecord.filter(Column("object_id") == objectID).order(Column("created_at"), Column("activity_id")).fetchAll(db)
                .compactMap { record in
                    Interaction.Kind(rawValue: record.kind).map {
                        Interaction(
                            activityID: record.activityID, kind: $0, actorID: record.actorID, objectID: record.objectID, content: record.content,
                            createdAt: record.createdAt, undoneAt: record.undoneAt)
                    }
                }
        }
    }

    /// Inserts unless known.
    public func recordMove(_ move: ReceivedMove) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO moves (activity_id, actor_id, target, created_at) VALUES (?, ?, ?, ?)",
                arguments: [move.activityID, move.actorID, move.target, move.createdAt])
        }
    }

    /// The actor's moves.
    public func moves(of actorID: String) async throws -> [ReceivedMove] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM moves WHERE actor_id = ? ORDER BY created_at", arguments: [actorID]).map { row in
                ReceivedMove(activityID: row["activity_id"], actorID: row["actor_id"], target: row["target"], createdAt: row["created_at"])
            }
        }
    }

    /// Whether any object, interaction, follow or move of the actor is stored (indexed lookups, moves are few).
    public func holdsAnything(of actorID: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM received_objects WHERE actor_id = ?1)
                        OR EXISTS (SELECT 1 FROM interactions WHERE actor_id = ?1)
                        OR EXISTS (SELECT 1 FROM followers WHERE actor_id = ?1)
                        OR EXISTS (SELECT 1 FROM moves WHERE actor_id = ?1)
                    """,
                arguments: [actorID]) ?? false
        }
    }

    /// Deletes the actor's objects, interactions and follows in one transaction.
    public func purgeActor(_ actorID: String) async throws -> ActorPurge {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM received_objects WHERE actor_id = ?", arguments: [actorID])
            let objects = db.changesCount
            try db.execute(sql: "DELETE FROM interactions WHERE actor_id = ?", arguments: [actorID])
            let interactions = db.changesCount
            try db.execute(sql: "DELETE FROM followers WHERE actor_id = ?", arguments: [actorID])
            return ActorPurge(objects: objects, interactions: interactions, follows: db.changesCount)
        }
    }
}
