import Foundation

/// A post a hosted account published: a `Note` wrapped in the `Create` that was delivered.
public struct LocalPost: Sendable, Equatable {
    /// The `Note`'s id (`…/users/NAME/statuses/ID`).
    public let id: String
    /// The author's account name.
    public let account: String
    /// The `Create`'s id (`…/statuses/ID/activity`).
    public let activityID: String
    /// The text as the author wrote it.
    public let content: String
    /// When it was published.
    public let published: Date
    /// The `Create` activity's JSON, as delivered and served (the `Note` is its `object`).
    public let activity: Data

    /// Makes a post value.
    public init(id: String, account: String, activityID: String, content: String, published: Date, activity: Data) {
        self.id = id
        self.account = account
        self.activityID = activityID
        self.content = content
        self.published = published
        self.activity = activity
    }
}

/// Storage of hosted accounts' posts. Implemented by `Store`.
public protocol LocalPostStore: Sendable {
    /// Stores the post and enqueues its deliveries in one transaction.
    func publish(_ post: LocalPost, deliveries: [Delivery], at date: Date) async throws
    /// The post with this `Note` id or `Create` id, or nil.
    func post(id: String) async throws -> LocalPost?
    /// A page of an account's posts, newest first.
    func posts(of account: String, offset: Int, limit: Int) async throws -> [LocalPost]
    /// How many posts an account has.
    func postCount(of account: String) async throws -> Int
    /// How many posts all accounts have (NodeInfo's `localPosts`).
    func totalPostCount() async throws -> Int
}
