import Federation
import Foundation
import GRDB

/// A row of `local_posts`.
struct LocalPostRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "local_posts"

    var id: String
    var account: String
    var activityID: String
    var content: String
    var published: Date
    var activity: Data

    enum CodingKeys: String, CodingKey {
        case id, account, activityID = "activity_id", content, published, activity
    }

    var post: LocalPost {
        LocalPost(id: id, account: account, activityID: activityID, content: content, published: published, activity: activity)
    }
}

extension SQLiteStore: LocalPostStore {
    /// Inserts the post and its deliveries in one transaction.
    public func publish(_ post: LocalPost, deliveries: [Delivery], at date: Date) async throws {
        try await pool.write { db in
            try LocalPostRecord(
                id: post.id, account: post.account, activityID: post.activityID, content: post.content, published: post.published,
                activity: post.activity
            ).insert(db)
            try DeliveryRecord.enqueue(deliveries, at: date, in: db)
        }
    }

    /// By `Note` id or `Create` id.
    public func post(id: String) async throws -> LocalPost? {
        try await pool.read { db in
            try LocalPostRecord.filter(Column("id") == id || Column("activity_id") == id).fetchOne(db)?.post
        }
    }

    /// Newest first.
    public func posts(of account: String, offset: Int, limit: Int) async throws -> [LocalPost] {
        try await pool.read { db in
            try LocalPostRecord.filter(Column("account") == account).order(Column("sequence").desc)
                .limit(limit, offset: offset).fetchAll(db).map(\.post)
        }
    }

    /// The account's count.
    public func postCount(of account: String) async throws -> Int {
        try await pool.read { db in try LocalPostRecord.filter(Column("account") == account).fetchCount(db) }
    }

    /// All accounts' count.
    public func totalPostCount() async throws -> Int {
        try await pool.read { db in try LocalPostRecord.fetchCount(db) }
    }
}
