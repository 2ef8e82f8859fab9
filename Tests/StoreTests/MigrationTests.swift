import Federation
import Foundation
import GRDB
import HTTPSignatures
import PalisadeTesting
import Store
import Testing

@Suite struct MigrationTests {
    let directory: TemporaryDirectory
    var path: String { directory.path("palisade.sqlite") }

    init() throws {
        directory = try TemporaryDirectory("migrations")
    }

    @Test func planForAMissingDatabaseListsEveryMigrationAndCreatesNothing() throws {
        let plan = try SQLiteStore.migrationPlan(path: path)
        #expect(plan.databaseExists == false)
        #expect(plan.applied.isEmpty)
        #expect(plan.pending.first == "0001-federation-local-actor-keys")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func migratingANewDatabaseAppliesEveryMigrationInOrder() throws {
        let pending = try SQLiteStore.migrationPlan(path: path).pending
        let store = try SQLiteStore(path: path)
        let applied = try store.migrate()
        try store.close()
        #expect(applied == pending)
        let after = try SQLiteStore.migrationPlan(path: path)
        #expect(after.applied == pending)
        #expect(after.pending.isEmpty)
        #expect(try tableNames().contains("local_actor_keys"))
    }

    @Test func migratingTwiceAppliesNothingTheSecondTime() throws {
        let store = try SQLiteStore(path: path)
        try store.migrate()
        #expect(try store.migrate().isEmpty)
        try store.close()
    }

    @Test func databaseUsesWriteAheadLogging() throws {
        let store = try SQLiteStore(path: path)
        try store.migrate()
        try store.close()
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        let mode = try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    /// A database written by an earlier release (kept as an SQL dump) opens, migrates forward and keeps its data.
    @Test func existingDatabaseFromSchema0001MigratesForwardAndKeepsItsKey() async throws {
        try buildDatabase(fromDump: "palisade/databases/schema-0001.sql")
        let before = try SQLiteStore.migrationPlan(path: path)
        #expect(before.applied == ["0001-federation-local-actor-keys"])
        let store = try SQLiteStore(path: path)
        let applied = try store.migrate()
        #expect(applied == before.pending)
        #expect(applied.contains("0002-federation-inbox-activities"))
        let key = try await store.key(for: .service)
        #expect(key?.keyPair.bitCount == 2048)
        #expect(key?.keyPair.publicKeyPEM.hasPrefix("-----BEGIN PUBLIC KEY-----") == true)
        try store.close()
    }

    @Test func aDatabaseFromANewerVersionIsRefusedWithoutChangingIt() throws {
        let store = try SQLiteStore(path: path)
        try store.migrate()
        try store.close()
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('9999-future-table')") }
        try queue.close()

        #expect(try SQLiteStore.migrationPlan(path: path).unknown == ["9999-future-table"])
        let reopened = try SQLiteStore(path: path)
        defer { try? reopened.close() }
        #expect(throws: StoreError.newerSchema(unknownMigrations: ["9999-future-table"])) { try reopened.migrate() }
        #expect(StoreError.newerSchema(unknownMigrations: ["9999-future-table"]).description.contains("newer version of palisade"))
    }

    @Test func aFileThatIsNotADatabaseGivesAClearError() throws {
        try directory.write("palisade.sqlite", String(repeating: "this is not sqlite\n", count: 300))
        let error = #expect(throws: StoreError.self) {
            let store = try SQLiteStore(path: path)
            defer { try? store.close() }
            try store.migrate()
        }
        #expect(error?.description.contains("not a database") == true)
    }

    @Test func healthCheckPassesOnAnOpenStoreAndFailsOnAClosedOne() async throws {
        let store = try SQLiteStore(path: path)
        try store.migrate()
        try await store.checkHealth()
        try store.close()
        await #expect(throws: StoreError.self) { try await store.checkHealth() }
    }

    private func tableNames() throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
    }

    private func buildDatabase(fromDump fixture: String) throws {
        let sql = try Fixtures.text(fixture)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
        try queue.close()
    }
}
