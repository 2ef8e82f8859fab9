import Foundation
import HTTPSignatures

/// Creating, listing and deleting hosted accounts, each with its own RSA-2048 key.
public struct HostedAccounts: Sendable {
    private let accounts: any HostedAccountStore
    private let keys: any ActorKeyStore
    private let now: @Sendable () -> Date

    /// Accounts kept in `accounts`, keys in `keys`.
    public init(accounts: any HostedAccountStore, keys: any ActorKeyStore, now: @escaping @Sendable () -> Date) {
        self.accounts = accounts
        self.keys = keys
        self.now = now
    }

    /// Creates an account and its key pair.
    public func create(name: String, displayName: String?, summary: String?) async throws -> HostedAccount {
        guard let valid = HostedAccount.validName(name) else { throw HostedAccountError.invalidName(name) }
        let account = HostedAccount(name: valid, displayName: displayName ?? valid, summary: summary ?? "", createdAt: now())
        try await accounts.createAccount(account)
        _ = try await key(for: valid)
        return account
    }

    /// Every account, deleted ones included.
    public func list() async throws -> [HostedAccount] {
        try await accounts.accounts()
    }

    /// Deletes an account: it answers as a `Tombstone` from now on and its name is never reused.
    public func delete(name: String) async throws {
        guard let valid = HostedAccount.validName(name) else { throw HostedAccountError.invalidName(name) }
        try await accounts.markDeleted(valid, at: now())
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
