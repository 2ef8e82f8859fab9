import Federation
import Foundation
import GRDB

/// A row of `deliveries`; the body it sends is in `delivery_bodies`, once per activity.
struct DeliveryRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "deliveries"

    var id: Int64?
    var activityID: String
    var sender: String
    var inbox: String
    var state: String
    var attempts: Int
    var createdAt: Date
    var nextAttemptAt: Date
    var updatedAt: Date
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case id, activityID = "activity_id", sender, inbox, state, attempts, createdAt = "created_at"
        case nextAttemptAt = "next_attempt_at", updatedAt = "updated_at", lastError = "last_error"
    }

    /// Inserts pending rows for the deliveries, and each activity's body once; an (activity, inbox) pair already
    /// queued is left as it is. An activity queued before with other bytes is refused: an id names one document.
    static func enqueue(_ deliveries: [Delivery], at date: Date, in db: Database) throws {
        var bodies: [String: Data] = [:]
        for delivery in deliveries where bodies[delivery.activityID] == nil {
            bodies[delivery.activityID] = delivery.body
        }
        for delivery in deliveries where bodies[delivery.activityID] != delivery.body {
            throw StoreError.conflictingDeliveryBody(activityID: delivery.activityID)
        }
        for (activityID, body) in bodies {
            try db.execute(sql: "INSERT INTO delivery_bodies (activity_id, body) VALUES (?, ?) ON CONFLICT DO NOTHING", arguments: [activityID, body])
            let stored = try Data.fetchOne(db, sql: "SELECT body FROM delivery_bodies WHERE activity_id = ?", arguments: [activityID])
            guard stored == body else { throw StoreError.conflictingDeliveryBody(activityID: activityID) }
        }
        for delivery in deliveries {
            let record = DeliveryRecord(
                id: nil, activityID: delivery.activityID, sender: delivery.sender.storageKey, inbox: delivery.inbox,
                state: DeliveryState.pending.rawValue, attempts: 0, createdAt: date, nextAttemptAt: date, updatedAt: date, lastError: nil)
            try record.insert(db, onConflict: .ignore)
        }
    }

    func job(body: Data) -> DeliveryJob? {
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

    /// Due pending jobs, earliest first, with their activity's body.
    public func due(at date: Date, limit: Int, excluding: Set<Int64>) async throws -> [DeliveryJob] {
        try await pool.read { db in
            var request = DeliveryRecord
                .filter(Column("state") == DeliveryState.pending.rawValue && Column("next_attempt_at") <= date)
            if !excluding.isEmpty { request = request.filter(!excluding.contains(Column("id"))) }
            let records = try request.order(Column("next_attempt_at"), Column("id")).limit(limit).fetchAll(db)
            var bodies: [String: Data] = [:]
            let bodyStatement = try db.cachedStatement(sql: "SELECT body FROM delivery_bodies WHERE activity_id = ?")
            return try records.compactMap { record in
                if bodies[record.activityID] == nil {
                    bodies[record.activityID] = try Data.fetchOne(bodyStatement, arguments: [record.activityID])
                }
                return bodies[record.activityID].flatMap { record.job(body: $0) }
            }
        }
    }

    /// Records attempts' results in one transaction, shared with concurrent writers (group commit). `gone` also
    /// removes every follower reached through the inbox.
    public func finish(_ results: [(id: Int64, result: DeliveryResult)], at date: Date) async throws {
        guard !results.isEmpty else { return }
        try await groupCommit.write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = COALESCE(?, next_attempt_at),
                    updated_at = ?, last_error = ? WHERE id = ?
                """)
            for (id, result) in results {
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
                try update.execute(arguments: [state.rawValue, next, date, error, id])
            }
        }
    }

    /// Every delivery of the activity.
    public func deliveries(of activityID: String) async throws -> [DeliveryStatus] {
        try await pool.read { db in
            try DeliveryRecord.filter(Column("activity_id") == activityID).order(Column("id")).fetchAll(db).map(\.status)
        }
    }

    /// Jobs in a state (or all), most recently updated first.
    public func deliveries(in state: DeliveryState?, limit: Int) async throws -> [DeliveryStatus] {
        try await pool.read { db in
            var request = DeliveryRecord.all()
            if let state { request = request.filter(Column("state") == state.rawValue) }
            return try request.order(Column("updated_at").desc, Column("id").desc).limit(limit).fetchAll(db).map(\.status)
        }
    }

    /// Requeues dead jobs: pending, due now, created now (so the retry schedule gives them a new week).
    public func requeueDead(ids: [Int64]?, at date: Date) async throws -> Int {
        try await pool.write { db in
            let set = "state = 'pending', next_attempt_at = ?, created_at = ?, updated_at = ?"
            if let ids {
                guard !ids.isEmpty else { return 0 }
                let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
                try db.execute(
                    sql: "UPDATE deliveries SET \(set) WHERE state = 'dead' AND id IN (\(marks))",
                    arguments: StatementArguments([date, date, date] + ids.map { $0 as (any DatabaseValueConvertible) }))
            } else {
                try db.execute(sql: "UPDATE deliveries SET \(set) WHERE state = 'dead'", arguments: [date, date, date])
            }
            return db.changesCount
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
