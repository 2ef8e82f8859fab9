import Foundation
import GRDB
import Moderation
import PalisadeTesting
import Store
import Testing

extension StoreBackend {
    /// The moderation stores of this backend.
    func makeModerationStore(in directory: TemporaryDirectory) throws -> any CaseStore & TenantDirectory {
        try openStore(in: directory)
    }
}

/// The `CaseStore` and `TenantDirectory` contract, against every backend: intake onto one case per account, atomic
/// claims under contention, decisions with approvals, sanctions and reversals, tenant scoping, and the audit chain
/// (its tamper detection edits SQLite rows, so that one test is SQLite's).
@Suite struct CaseStoreTests {
    let directory: TemporaryDirectory
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        directory = try TemporaryDirectory("cases")
    }

    /// Runs `body` on a connection of its own to the store's file (as an attacker with the file would).
    @discardableResult
    func database<T>(_ body: (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: directory.path("palisade.sqlite"))
        defer { try? queue.close() }
        return try queue.write(body)
    }

    func tenant(_ store: any TenantDirectory, _ slug: String, approval: Set<String> = []) async throws -> Tenant {
        try await store.createTenant(Tenant(id: 0, slug: slug, name: slug.capitalized, approvalRequired: approval), by: "operator", at: t0)
    }

    func report(_ key: String, account: String = "https://bad.example/users/spammer", reporter: String = "https://a.example/actor",
                updatedAt: Date? = nil, category: String? = "spam") -> IncomingReport {
        IncomingReport(
            source: .flag, sourceKey: key, reporter: reporter, account: account,
            statuses: [ReportedStatus(id: account + "/statuses/1", text: "buy now", contentWarning: "ads", mediaCount: 1)],
            comment: "spam again", category: category, sourceUpdatedAt: updatedAt)
    }

    func item(_ report: IncomingReport, tenant: Tenant, priority: Int = 50, queue: String? = nil) -> IntakeItem {
        IntakeItem(account: report.account, report: report, hits: [], signals: [Signal(queue: queue ?? tenant.defaultQueue, priority: priority)])
    }

    @Test(arguments: StoreBackend.allCases)
    func reportsAboutOneAccountBecomeOneCaseAndAReplayChangesNothing(backend: StoreBackend) async throws {
        let store = try backend.makeModerationStore(in: directory)
        let acme = try await tenant(store, "acme")
        let first = try await store.record(item(report("https://a.example/flags/1"), tenant: acme), tenant: acme, ruleSetVersion: "v1", at: t0)
        guard case .recorded(let caseID, true) = first else { Issue.record("expected a new case, got \(first)"); return }
        let second = try await store.record(
            item(report("https://a.example/flags/2"), tenant: acme, priority: 80, queue: "urgent"), tenant: acme, ruleSetVersion: "v1", at: t0)
        #expect(second == .recorded(caseID: caseID, newCase: false))
        let replay = try await store.record(item(report("https://a.example/flags/1"), tenant: acme), tenant: acme, ruleSetVersion: "v1", at: t0)
        #expect(replay == .duplicate(caseID: caseID))
        let summary = try await store.summary(of: caseID, tenant: acme.id, at: t0)
        // The case keeps the highest priority and moves to the strongest signal's queue while nobody holds it.
        #expect(summary.priority == 80)
        #expect(summary.queue == "urgent")
        #expect(summary.reports == 2)
        let other = try await store.record(
            item(report("https://a.example/flags/3", account: "https://bad.example/users/other"), tenant: acme), tenant: acme, ruleSetVersion: "v1",
            at: t0)
        guard case .recorded(let otherID, true) = other else { Issue.record("expected another case, got \(other)"); return }
        #expect(otherID != caseID)
    }

    @Test(arguments: StoreBackend.allCases)
    func aWebhookUpdateNewerThanTheStoredReportReplacesItAndAnOlderOneIsIgnored(backend: StoreBackend) async throws {
        let store = try backend.makeModerationStore(in: directory)
        let acme = try await tenant(store, "acme")
        let created = report("webhook:m.example:1", updatedAt: t0, category: "other")
        guard case .recorded(let caseID, _) = try await store.record(item(created, tenant: acme), tenant: acme, ruleSetVersion: nil, at: t0) else {
            Issue.record("not recorded"); return
        }
        let newer = report("webhook:m.example:1", updatedAt: t0.addingTimeInterval(60), category: "violation")
        #expect(try await store.record(item(newer, tenant: acme), tenant: acme, ruleSetVersion: nil, at: t0) == .recorded(caseID: caseID, newCase: false))
        let older = report("webhook:m.example:1", updatedAt: t0.addingTimeInterval(30), category: "legal")
        #expect(try await store.record(item(older, tenant: acme), tenant: acme, ruleSetVersion: nil, at: t0) == .duplicate(caseID: caseID))
        let detail = try await store.detail(of: caseID, tenant: acme.id, at: t0)
        #expect(detail.reports.map(\.report.category) == ["violation"])
    }

    @Test(arguments: StoreBackend.allCases)
    func aMutedReportersReportIsKeptButOpensNoCase(backend: StoreBackend) async throws {
        let store = try backend.makeModerationStore(in: directory)
        let acme = try await tenant(store, "acme")
        try await store.setReporterMuted("https://a.example/users/troll", muted: true, tenant: acme.id, by: "admin", at: t0)
        let result = try await store.record(
            item(report("https://a.example/flags/9", reporter: "https://a.example/users/troll"), tenant: acme), tenant: acme, ruleSetVersion: nil,
            at: t0)
        #expect(result == .mutedReporter)
        #expect(try await store.cases(tenant: acme.id, filter: CaseFilter(), at: t0).isEmpty)
        let kept = try database { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reports WHERE case_id IS NULL") }
        #expect(kept == 1)
    }

    /// Many tasks claim the same cases at the same instant: each case ends with exactly one holder, every other
    /// claim is refused, and once the lease expires another moderator takes it.
    @Test(arguments: StoreBackend.allCases)
    func concurrentClaimsGiveEachCaseAtMostOneHolder(backend: StoreBackend) async throws {
        let store = try backend.makeModerationStore(in: directory)
        let acme = try await tenant(store, "acme")
        var caseIDs: [CaseID] = []
        for index in 0..<10 {
            let result = try await store.record(
                item(report("f\(index)", account: "https://bad.example/users/u\(index)"), tenant: acme), tenant: acme, ruleSetVersion: nil, at: t0)
            if case .recorded(let id, _) = result { caseIDs.append(id) }
        }
        let moderators = (0..<16).map { ModeratorID("mod\($0)") }
        let t0 = self.t0
        let wins = try await withThrowingTaskGroup(of: (CaseID, ModeratorID)?.self) { group in
            for caseID in caseIDs {
                for moderator in moderators {
                    group.addTask {
                        do {
                            _ = try await store.apply(
                                .claim(by: moderator, lease: 900), to: caseID, tenant: acme.id, decisionID: nil, actor: moderator.rawValue,
                                ruleSetVersion: nil, at: t0)
                            return (caseID, moderator)
                        } catch ModerationError.transition(.claimedByAnother) {
                            return nil
                        }
                    }
                }
            }
            var wins: [(CaseID, ModeratorID)] = []
            for try await win in group { if let win { wins.append(win) } }
            return wins
        }
        #expect(wins.count == caseIDs.count)
        #expect(Set(wins.map(\.0)) == Set(caseIDs))
        for (caseID, holder) in wins {
            #expect(try await store.summary(of: caseID, tenant: acme.id, at: t0).holder == holder.rawValue)
        }
        // claim-next under contention: 16 moderators, 10 cases whose leases expired: 10 distinct claims, 6 empty queues.
        let later = t0.addingTimeInterval(901)
        let next = try await withThrowingTaskGroup(of: CaseID?.self) { group in
            for moderator in moderators {
                group.addTask {
                    do {
                        return try await store.claimNext(queue: "reports", tenant: acme.id, moderator: moderator, role: .triage, lease: 900, at: later)
                            .caseID
                    } catch ModerationError.queueEmpty {
                        return nil
                    }
                }
            }
            var claimed: [CaseID] = []
            for try await id in group { if let id { claimed.append(id) } }
            return claimed
        }
        #expect(next.count == 10)
        #expect(Set(next).count == 10)
    }

    @Test(arguments: StoreBackend.allCases)
    func suspensionWithApprovalAppealAndReversalLiftsTheSanction(backend: StoreBackend) async throws {
        let store = try backend.makeModerationStore(in: directory)
        let acme = try await tenant(store, "acme", approval: ["suspend"])
        guard case .recorded(let caseID, _) = try await store.record(item(report("f1"), tenant: acme), tenant: acme, ruleSetVersion: nil, at: t0)
        else { Issue.record("not recorded"); return }
        let alice = ModeratorID("alice"), bob = ModeratorID("bob")
        func apply(_ event: CaseEvent, _ actor: ModeratorID, decision: Int64? = nil, at offset: TimeInterval = 1) async throws -> TransitionOutcome {
            try await store.apply(event, to: caseID, tenant: acme.id, decisionID: decision, actor: actor.rawValue, ruleSetVersion: "v1",
                                  at: t0.addingTimeInterval(offset))
        }
        _ = try await apply(.claim(by: alice, lease: 900), alice)
        let decision = Decision(actions: [.suspend], reason: "spam network", category: "spam", ruleIDs: ["spam.x"], by: alice)
        let proposed = try await apply(.decide(decision, needsApproval: acme.needsApproval(decision)), alice, at: 2)
        #expect(proposed.status.phase == .awaitingApproval)
        let proposalID = try #require(proposed.decisionID)
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0).isEmpty)
        await #expect(throws: ModerationError.transition(.ownProposal(alice))) { try await apply(.approve(by: alice), alice, decision: proposalID) }
        await #expect(throws: ModerationError.noSuchDecision(proposalID + 1)) { try await apply(.approve(by: bob), bob, decision: proposalID + 1) }
        let approved = try await apply(.approve(by: bob), bob, decision: proposalID, at: 3)
        #expect(approved.effects == [.applySanctions(decision)])
        let active = try await store.activeSanctions(tenant: acme.id, target: "https://bad.example/users/spammer", at: t0.addingTimeInterval(4))
        #expect(active.map(\.action) == [.suspend])

        _ = try await apply(.appeal(statement: "it was not me"), alice, at: 10)
        _ = try await apply(.claim(by: bob, lease: 900), bob, at: 11)
        // Lifting a suspension that needed two people needs two people: the reversal is proposed, and waits.
        let reversal = try await apply(.reverse(by: bob, reason: "account was compromised"), bob, at: 12)
        #expect(reversal.status.phase == .awaitingApproval)
        #expect(reversal.effects.count == 1)
        let reversalID = try #require(reversal.decisionID)
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0.addingTimeInterval(12)).count == 1)
        await #expect(throws: ModerationError.transition(.ownProposal(bob))) { try await apply(.approve(by: bob), bob, decision: reversalID) }
        let reversed = try await apply(.approve(by: alice), alice, decision: reversalID, at: 13)
        #expect(reversed.effects == [.liftSanctions(decision)])
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0.addingTimeInterval(13)).isEmpty)
        let detail = try await store.detail(of: caseID, tenant: acme.id, at: t0.addingTimeInterval(13))
        #expect(detail.decisions.map(\.state) == ["reversed", "in_force"])
        #expect(detail.decisions[0].approvedBy == "bob")
        #expect(detail.decisions[1].approvedBy == "alice")
        #expect(detail.sanctions.first?.liftedReason == "reversed on appeal")
        #expect(detail.history.map(\.kind) == ["intake", "claim", "proposal", "approve", "appeal", "claim", "reverse_proposal", "approve"])
    }

    @Test(arguments: StoreBackend.allCases)
    func aTimedSilenceEndsByItself(backend: StoreBackend) async throws {
        let store = try backend.makeModerationStore(in: directory)
        let acme = try await tenant(store, "acme")
        guard case .recorded(let caseID, _) = try await store.record(item(report("f1"), tenant: acme), tenant: acme, ruleSetVersion: nil, at: t0)
        else { Issue.record("not recorded"); return }
        let alice = ModeratorID("alice")
        _ = try await store.apply(.claim(by: alice, lease: 900), to: caseID, tenant: acme.id, decisionID: nil, actor: "alice", ruleSetVersion: nil, at: t0)
        let silence = Decision(actions: [.silence], reason: "cool off", expiresAt: t0.addingTimeInterval(3600), by: alice)
        _ = try await store.apply(.decide(silence, needsApproval: false), to: caseID, tenant: acme.id, decisionID: nil, actor: "alice",
                                  ruleSetVersion: nil, at: t0)
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0.addingTimeInterval(3599)).count == 1)
        #expect(try await store.expireSanctions(at: t0.addingTimeInterval(3599)) == 0)
        #expect(try await store.expireSanctions(at: t0.addingTimeInterval(3600)) == 1)
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0.addingTimeInterval(3601)).isEmpty)
        #expect(try await store.history(of: caseID, tenant: acme.id).last?.kind == "sanction_expired")
    }

    @Test(arguments: StoreBackend.allCases)
    func everyCaseQueryIsScopedByTenant(backend: StoreBackend) async throws {
        let store = try backend.makeModerationStore(in: directory)
        let acme = try await tenant(store, "acme")
        let globex = try await tenant(store, "globex")
        guard case .recorded(let caseID, _) = try await store.record(item(report("f1"), tenant: acme), tenant: acme, ruleSetVersion: nil, at: t0)
        else { Issue.record("not recorded"); return }
        await #expect(throws: ModerationError.noSuchCase(caseID)) { try await store.summary(of: caseID, tenant: globex.id, at: t0) }
        await #expect(throws: ModerationError.noSuchCase(caseID)) { try await store.detail(of: caseID, tenant: globex.id, at: t0) }
        await #expect(throws: ModerationError.noSuchCase(caseID)) { try await store.history(of: caseID, tenant: globex.id) }
        await #expect(throws: ModerationError.noSuchCase(caseID)) {
            try await store.apply(.claim(by: ModeratorID("eve"), lease: 900), to: caseID, tenant: globex.id, decisionID: nil, actor: "eve",
                                  ruleSetVersion: nil, at: t0)
        }
        await #expect(throws: ModerationError.queueEmpty("reports")) {
            try await store.claimNext(queue: "reports", tenant: globex.id, moderator: ModeratorID("eve"), role: .admin, lease: 900, at: t0)
        }
        #expect(try await store.cases(tenant: globex.id, filter: CaseFilter(), at: t0).isEmpty)
        #expect(try await store.queues(tenant: globex.id, for: "eve", at: t0).map(\.open) == [0])
    }

    @Test(arguments: StoreBackend.allCases)
    func casesAreFilteredSortedAndPagedAsQueuesAsk(backend: StoreBackend) async throws {
        let store = try backend.makeModerationStore(in: directory)
        let acme = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme", sla: 600), by: "operator", at: t0)
        var ids: [CaseID] = []
        for (index, (queue, priority)) in [("spam", 30), ("spam", 90), ("legal", 70), ("spam", 60)].enumerated() {
            let result = try await store.record(
                item(report("f\(index)", account: "https://bad.example/users/u\(index)"), tenant: acme, priority: priority, queue: queue),
                tenant: acme, ruleSetVersion: nil, at: t0.addingTimeInterval(Double(index) * 300))
            guard case .recorded(let id, true) = result else { Issue.record("not recorded"); return }
            ids.append(id)
        }
        let at = t0.addingTimeInterval(1000)
        _ = try await store.apply(.claim(by: ModeratorID("alice"), lease: 900), to: ids[1], tenant: acme.id, decisionID: nil, actor: "alice",
                                  ruleSetVersion: nil, at: at)
        func list(_ change: (inout CaseFilter) -> Void) async throws -> [CaseID] {
            var filter = CaseFilter()
            change(&filter)
            return try await store.cases(tenant: acme.id, filter: filter, at: at).map(\.id)
        }
        #expect(try await list { _ in } == [ids[1], ids[2], ids[3], ids[0]], "by priority, then oldest")
        #expect(try await list { $0.sort = .age } == ids)
        #expect(try await list { $0.sort = .newest } == ids.reversed())
        #expect(try await list { $0.queue = "spam" } == [ids[1], ids[3], ids[0]])
        #expect(try await list { $0.minimumPriority = 65 } == [ids[1], ids[2]])
        #expect(try await list { $0.createdBefore = t0.addingTimeInterval(400) } == [ids[1], ids[0]], "older than an age")
        // The SLA is 600 s: cases created at 0 and 300 s have breached it at 1,000 s.
        #expect(try await list { $0.slaBreached = true } == [ids[1], ids[0]])
        #expect(try await list { $0.slaBreached = false } == [ids[2], ids[3]])
        #expect(try await list { $0.claimed = true } == [ids[1]])
        #expect(try await list { $0.claimed = false } == [ids[2], ids[3], ids[0]])
        #expect(try await list { $0.holder = "alice" } == [ids[1]])
        #expect(try await list { $0.phases = [.decided] } == [])
        // `state=…,claimed,…` is a union (issue 18): the claimed open case joins the escalated ones (none here).
        #expect(try await list { $0.phases = [.escalated]; $0.claimedToo = true } == [ids[1]])
        #expect(try await list { $0.phases = [.open, .escalated]; $0.claimedToo = true } == [ids[1], ids[2], ids[3], ids[0]])
        #expect(try await list { $0.claimedToo = true } == [ids[1]])
        // Keyset paging in each order.
        #expect(try await list { $0.limit = 2 } == [ids[1], ids[2]])
        #expect(try await list { $0.limit = 2; $0.after = ids[2] } == [ids[3], ids[0]])
        #expect(try await list { $0.sort = .age; $0.limit = 2; $0.after = ids[1] } == [ids[2], ids[3]])
        #expect(try await list { $0.sort = .newest; $0.after = ids[2] } == [ids[1], ids[0]])
        let queues = try await store.queues(tenant: acme.id, for: "alice", at: at)
        #expect(queues.map(\.name) == ["legal", "reports", "spam"])
        let spam = try #require(queues.last)
        #expect(spam.open == 3)
        #expect(spam.claimedByMe == 1)
        #expect(spam.slaBreached == 2)
        #expect(spam.oldestOpenAt == t0)
    }

    @Test(arguments: StoreBackend.allCases)
    func anEscalationToARoleKeepsWeakerRolesFromClaimingIt(backend: StoreBackend) async throws {
        let store = try backend.makeModerationStore(in: directory)
        let acme = try await tenant(store, "acme")
        guard case .recorded(let caseID, _) = try await store.record(item(report("f1"), tenant: acme), tenant: acme, ruleSetVersion: nil, at: t0)
        else { Issue.record("not recorded"); return }
        let tom = ModeratorID("tom")
        _ = try await store.apply(.claim(by: tom, lease: 900), to: caseID, tenant: acme.id, decisionID: nil, actor: "tom", ruleSetVersion: nil, at: t0)
        let escalated = try await store.escalate(caseID, tenant: acme.id, by: tom, toQueue: nil, role: .admin, ruleSetVersion: "v1", at: t0)
        #expect(escalated.status.phase == .escalated)
        #expect(escalated.status.queue == "reports", "without a queue the case stays in its own")
        #expect(escalated.audit.detail == #"{"queue":"reports","role":"admin"}"#)
        #expect(try await store.summary(of: caseID, tenant: acme.id, at: t0).escalatedToRole == .admin)
        await #expect(throws: ModerationError.queueEmpty("reports")) {
            try await store.claimNext(queue: "reports", tenant: acme.id, moderator: tom, role: .moderator, lease: 900, at: t0)
        }
        let claimed = try await store.claimNext(queue: "reports", tenant: acme.id, moderator: ModeratorID("ann"), role: .admin, lease: 900, at: t0)
        #expect(claimed.caseID == caseID)
        await #expect(throws: ModerationError.noSuchCase(caseID)) {
            try await store.escalate(caseID, tenant: acme.id + 1, by: tom, toQueue: nil, role: nil, ruleSetVersion: nil, at: t0)
        }
    }

    /// SQLite's: the tampering edits the file's rows directly, as someone with the file could.
    /// Issue 18: a moderator finds a case by its number, a handle (any case, with or without the host), an account URL
    /// or a domain; the searched text's `%` and `_` are literal, and other tenants' cases are never found.
    @Test(arguments: StoreBackend.allCases)
    func aModeratorsSearchFindsCasesByNumberHandleURLAndDomain(backend: StoreBackend) async throws {
        let store = try backend.makeModerationStore(in: directory)
        let acme = try await tenant(store, "acme")
        let other = try await tenant(store, "other")
        var ids: [String: CaseID] = [:]
        for (index, account) in [
            "https://bad.example/users/Mallory", "https://other.example/@mallory", "https://bad.example/users/mallory_2", "https://bad.example/users/bob",
        ].enumerated() {
            let recorded = try await store.record(item(report("https://a.example/flags/\(index)", account: account), tenant: acme), tenant: acme, ruleSetVersion: "v1", at: t0)
            guard case .recorded(let id, _) = recorded else { Issue.record("no case for \(account)"); return }
            ids[account] = id
        }
        _ = try await store.record(item(report("https://a.example/flags/9", account: "https://bad.example/users/mallory"), tenant: other), tenant: other, ruleSetVersion: "v1", at: t0)
        func found(_ text: String) async throws -> [CaseID] {
            var filter = CaseFilter()
            filter.search = try #require(CaseSearch(text))
            filter.sort = .age
            return try await store.cases(tenant: acme.id, filter: filter, at: t0).map(\.id)
        }
        let mallory = ids["https://bad.example/users/Mallory"]!, otherMallory = ids["https://other.example/@mallory"]!
        let mallory2 = ids["https://bad.example/users/mallory_2"]!, bob = ids["https://bad.example/users/bob"]!
        #expect(try await found("mallory") == [mallory, otherMallory])
        #expect(try await found("@mallory@bad.example") == [mallory])
        #expect(try await found("@MALLORY@Other.Example") == [otherMallory])
        #expect(try await found("#\(bob)") == [bob])
        #expect(try await found(String(bob)) == [bob])
        #expect(try await found("bad.example") == [mallory, mallory2, bob])
        #expect(try await found("https://bad.example/users/bob") == [bob])
        #expect(try await found("users/mallory_") == [mallory2])
        #expect(try await found("users/mallory%") == [], "% is literal")
        #expect(try await found("nobody") == [])

        // A name the source showed (a webhook's display name and username) is searched too, by any piece of it.
        let named = report("https://a.example/flags/20", account: "https://named.example/users/7f3a9")
        let recorded = try await store.record(
            IntakeItem(account: named.account, report: named, hits: [], signals: [Signal(queue: "reports", priority: 50)],
                       accountName: IntakeItem.accountName(displayName: "Crypto Giveaway\u{1B}[2J Official", username: "giveaway_official")),
            tenant: acme, ruleSetVersion: "v1", at: t0)
        guard case .recorded(let namedCase, _) = recorded else { Issue.record("no case"); return }
        #expect(try await found("giveaway") == [namedCase])
        #expect(try await found("Crypto Giveaway") == [namedCase])
        #expect(try await found("@giveaway_official") == [namedCase], "the @username the source showed")
        #expect(try await found("\u{1B}") == [], "control characters are not kept in the name")
        #expect(IntakeItem.accountName(displayName: "  ", username: nil) == nil)
        #expect(IntakeItem.accountName(displayName: String(repeating: "x", count: 500), username: nil)?.count == 200)
    }

    @Test func theAuditChainVerifiesAndNamesAnEditedDeletedOrReorderedRow() async throws {
        let store = try StoreBackend.sqlite.makeModerationStore(in: directory)
        let acme = try await tenant(store, "acme")
        for index in 0..<5 {
            _ = try await store.record(
                item(report("f\(index)", account: "https://bad.example/users/u\(index)"), tenant: acme), tenant: acme, ruleSetVersion: "v1",
                at: t0.addingTimeInterval(Double(index)))
        }
        func problems() async throws -> [String] {
            let chain = try await store.auditChain(tenant: acme.id)
            return AuditChain.verify(chain, chain: "acme", key: (store as! SQLiteStore).auditKey).map(\.description)
        }
        #expect(try await problems() == [])
        #expect(try await store.auditChain(tenant: acme.id).rows.count == 6)

        try database { db in try db.execute(sql: "UPDATE audit_log SET actor = 'mallory' WHERE tenant_id = ? AND seq = 3", arguments: [acme.id]) }
        let edited = try await problems()
        #expect(edited.count == 1)
        #expect(edited.first?.contains("row 3") == true)
        #expect(edited.first?.contains("was edited") == true)
        try database { db in try db.execute(sql: "UPDATE audit_log SET actor = 'system' WHERE tenant_id = ? AND seq = 3", arguments: [acme.id]) }
        #expect(try await problems() == [])

        try database { db in
            try db.execute(sql: "UPDATE audit_log SET seq = -1 WHERE tenant_id = ? AND seq = 4", arguments: [acme.id])
            try db.execute(sql: "UPDATE audit_log SET seq = 4 WHERE tenant_id = ? AND seq = 5", arguments: [acme.id])
            try db.execute(sql: "UPDATE audit_log SET seq = 5 WHERE tenant_id = ? AND seq = -1", arguments: [acme.id])
        }
        let reordered = try await problems()
        #expect(reordered.contains { $0.contains("row 4") && $0.contains("reordered: it was written as row 5") })

        try database { db in
            try db.execute(sql: "UPDATE audit_log SET seq = -1 WHERE tenant_id = ? AND seq = 4", arguments: [acme.id])
            try db.execute(sql: "UPDATE audit_log SET seq = 4 WHERE tenant_id = ? AND seq = 5", arguments: [acme.id])
            try db.execute(sql: "UPDATE audit_log SET seq = 5 WHERE tenant_id = ? AND seq = -1", arguments: [acme.id])
            try db.execute(sql: "DELETE FROM audit_log WHERE tenant_id = ? AND seq = 2", arguments: [acme.id])
        }
        let deleted = try await problems()
        #expect(deleted == ["acme: row 2 is missing (deleted): \(try await store.auditChain(tenant: acme.id).rows[1].label) follows row 1"])

        try database { db in try db.execute(sql: "DELETE FROM audit_log WHERE tenant_id = ? AND seq = 6", arguments: [acme.id]) }
        #expect(try await problems().contains { $0.contains("row 6 was written: the last rows were deleted") })
    }
}
