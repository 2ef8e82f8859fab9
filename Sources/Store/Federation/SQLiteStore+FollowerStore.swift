import Federation
import Foundation
import GRDB

/// A row of `followers`.
struct FollowerRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "followers"

    var account: String
    var actorID: String
    var inbox: String
    var sharedInbox: String?
    var followID: String
    var state: String
    var createdAt: Date
    var sequence: Int64

    enum CodingKeys: String, CodingKey {
        case account, actorID = "actor_id", inbox, sharedInbox = "shared_inbox", followID = "follow_id", state
        case createdAt = "created_at", sequence
    }

    var follower: Follower {
        Follower(
            account: account, actorID: actorID, inbox: inbox, sharedInbox: sharedInbox, followID: followID,
            state: FollowState(rawValue: state) ?? .pending, createdAt: createdAt)
    }
}

extension SQLiteStore: FollowerStore {
    /// Inserts or replaces the follower row (keeping its place in the list) and enqueues the deliveries.
    public func saveFollower(_ follower: Follower, deliveries: [Delivery], at date: Date) async throws {
        try await pool.write { db in
            let sequence = try Int64.fetchOne(
                db, sql: "SELECT sequence FROM followers WHERE account = ? AND actor_id = ?", arguments: [follower.account, follower.actorID])
                ?? (try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(sequence), 0) + 1 FROM followers") ?? 1)
            try FollowerRecord(
                account: follower.account, actorID: follower.actorID, inbox: follower.inbox, sharedInbox: follower.sharedInbox,
                followID: follower.followID, state: follower.state.rawValue, createdAt: follower.createdAt, sequence: sequence
            ).save(db)
            try DeliveryRecord.enqueue(deliveries, at: date, in: db)
        }
    }

    /// The row, or nil.
    public func follower(account: String, actorID: String) async throws -> Follower? {
        try await pool.read { db in
            try FollowerRecord.filter(Column("account") == account && Column("actor_id") == actorID).fetchOne(db)?.follower
        }
    }

    /// Deletes the row and enqueues the deliveries when it existed.
    public func removeFollower(account: String, actorID: String, deliveries: [Delivery], at date: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM followers WHERE account = ? AND actor_id = ?", arguments: [account, actorID])
            guard db.changesCount > 0 else { return false }
            try DeliveryRecord.enqueue(deliveries, at: date, in: db)
            return true
        }
    }

    /// A page, in follow order.
    public func followers(of account: String, state: FollowState, offset: Int, limit: Int) async throws -> [Follower] {
        try await pool.read { db in
            try FollowerRecord.filter(Column("account") == account && Column("state") == state.rawValue)
                .order(Column("sequence")).limit(limit, offset: offset).fetchAll(db).map(\.follower)
        }
    }

    /// The count in the state.
    public func followerCount(of account: String, state: FollowState) async throws -> Int {
        try await pool.read { db in
            try FollowerRecord.filter(Column("account") == account && Column("state") == state.rawValue).fetchCount(db)
        }
    }

    /// Distinct shared-or-personal inboxes of accepted followers.
    public func deliveryInboxes(of account: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT COALESCE(shared_inbox, inbox) FROM followers WHERE account = ? AND state = 'accepted'
                    ORDER BY 1
                    """,
                arguments: [account])
        }
    }
}
