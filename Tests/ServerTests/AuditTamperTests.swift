import Foundation
import Moderation
import PalisadeTesting
import Server
import Store
import Testing

/// An audit chain that cannot be quietly rewritten (issue 16, item 8). Each attack is made on the real SQLite file
/// with the `sqlite3` shell, as someone holding the database (but not the key file) would: editing a decision or a
/// sanction, rewriting rows with recomputed plain SHA-256 hashes and a matching head, deleting the last row and moving
/// the head back. Verification names each, and the checkpoint outside the database catches what the head cannot.
@Suite struct AuditTamperTests {
    let harness: ServerHarness
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    let root = Principal(moderator: Moderator(id: 0, tenantID: nil, name: "operator:test", role: .operator), tenantID: nil)

    init() throws {
        harness = try ServerHarness("audit-tamper")
    }

    var database: String { harness.configuration.databasePath }

    func administration(_ store: SQLiteStore) -> Administration {
        Administration(
            directory: store, cases: store, newToken: Administration.systemTokens, now: { [t0] in t0.addingTimeInterval(60) },
            auditKey: store.auditKey, checkpoints: AuditCheckpointFile(path: harness.configuration.auditCheckpointsPath))
    }

    /// A tenant whose suspensions need two people, and one approved suspension: a decision, its approval, a sanction.
    func world(_ store: SQLiteStore) async throws -> (tenant: Tenant, caseID: CaseID, decisionID: Int64) {
        let acme = try await administration(store).createTenant(
            slug: "acme", name: "Acme", defaultQueue: nil, unsolicitedQueue: nil, approvalRequired: ["suspend"], claimLeaseSeconds: nil,
            slaSeconds: nil, by: root)
        let account = "https://bad.example/users/spammer"
        let report = IncomingReport(source: .flag, sourceKey: "f1", reporter: "https://a.example/actor", account: account, statuses: [], comment: "spam")
        guard case .recorded(let caseID, _) = try await store.record(
            IntakeItem(account: account, report: report, hits: [], signals: [Signal(queue: "reports", priority: 50)]), tenant: acme,
            ruleSetVersion: nil, at: t0)
        else { throw HarnessError("not recorded") }
        let alice = ModeratorID("alice")
        _ = try await store.apply(.claim(by: alice, lease: 900), to: caseID, tenant: acme.id, decisionID: nil, actor: "alice", ruleSetVersion: nil, at: t0)
        let proposal = try await store.apply(
            .decide(Decision(actions: [.suspend], reason: "spam network", by: alice), needsApproval: true), to: caseID, tenant: acme.id,
            decisionID: nil, actor: "alice", ruleSetVersion: nil, at: t0.addingTimeInterval(1))
        let decisionID = try #require(proposal.decisionID)
        _ = try await store.apply(
            .approve(by: ModeratorID("bob")), to: caseID, tenant: acme.id, decisionID: decisionID, actor: "bob", ruleSetVersion: nil,
            at: t0.addingTimeInterval(2))
        return (acme, caseID, decisionID)
    }

    func problems(_ store: SQLiteStore) async throws -> [String] {
        try await administration(store).verifyAudit(tenant: nil).problems.map(\.description)
    }

    @Test func theKeyIsCreatedOwnerOnlyOutsideTheDatabaseAndReused() async throws {
        let store = try harness.openStore()
        _ = try await world(store)
        let keyPath = harness.configuration.auditKeyPath
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 32)
        #expect(try await problems(store) == [])
        let checkpoints = try FileManager.default.attributesOfItem(atPath: harness.configuration.auditCheckpointsPath)
        #expect((checkpoints[.posixPermissions] as? Int) == 0o600, "verify wrote a checkpoint, owner-only")
        try store.close()

        // A second start reads the same key: the chain still verifies, and new rows chain on.
        let reopened = try harness.openStore()
        #expect(reopened.auditKey.bytes == store.auditKey.bytes)
        _ = try await reopened.audit(tenant: 0, actor: "operator", kind: "admin.test", caseID: nil, detail: [:], ruleSetVersion: nil, at: t0)
        #expect(try await problems(reopened) == [])
        #expect(try await SQLiteShell.query(database, "SELECT DISTINCT mac FROM audit_log") == ["hmac-sha256"])
        try reopened.close()

