import GRDB

/// Every migration of every domain, in the order they shipped. A shipped migration is never edited:
/// a change is a new migration with the next number.
enum StoreMigrations {
    static let all: [Migration] = FederationMigrations.all + InboxMigrations.all + HostedAccountMigrations.all
        + ReceivedFlagMigrations.all + FederationGraphMigrations.all + DeliveryBodyMigrations.all
        + ModerationMigrations.all + DecisionOutMigrations.all + TwoPersonMigrations.all + KeyedAuditMigrations.all + FlagSenderMigrations.all
        + WindowMigrations.all

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all.sorted(by: { $0.id < $1.id }) {
            migrator.registerMigration(migration.id) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }
}

/// One schema change, written in SQL, identified by `NNNN-domain-what`.
struct Migration: Sendable {
    let id: String
    let sql: String
}
