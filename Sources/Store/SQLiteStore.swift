import Foundation
import GRDB
import GRDBSQLite
import Moderation

/// Palisade's SQLite database: one WAL-mode pool over the system SQLite, with every domain's tables.
public final class SQLiteStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// Gathers concurrent small writes (inbox entries, delivery outcomes) into shared transactions.
    let groupCommit: GroupCommit
    /// Copies the write-ahead log into the database file in the background (no commit waits for a checkpoint).
    private let checkpointer: WALCheckpointer?
    /// Lives exactly as long as this store: the checkpointer stops when it is gone.
    private let lifetime = Lifetime()

    /// Seals and opens the secrets kept in the database; nil when no service secret is beside it (they stay plain).
    let secrets: SecretBox?

    /// The key every audit row is MAC'd with (kept outside the database by whoever opens it).
    public let auditKey: AuditKey

    /// Opens (creating when missing) the database at `path` without migrating it; call `migrate()` next. Secrets are
    /// sealed with the service secret beside the database (`palisade.key` in its directory) when there is one. Audit
    /// rows are MAC'd with `auditKey`: the service passes the key from `data_dir/audit.key`; without one, a key made
    /// for this value alone (its rows then verify only through it).
    public convenience init(path: String, auditKey: AuditKey = .ephemeral()) throws(StoreError) {
        try self.init(path: path, auditKey: auditKey, readOnly: false)
    }

    /// Opens the existing database at `path` for reading only (`palisade doctor` beside a running server): no
    /// checkpoints, no writes, nothing created; every write fails.
    public convenience init(readingOnly path: String) throws(StoreError) {
        try self.init(path: path, auditKey: .ephemeral(), readOnly: true)
    }

    private init(path: String, auditKey: AuditKey, readOnly: Bool) throws(StoreError) {
        self.path = path
        self.auditKey = auditKey
        do {
            self.secrets = try ServiceSecret.load(besideDatabase: path).map(SecretBox.init)
        } catch {
            throw StoreError.cannotOpen(path: path, detail: String(describing: error))
        }
        do {
            self.pool = try DatabasePool(path: path, configuration: Self.configuration(readonly: readOnly))
        } catch {
            throw StoreError.cannotOpen(path: path, detail: Self.describe(error))
        }
        self.groupCommit = GroupCommit(pool: pool)
        self.checkpointer = readOnly ? nil : WALCheckpointer(pool: pool, path: path, owner: lifetime)
    }

    /// Applies every pending migration; returns the identifiers applied now, in order.
    @discardableResult
    public func migrate() throws(StoreError) -> [String] {
        let migrator = StoreMigrations.migrator
        do {
            let before = try pool.read { db in try migrator.appliedIdentifiers(db) }
            let unknown = before.subtracting(migrator.migrations)
            if !unknown.isEmpty { throw StoreError.newerSchema(unknownMigrations: unknown.sorted()) }
            try migrator.migrate(pool)
            let applied = migrator.migrations.filter { !before.contains($0) }
            // A reader connection opened before a table was rebuilt can prepare `SELECT *` against the old columns
            // and hand back rows whose positions no longer match their names: readers start afresh after a change.
            if !applied.isEmpty { pool.invalidateReadOnlyConnections() }
            return applied
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.migrationFailed(path: path, detail: Self.describe(error))
        }
    }

    /// Which migrations the database at `path` has and lacks, without changing it (nor creating it when missing).
    public static func migrationPlan(path: String) throws(StoreError) -> MigrationPlan {
        let known = StoreMigrations.migrator.migrations
        guard FileManager.default.fileExists(atPath: path) else {
            return MigrationPlan(applied: [], pending: known, unknown: [], databaseExists: false)
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration(readonly: true))
            defer { try? queue.close() }
            let applied = try queue.read { db in try StoreMigrations.migrator.appliedIdentifiers(db) }
            return MigrationPlan(
                applied: known.filter { applied.contains($0) },
                pending: known.filter { !applied.contains($0) },
                unknown: applied.subtracting(known).sorted(),
                databaseExists: true
            )
        } catch {
            throw StoreError.cannotOpen(path: path, detail: describe(error))
        }
    }

    /// Succeeds when the database answers a query; throws `StoreError.unhealthy` otherwise.
    public func checkHealth() async throws(StoreError) {
        do {
            let one = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
            guard one == 1 else { throw StoreError.unhealthy(detail: "SELECT 1 returned \(String(describing: one))") }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unhealthy(detail: Self.describe(error))
        }
    }

    /// Copies the whole write-ahead log into the database file now and empties it (after a bulk load, before measuring).
    public func checkpointNow() async throws {
        try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// Checkpoints the WAL into the database file (so a stopped service's `palisade.sqlite` alone is complete,
    /// e.g. for a backup) and closes every connection; later calls on this store fail.
    public func close() throws(StoreError) {
        do {
            // Best effort: if the checkpoint cannot run, the WAL stays beside the file and SQLite replays it on the next
            // open, so nothing is lost; closing must not fail for it.
            if let checkpointer {
                checkpointer.stop()
                try? pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            }
            try pool.close()
        } catch {
            throw StoreError.cannotClose(path: path, detail: Self.describe(error))
        }
    }

    /// Bytes SQLite holds in this process across every open database (page caches, prepared statements, schemas).
    public static var memoryInUse: Int64 { sqlite3_memory_used() }

    static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.label = "palisade"
        configuration.readonly = readonly
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // Nothing acknowledged may be lost: sync the WAL on every commit.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // The store's WALCheckpointer checkpoints in the background; no commit stops to do it.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        return configuration
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? error.description
        }
        return String(describing: error)
    }
}

/// The migrations a database has, lacks, and has but this version does not know.
public struct MigrationPlan: Sendable, Equatable {
    /// Migrations already applied, in order.
    public let applied: [String]
    /// Migrations not yet applied, in the order they would run.
    public let pending: [String]
    /// Migrations the database records that this version of Palisade does not know (it was written by a newer one).
    public let unknown: [String]
    /// False when no database file exists yet.
    public let databaseExists: Bool
}

/// A token whose lifetime is the store's.
final class Lifetime: Sendable {}