        // A key others may read is refused at start.
        chmod(keyPath, 0o644)
        #expect(throws: AuditKeyFileError.tooOpen(keyPath, mode: 0o644)) { try harness.openStore() }
    }

    @Test func anEditedDecisionOrSanctionIsDetectedAndNamed() async throws {
        let store = try harness.openStore()
        let (_, _, decisionID) = try await world(store)
        #expect(try await problems(store) == [])

        _ = try await SQLiteShell.query(database, "UPDATE decisions SET body = replace(body, 'suspend', 'silence') WHERE id = \(decisionID)")
        let edited = try await problems(store)
        #expect(edited.count == 1)
        #expect(edited.first?.hasPrefix("acme: decision \(decisionID): changed since row 4 (") == true, "\(edited)")
        #expect(edited.first?.contains("proposal by alice") == true)
        _ = try await SQLiteShell.query(database, "UPDATE decisions SET body = replace(body, 'silence', 'suspend') WHERE id = \(decisionID)")
        #expect(try await problems(store) == [])

        _ = try await SQLiteShell.query(database, "UPDATE decisions SET approved_by = 'mallory' WHERE id = \(decisionID)")
        #expect(try await problems(store).contains { $0.contains("the approval of decision \(decisionID): changed since row 5") })
        _ = try await SQLiteShell.query(database, "UPDATE decisions SET approved_by = 'bob' WHERE id = \(decisionID)")

        _ = try await SQLiteShell.query(database, "UPDATE sanctions SET target = 'https://bad.example/users/someone-else'")
        let retargeted = try await problems(store)
        #expect(retargeted == ["acme: the sanctions of decision \(decisionID): changed since \(try await label(store, 5)) recorded it"], "\(retargeted)")
        _ = try await SQLiteShell.query(database, "UPDATE sanctions SET target = 'https://bad.example/users/spammer'")

        // A sanction quietly lifted: no audit row recorded its lifting.
        let sanction = try #require(try await SQLiteShell.query(database, "SELECT id FROM sanctions").first)
        _ = try await SQLiteShell.query(database, "UPDATE sanctions SET lifted_at = 1795000100000, lifted_reason = 'oops'")
        #expect(try await problems(store) == ["acme: the lifting of sanction \(sanction): no audit row records it (written or changed outside Palisade)"])
    }

    @Test func rowsRewrittenWithRecomputedSHA256HashesAreDetected() async throws {
        let store = try harness.openStore()
        let (acme, _, _) = try await world(store)
        #expect(try await problems(store) == [], "and a checkpoint is written")

        // The attacker turns bob's approval into carol's and recomputes every hash after it, and the head, with the
        // plain SHA-256 of the old chain: everything they can compute without the key.
        let chain = try await store.auditChain(tenant: acme.id)
        var previous = chain.rows[3].hash
        var statements: [String] = []
        for row in chain.rows[4...] {
            let actor = row.sequence == 5 ? "carol" : row.actor
            let hash = AuditChain.hash(
                tenantID: row.tenantID, sequence: row.sequence, atMilliseconds: row.atMilliseconds, actor: actor, kind: row.kind, caseID: row.caseID,
                detail: row.detail, ruleSetVersion: row.ruleSetVersion, previousHash: previous)
            statements.append(
                "UPDATE audit_log SET actor = '\(actor)', previous_hash = '\(previous)', hash = '\(hash)' WHERE tenant_id = \(acme.id) AND seq = \(row.sequence);")
            previous = hash
        }
        statements.append("UPDATE audit_heads SET hash = '\(previous)' WHERE tenant_id = \(acme.id);")
        _ = try await SQLiteShell.query(database, statements.joined(separator: "\n"))
        let rewritten = try await problems(store)
        #expect(rewritten.contains { $0.hasPrefix("acme: row 5 (") && $0.contains("approve by carol") && $0.contains("was edited: its content no longer matches its MAC") })
        #expect(rewritten.contains { $0.contains("is not the row the checkpoint of") && $0.contains("the chain was rewritten up to row 5") })

        // Marked as legacy rows, so that plain SHA-256 is what verification recomputes: rows after the upgrade are keyed.
        _ = try await SQLiteShell.query(database, "UPDATE audit_log SET mac = 'sha256' WHERE tenant_id = \(acme.id) AND seq >= 5")
        let downgraded = try await problems(store)
        #expect(downgraded.contains { $0.hasPrefix("acme: row 5 (") && $0.contains("is an unkeyed SHA-256 row, but the chain is keyed from row 1") })
        // …and the record of the upgrade moved to hide them disagrees with the checkpoint.
        _ = try await SQLiteShell.query(database, "INSERT INTO audit_legacy (tenant_id, through_seq) VALUES (\(acme.id), 5)")
        let hidden = try await problems(store)
        #expect(!hidden.contains { $0.contains("unkeyed SHA-256 row") })
        #expect(hidden.contains { $0.contains("the checkpoint of") && $0.contains("says row 0: the upgrade record was changed") })
        #expect(hidden.contains { $0.contains("the chain was rewritten up to row 5") })
        // The server's checkpointer refuses to bless the rewritten chain.
        await #expect(throws: AuditCheckpointError.self) { try await administration(store).checkpointAudit() }
    }

    @Test func deletingTheLastRowIsDetectedAgainstTheCheckpoint() async throws {
        let store = try harness.openStore()
        let (acme, _, _) = try await world(store)
        #expect(try await problems(store) == [])
        let last = try #require(try await store.auditChain(tenant: acme.id).rows.last)
        let before = try await store.auditChain(tenant: acme.id).rows.dropLast().last!

        _ = try await SQLiteShell.query(database, """
            DELETE FROM audit_log WHERE tenant_id = \(acme.id) AND seq = \(last.sequence);
            UPDATE audit_heads SET seq = \(before.sequence), hash = '\(before.hash)' WHERE tenant_id = \(acme.id);
            """)
        let truncated = try await problems(store)
        #expect(truncated.contains {
            $0.hasPrefix("acme: the chain ends at row \(before.sequence), but the checkpoint of ")
                && $0.hasSuffix("recorded row \(last.sequence): row \(last.sequence) was deleted")
        }, "\(truncated)")
        // What the deleted row was about (bob's approval, the sanction it put in force) is named as unrecorded too.
        #expect(truncated.contains("acme: the approval of decision 1: no audit row records it (written or changed outside Palisade)"))
        #expect(truncated.count == 3)
        await #expect(throws: AuditCheckpointError.self) { try await administration(store).checkpointAudit() }

        // A forged checkpoint (a line not signed with the key) is named, not trusted.
        let forged = #"{"at":1,"heads":[],"mac":"00"}"#
        try (try String(contentsOfFile: harness.configuration.auditCheckpointsPath, encoding: .utf8) + forged + "\n")
            .write(toFile: harness.configuration.auditCheckpointsPath, atomically: false, encoding: .utf8)
        #expect(try await problems(store).contains("checkpoints: the last checkpoint is not signed with the audit key (forged, or the key changed)"))
    }

    func label(_ store: SQLiteStore, _ sequence: Int64) async throws -> String {
        let chain = try await store.auditChain(tenant: 1)
        return try #require(chain.rows.first { $0.sequence == sequence }).label
    }
}
