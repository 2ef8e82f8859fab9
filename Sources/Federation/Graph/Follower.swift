import Foundation

/// Whether a follow is in effect or waits for the account's approval.
public enum FollowState: String, Sendable, Equatable {
    /// Waiting: the account approves followers by hand.
    case pending
    /// In effect: the follower receives the account's posts.
    case accepted
}

/// A remote actor following a hosted account.
public struct Follower: Sendable, Equatable {
    /// The followed account's name.
    public let account: String
    /// The follower's actor id.
    public let actorID: String
    /// The follower's inbox.
    public let inbox: String
    /// The follower's server's shared inbox, when it has one (deliveries go there, once per server).
    public let sharedInbox: String?
    /// The `Follow` activity's id (an `Accept` or `Reject` names it).
    public let followID: String
    /// Pending or accepted.
    public var state: FollowState
    /// When the follow arrived.
    public let createdAt: Date

    /// Makes a follower value.
    public init(account: String, actorID: String, inbox: String, sharedInbox: String?, followID: String, state: FollowState, createdAt: Date) {
        self.account = account
        self.actorID = actorID
        self.inbox = inbox
        self.sharedInbox = sharedInbox
        self.followID = followID
        self.state = state
        self.createdAt = createdAt
    }

    /// Where deliveries to this follower go: the shared inbox when there is one.
    public var deliveryInbox: String { sharedInbox ?? inbox }
}

/// Storage of hosted accounts' followers. Implemented by `Store`.
public protocol FollowerStore: Sendable {
    /// Adds the follower, or replaces the row of the same account and actor (a repeated `Follow`), and enqueues
    /// `deliveries` (the `Accept`) in the same transaction.
    func saveFollower(_ follower: Follower, deliveries: [Delivery], at date: Date) async throws
    /// The follower row of `actorID` on `account`, or nil.
    func follower(account: String, actorID: String) async throws -> Follower?
    /// Removes the follower (and enqueues `deliveries`, e.g. a `Reject`, in the same transaction); false when absent.
    @discardableResult
    func removeFollower(account: String, actorID: String, deliveries: [Delivery], at date: Date) async throws -> Bool
    /// A page of an account's followers in the state, oldest first.
    func followers(of account: String, state: FollowState, offset: Int, limit: Int) async throws -> [Follower]
    /// How many followers in the state an account has.
    func followerCount(of account: String, state: FollowState) async throws -> Int
    /// The distinct inboxes (shared where known) of an account's accepted followers.
    func deliveryInboxes(of account: String) async throws -> [String]
}
