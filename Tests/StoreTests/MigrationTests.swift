import Federation
import Foundation
import GRDB
import HTTPSignatures
import Moderation
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

    /// Deliveries queued under schema 0005 (one body per row) keep their state, attempts and bytes when 0006 moves
    /// bodies into `delivery_bodies`; the pending ones are due again and new ones keep numbering after them.
    @Test func queuedDeliveriesFromSchema0005KeepTheirBodiesAndState() async throws {
        try buildDatabase(fromDump: "palisade/databases/schema-0005.sql")
        #expect(try SQLiteStore.migrationPlan(path: path).pending == ["0006-federation-delivery-bodies", "0007-moderation-cases", "0008-moderation-decisions-out", "0009-moderation-reason-templates",
            "0010-moderation-minted-by", "0011-moderation-keyed-audit", "0012-moderation-flags-from", "0013-moderation-window-observations", "0014-moderation-case-account-name",
        ])
        // The same store migrates and then serves, as `palisade serve` does: its readers must see the new columns.
        let store = try SQLiteStore(path: path)
        defer { try? store.close() }
        #expect(try store.migrate() == ["0006-federation-delivery-bodies", "0007-moderation-cases", "0008-moderation-decisions-out", "0009-moderation-reason-templates",
            "0010-moderation-minted-by", "0011-moderation-keyed-audit", "0012-moderation-flags-from", "0013-moderation-window-observations", "0014-moderation-case-account-name",
        ])

        let post = "http://127.0.0.1:8080/users/alice/statuses/1/activity"
        let statuses = try await store.deliveries(of: post)
        #expect(statuses.map(\.state) == [.delivered, .pending])
        #expect(statuses.map(\.attempts) == [1, 2])
        #expect(statuses[1].lastError == "503 Service Unavailable")
        let due = try await store.due(at: Date(), limit: 10, excluding: [])
        #expect(due.map(\.delivery.inbox) == ["https://gts.example/users/bob/inbox", "https://mastodon.example/inbox"])
        #expect(due.map { String(decoding: $0.delivery.body, as: UTF8.self) } == [
            #"{"type":"Create","id":"\#(post)"}"#, #"{"type":"Delete","id":"http://127.0.0.1:8080/users/alice#delete"}"#,
        ])
        #expect(due.map(\.delivery.sender) == [.account("alice"), .account("alice")])
        try await store.enqueue([Delivery(activityID: post, sender: .account("alice"), inbox: "https://new.example/inbox", body: due[0].delivery.body)], at: Date())
        #expect(try await store.deliveries(of: post).map(\.id) == [1, 2, 4])
        #expect(try await store.deliveryCounts() == [.delivered: 1, .pending: 3])
    }

    @Test func anActivityQueuedAgainWithOtherBytesIsRefusedAndNothingOfTheBatchIsStored() async throws {
        let store = try SQLiteStore(path: path)
        defer { try? store.close() }
        try store.migrate()
        let id = "https://mod.example.org/users/alice/statuses/1/activity"
        try await store.enqueue([Delivery(activityID: id, sender: .account("alice"), inbox: "https://a.example/inbox", body: Data("{\"v\":1}".utf8))], at: Date())
        await #expect(throws: StoreError.conflictingDeliveryBody(activityID: id)) {
            try await store.enqueue([
                Delivery(activityID: "https://mod.example.org/other", sender: .account("alice"), inbox: "https://a.example/inbox", body: Data("{}".utf8)),
                Delivery(activityID: id, sender: .account("alice"), inbox: "https://b.example/inbox", body: Data("{\"v\":2}".utf8)),
            ], at: Date())
        }
        await #expect(throws: StoreError.conflictingDeliveryBody(activityID: id)) {
            try await store.enqueue([
                Delivery(activityID: id, sender: .account("alice"), inbox: "https://c.example/inbox", body: Data("{\"v\":1}".utf8)),
                Delivery(activityID: id, sender: .account("alice"), inbox: "https://d.example/inbox", body: Data("{\"v\":3}".utf8)),
            ], at: Date())
        }
        #expect(try await store.deliveries(of: id).map(\.inbox) == ["https://a.example/inbox"])
        #expect(try await store.deliveries(of: "https://mod.example.org/other").isEmpty)
        #expect(try await store.due(at: Date(), limit: 10, excluding: []).map { String(decoding: $0.delivery.body, as: UTF8.self) } == [#"{"v":1}"#])
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

    /// A moderation database of schema 0007 keeps its tenant, instance, decision and sanction through 0008: the tenant
    /// does not forward, the instance's inbox is resolved later, and the decision already in force is not sent again
    /// (the outbox starts empty; only transitions from now on write to it).
    @Test func aSchema0007ModerationDatabaseMigratesWithItsDecisionsKept() async throws {
        try buildDatabase(fromDump: "palisade/databases/schema-0007.sql")
        let store = try SQLiteStore(path: path)
        defer { try? store.close() }
        #expect(try store.migrate() == [
            "0008-moderation-decisions-out", "0009-moderation-reason-templates", "0010-moderation-minted-by", "0011-moderation-keyed-audit", "0012-moderation-flags-from", "0013-moderation-window-observations", "0014-moderation-case-account-name",
        ])
        let tenant = try #require(try await store.tenant(slug: "acme"))
        #expect(tenant.forwardReports == false)
        #expect(tenant.reasonTemplates.isEmpty)
        #expect(tenant.approvalRequired == ["suspend"])
        let instance = try #require(try await store.instance(domain: InstanceDomain("social.acme.example")!))
        #expect(instance.inbox == nil)
        #expect(instance.mastodonAPIToken == nil)
        #expect(instance.decisionRoute == .activitypub)
        let sanctions = try await store.activeSanctions(tenant: tenant.id, target: nil, at: Date())
        #expect(sanctions.map(\.target) == ["https://spam.example/users/bot"])
        #expect(try await store.pendingDispatches(at: Date(), limit: 10).isEmpty)
        #expect(try await store.decisionDeliveries(case: 1, tenant: tenant.id).isEmpty)
    }

    /// The upgrade to a keyed chain (0010, 0011) on a database an older Palisade wrote: its audit rows stay verifiable as
    /// legacy SHA-256 rows, the first keyed row chains onto the last of them under the MAC (so editing a legacy row and
    /// recomputing the legacy hashes after it is caught), and who added each moderator is filled in from the audit log.
    @Test func anUnkeyedChainUpgradesToAKeyedOneAndStaysVerifiable() async throws {
        try buildDatabase(fromDump: "palisade/databases/schema-0007.sql")
        // What the older Palisade wrote: a moderator added by an admin, its token, and plain SHA-256 rows.
        let queue = try DatabaseQueue(path: path)
        let t0: Int64 = 1_795_000_200_000
        try queue.inDatabase { db in
            try db.execute(sql: "INSERT INTO moderators (tenant_id, name, role, created_at) VALUES (1, 'sock', 'moderator', ?)", arguments: [t0])
            try db.execute(sql: "INSERT INTO moderator_tokens (id, moderator_id, hash, created_at) VALUES ('tok-1', last_insert_rowid(), 'h', ?)", arguments: [t0])
            var previous = ""
            for (sequence, actor, kind, detail) in [
                (1, "operator:root", "admin.moderator_added", #"{"name":"carol","role":"admin","token":"tok-0"}"#),
                (2, "carol", "admin.moderator_added", #"{"name":"sock","role":"moderator","token":"tok-1"}"#),
                (3, "alice", "note", #"{"text":"legacy"}"#),
            ] {
                let at = t0 + Int64(sequence)
                let hash = AuditChain.hash(
                    tenantID: 1, sequence: Int64(sequence), atMilliseconds: at, actor: actor, kind: kind, caseID: nil, detail: detail, ruleSetVersion: nil,
                    previousHash: previous)
                try db.execute(
                    sql: "INSERT INTO audit_log (tenant_id, seq, at, actor, kind, case_id, detail, rule_set_version, previous_hash, hash) VALUES (1, ?, ?, ?, ?, NULL, ?, NULL, ?, ?)",
                    arguments: [sequence, at, actor, kind, detail, previous, hash])
                previous = hash
            }
            try db.execute(sql: "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (1, 3, ?)", arguments: [previous])
        }
        try queue.close()

        let store = try SQLiteStore(path: path)
        defer { try? store.close() }
        try store.migrate()
        #expect(try await store.moderators(tenant: 1).first { $0.name == "sock" }?.createdBy == "carol", "filled in from the audit log")
        var chain = try await store.auditChain(tenant: 1)
        #expect(chain.legacyThrough == 3)
        #expect(chain.rows.map(\.mac) == [.sha256, .sha256, .sha256])
        #expect(AuditChain.verify(chain, chain: "acme", key: store.auditKey) == [])

        _ = try await store.audit(tenant: 1, actor: "alice", kind: "note", caseID: nil, detail: ["text": "keyed"], ruleSetVersion: nil, at: Date())
        chain = try await store.auditChain(tenant: 1)
        #expect(chain.rows.map(\.mac) == [.sha256, .sha256, .sha256, .hmacSHA256])
        #expect(chain.rows[3].previousHash == chain.rows[2].hash, "the first keyed row chains onto the last legacy one")
        #expect(AuditChain.verify(chain, chain: "acme", key: store.auditKey) == [])

        // A legacy row edited and every legacy hash after it recomputed: the keyed row no longer follows.
        let rewrite = try DatabaseQueue(path: path)
        let legacy = chain.rows
        try rewrite.inDatabase { db in
            var previous = legacy[1].previousHash
            for row in legacy[1...2] {
                let detail = row.sequence == 3 ? #"{"text":"rewritten"}"# : row.detail
                let hash = AuditChain.hash(
                    tenantID: 1, sequence: row.sequence, atMilliseconds: row.atMilliseconds, actor: row.actor, kind: row.kind, caseID: nil,
                    detail: detail, ruleSetVersion: nil, previousHash: previous)
                try db.execute(
                    sql: "UPDATE audit_log SET detail = ?, previous_hash = ?, hash = ? WHERE tenant_id = 1 AND seq = ?",
                    arguments: [detail, previous, hash, row.sequence])
                previous = hash
            }
        }
        try rewrite.close()
        let problems = AuditChain.verify(try await store.auditChain(tenant: 1), chain: "acme", key: store.auditKey).map(\.description)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("acme: row 4 (") == true && problems.first?.hasSuffix("does not follow the row before it (rows reordered, or one deleted and renumbered)") == true, "\(problems)")
    }

    private func buildDatabase(fromDump fixture: String) throws {
        let sql = try Fixtures.text(fixture)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
        try queue.close()
    }
}
