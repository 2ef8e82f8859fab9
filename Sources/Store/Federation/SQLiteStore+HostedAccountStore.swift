import Federation
import Foundation
import GRDB

/// A row of `hosted_accounts`.
struct HostedAccountRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "hosted_accounts"

    var name: String
    var displayName: String
    var summary: String
    var createdAt: Date
    var deletedAt: Date?
    var manuallyApprovesFollowers: Bool

    enum CodingKeys: String, CodingKey {
        case name, displayName = "display_name", summary, createdAt = "created_at", deletedAt = "deleted_at"
        case manuallyApprovesFollowers = "manually_approves_followers"
    }

    init(_ account: HostedAccount) {
        (name, displayName, summary, createdAt, deletedAt) = (account.name, account.displayName, account.summary, account.createdAt, account.deletedAt)
        manuallyApprovesFollowers = account.manuallyApprovesFollowers
    }

    var account: HostedAccount {
        HostedAccount(
            name: name, displayName: displayName, summary: summary, createdAt: createdAt, deletedAt: deletedAt,
            manuallyApprovesFollowers: manuallyApprovesFollowers)
    }
}

extension SQLiteStore: HostedAccountStore {
    /// Inserts the account; a taken name (live or deleted) is refused.
    public func createAccount(_ account: HostedAccount) async throws {
        let inserted = try await pool.write { db in
            try HostedAccountRecord(account).insert(db, onConflict: .ignore)
            return db.changesCount == 1
        }
        guard inserted else { throw HostedAccountError.nameTaken(account.name) }
    }

    /// The account, deleted or not.
    public func account(named name: String) async throws -> HostedAccount? {
        try await pool.read { db in try HostedAccountRecord.fetchOne(db, key: name)?.account }
    }

    /// All accounts by name.
    public func accounts() async throws -> [HostedAccount] {
        try await pool.read { db in try HostedAccountRecord.order(Column("name")).fetchAll(db).map(\.account) }
    }

    /// Sets `deleted_at` once and enqueues the account's `Delete` deliveries in the same transaction.
    public func markDeleted(_ name: String, at date: Date, deliveries: [Delivery]) async throws {
        let outcome = try await pool.write { db -> Int in
            guard let record = try HostedAccountRecord.fetchOne(db, key: name) else { return 0 }
            guard record.deletedAt == nil else { return 1 }
            try db.execute(sql: "UPDATE hosted_accounts SET deleted_at = ? WHERE name = ?", arguments: [date, name])
            try DeliveryRecord.enqueue(deliveries, at: date, in: db)
            return 2
        }
        switch outcome {
        case 0: throw HostedAccountError.notFound(name)
        case 1: throw HostedAccountError.alreadyDeleted(name)
        default: break
        }
    }
}
