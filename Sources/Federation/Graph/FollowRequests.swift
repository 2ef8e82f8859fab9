import ActivityStreams
import Foundation

/// Follows of hosted accounts: a `Follow` is accepted at once (an `Accept` is queued to the follower) or, for an
/// account that approves followers by hand, kept pending until `approve` or `reject`.
public struct FollowRequests: Sendable {
    private let baseURL: URL
    private let accounts: any HostedAccountStore
    private let followers: any FollowerStore
    private let now: @Sendable () -> Date

    /// Follow handling for the instance at `baseURL`.
    public init(baseURL: URL, accounts: any HostedAccountStore, followers: any FollowerStore, now: @escaping @Sendable () -> Date) {
        self.baseURL = baseURL
        self.accounts = accounts
        self.followers = followers
        self.now = now
    }

    /// Records a follow of `account` by the actor (inboxes from its actor document); returns its state.
    /// A repeated `Follow` of an accepted follower is accepted again (the follower may have lost the first `Accept`).
    @discardableResult
    public func receive(
        account name: String, followID: String, actorID: String, inbox: String, sharedInbox: String?
    ) async throws -> FollowState {
        guard let account = try await accounts.account(named: name), account.deletedAt == nil else {
            throw HostedAccountError.notFound(name)
        }
        let existing = try await followers.follower(account: name, actorID: actorID)
        let state: FollowState = existing?.state == .accepted || !account.manuallyApprovesFollowers ? .accepted : .pending
        let follower = Follower(
            account: name, actorID: actorID, inbox: inbox, sharedInbox: sharedInbox, followID: followID, state: state,
            createdAt: existing?.createdAt ?? now())
        try await followers.saveFollower(follower, deliveries: state == .accepted ? [answer(.accept, follower)] : [], at: now())
        return state
    }

    /// Approves a pending follow and queues the `Accept`.
    public func approve(account name: String, actorID: String) async throws {
        guard var follower = try await followers.follower(account: name, actorID: actorID), follower.state == .pending else {
            throw FollowRequestError.noPendingRequest(account: name, actorID: actorID)
        }
        follower.state = .accepted
        try await followers.saveFollower(follower, deliveries: [answer(.accept, follower)], at: now())
    }

    /// Rejects a pending follow, or removes an accepted follower, and queues a `Reject`.
    public func reject(account name: String, actorID: String) async throws {
        guard let follower = try await followers.follower(account: name, actorID: actorID) else {
            throw FollowRequestError.noPendingRequest(account: name, actorID: actorID)
        }
        try await followers.removeFollower(account: name, actorID: actorID, deliveries: [answer(.reject, follower)], at: now())
    }

    /// Handles `Undo{Follow}`: removes the actor from the account's followers; false when it was not following.
    @discardableResult
    public func undo(account name: String, actorID: String) async throws -> Bool {
        try await followers.removeFollower(account: name, actorID: actorID, deliveries: [], at: now())
    }

    /// A page of followers in the state.
    public func list(account name: String, state: FollowState, offset: Int = 0, limit: Int = 100) async throws -> [Follower] {
        guard try await accounts.account(named: name) != nil else { throw HostedAccountError.notFound(name) }
        return try await followers.followers(of: name, state: state, offset: offset, limit: limit)
    }

    private enum Answer { case accept, reject }

    private func answer(_ kind: Answer, _ follower: Follower) -> Delivery {
        let accountID = LocalActor.account(follower.account).id(baseURL: baseURL)
        let activity = kind == .accept
            ? LocalActivities.accept(follower, accountID: accountID) : LocalActivities.reject(follower, accountID: accountID)
        let body = activity.serialized()
        return Delivery(
            activityID: ASObject(properties: activity.objectValue ?? [:]).id ?? "", sender: .account(follower.account),
            inbox: follower.inbox, body: body)
    }
}

/// Why a follow request could not be handled.
public enum FollowRequestError: Error, Equatable, CustomStringConvertible {
    /// The actor has no pending follow (or no follow at all) on the account.
    case noPendingRequest(account: String, actorID: String)

    /// A sentence an operator can act on.
    public var description: String {
        switch self {
        case .noPendingRequest(let account, let actorID):
            return "\(actorID) has no pending follow request for '\(account)' (see: palisade accounts followers \(account) --pending)"
        }
    }
}
