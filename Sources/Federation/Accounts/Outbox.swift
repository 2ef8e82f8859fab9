import ActivityStreams
import Foundation

/// Publishing hosted accounts' posts: each becomes a stored `Create{Note}` and one delivery per follower inbox.
public struct Outbox: Sendable {
    /// The longest post accepted, in characters.
    public static let maximumLength = 5000

    private let baseURL: URL
    private let accounts: any HostedAccountStore
    private let posts: any LocalPostStore
    private let followers: any FollowerStore
    private let now: @Sendable () -> Date
    private let newID: @Sendable () -> String

    /// An outbox for the instance at `baseURL`; `newID` makes post ids (time-ordered by default).
    public init(
        baseURL: URL, accounts: any HostedAccountStore, posts: any LocalPostStore, followers: any FollowerStore,
        now: @escaping @Sendable () -> Date, newID: (@Sendable () -> String)? = nil
    ) {
        self.baseURL = baseURL
        self.accounts = accounts
        self.posts = posts
        self.followers = followers
        self.now = now
        self.newID = newID ?? { Self.timeOrderedID(now()) }
    }

    /// Publishes `text` as the account's post, addressed to the public and its followers, and queues its delivery.
    public func post(account name: String, text: String) async throws -> LocalPost {
        guard let valid = HostedAccount.validName(name), let account = try await accounts.account(named: valid) else {
            throw HostedAccountError.notFound(name)
        }
        guard account.deletedAt == nil else { throw HostedAccountError.alreadyDeleted(valid) }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw OutboxError.emptyPost }
        guard trimmed.count <= Self.maximumLength else { throw OutboxError.tooLong(trimmed.count) }
        let accountID = LocalActor.account(valid).id(baseURL: baseURL)
        let noteID = "\(accountID)/statuses/\(newID())"
        let published = now()
        let activity = LocalActivities.create(noteID: noteID, accountID: accountID, text: trimmed, published: published)
        let body = activity.serialized()
        let post = LocalPost(id: noteID, account: valid, activityID: noteID + "/activity", content: trimmed, published: published, activity: body)
        let deliveries = try await followers.deliveryInboxes(of: valid).map {
            Delivery(activityID: post.activityID, sender: .account(valid), inbox: $0, body: body)
        }
        try await posts.publish(post, deliveries: deliveries, at: published)
        return post
    }

    /// Milliseconds since 1970 and four random digits: ids sort by time and do not collide within a millisecond.
    static func timeOrderedID(_ date: Date) -> String {
        "\(Int64(date.timeIntervalSince1970 * 1000))\(String(format: "%04d", Int.random(in: 0..<10_000)))"
    }
}

/// Why a post was refused.
public enum OutboxError: Error, Equatable, CustomStringConvertible {
    /// Nothing but white space.
    case emptyPost
    /// Longer than `Outbox.maximumLength`.
    case tooLong(Int)

    /// A sentence the author can act on.
    public var description: String {
        switch self {
        case .emptyPost: return "the post is empty"
        case .tooLong(let count): return "the post has \(count) characters; the limit is \(Outbox.maximumLength)"
        }
    }
}
