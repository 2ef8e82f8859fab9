import ActivityStreams
import Foundation
import HTTPSignatures

/// Creating, listing and deleting hosted accounts, each with its own RSA-2048 key.
public struct HostedAccounts: Sendable {
    private let accounts: any HostedAccountStore
    private let keys: any ActorKeyStore
    private let followers: any FollowerStore
    private let baseURL: URL
    private let now: @Sendable () -> Date

    /// Accounts kept in `accounts`, keys in `keys`, followers in `followers`, on the instance at `baseURL`.
    public init(
        accounts: any HostedAccountStore, keys: any ActorKeyStore, followers: any FollowerStore, baseURL: URL,
        now: @escaping @Sendable () -> Date
    ) {
        self.accounts = accounts
        self.keys = keys
        self.followers = followers
        self.baseURL = baseURL
        self.now = now
    }

    /// Creates an account and its key pair; `approvesFollowers` makes follows wait for `FollowRequests.approve`.
    public func create(name: String, displayName: String?, summary: String?, approvesFollowers: Bool = false) async throws -> HostedAccount {
        guard let valid = HostedAccount.validName(name) else { throw HostedAccountError.invalidName(name) }
        let account = HostedAccount(
            name: valid, displayName: displayName ?? valid, summary: summary ?? "", createdAt: now(),
            manuallyApprovesFollowers: approvesFollowers)
        try await accounts.createAccount(account)
        _ = try await key(for: valid)
        return account
    }

    /// Every account, deleted ones included.
    public func list() async throws -> [HostedAccount] {
        try await accounts.accounts()
    }

    /// Deletes an account: it answers as a `Tombstone` from now on, its name is never reused, and a `Delete{Person}`
    /// signed with its key is queued to each of its followers' inboxes (in the same transaction). Returns how many.
    @discardableResult
    public func delete(name: String) async throws -> Int {
        guard let valid = HostedAccount.validName(name) else { throw HostedAccountError.invalidName(name) }
        let accountID = LocalActor.account(valid).id(baseURL: baseURL)
        let activity = LocalActivities.deleteActor(accountID: accountID)
        let body = activity.serialized()
        let deliveries = try await followers.deliveryInboxes(of: valid).map {
            Delivery(activityID: accountID + "#delete", sender: .account(valid), inbox: $0, body: body)
        }
        try await accounts.markDeleted(valid, at: now(), deliveries: deliveries)
        return deliveries.count
    }

    /// Whether an account of that name exists and is not deleted.
    public func isActive(name: String) async throws -> Bool {
        guard let valid = HostedAccount.validName(name), let account = try await accounts.account(named: valid) else { return false }
        return account.deletedAt == nil
    }

    /// The account's actor, or nil when there is no such account.
    public func actor(named name: String, baseURL: URL) async throws -> HostedActor? {
        guard let valid = HostedAccount.validName(name), let account = try await accounts.account(named: valid) else { return nil }
        return HostedActor(account: account, baseURL: baseURL, publicKeyPEM: try await key(for: valid).keyPair.publicKeyPEM)
    }

    /// The account's key, created when missing (also after a crash between storing the account and its key).
    private func key(for name: String) async throws -> StoredActorKey {
        try await LocalActorKey.loadOrCreate(for: .account(name), in: keys, now: now()).key
    }
}
