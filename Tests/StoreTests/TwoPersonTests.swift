import Foundation
import Moderation
import PalisadeTesting
import Store
import Testing

/// Two people mean two people (issue 16, item 7), each attack first reproduced against a real SQLite file: one moderator
/// lifting a suspension that needed two (reversal, or a dismissal after an appeal), an admin approving their own
/// proposal through an identity they minted, and a rule's proposal approved by something that is not a person.
@Suite struct TwoPersonTests {
    let directory: TemporaryDirectory
    let store: SQLiteStore
    let administration: Administration
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    let root = Principal(moderator: Moderator(id: 0, tenantID: nil, name: "operator:test", role: .operator), tenantID: nil)

    init() throws {
        directory = try TemporaryDirectory("two-person")
        store = try SQLiteStore(path: directory.path("palisade.sqlite"))
        try store.migrate()
        let counter = Counter()
        let t0 = t0
        administration = Administration(directory: store, cases: store, newToken: {
            var generator = SeededGenerator(seed: counter.next())
            return ModeratorToken.generate(using: &generator)
        }, now: { t0 })
    }

    func acme() async throws -> Tenant {
        try await administration.createTenant(
            slug: "acme", name: "Acme", defaultQueue: nil, unsolicitedQueue: nil, approvalRequired: ["suspend"], claimLeaseSeconds: nil,
            slaSeconds: nil, by: root)
    }

    func openCase(_ tenant: Tenant, account: String = "https://bad.example/users/spammer") async throws -> CaseID {
        let report = IncomingReport(
            source: .flag, sourceKey: "flag-" + account, reporter: "https://a.example/actor", account: account,
            statuses: [], comment: "spam", category: "spam")
        let item = IntakeItem(account: account, report: report, hits: [], signals: [Signal(queue: tenant.defaultQueue, priority: 50)])
        guard case .recorded(let caseID, _) = try await store.record(item, tenant: tenant, ruleSetVersion: nil, at: t0) else {
            throw ModerationError.invalid("not recorded")
        }
        return caseID
    }

    func apply(_ event: CaseEvent, _ caseID: CaseID, _ tenant: Tenant, by actor: String, decision: Int64? = nil, at offset: TimeInterval = 1)
        async throws -> TransitionOutcome
    {
        try await store.apply(event, to: caseID, tenant: tenant.id, decisionID: decision, actor: actor, ruleSetVersion: "v1",
                              at: t0.addingTimeInterval(offset))
    }

    /// A suspension proposed by alice and approved by bob, on a case that is then appealed and held by `holder`.
    func approvedSuspensionUnderAppeal(_ tenant: Tenant, holder: ModeratorID) async throws -> (CaseID, Decision) {
        let caseID = try await openCase(tenant)
        let alice = ModeratorID("alice"), bob = ModeratorID("bob")
        _ = try await apply(.claim(by: alice, lease: 900), caseID, tenant, by: "alice")
        let suspend = Decision(actions: [.suspend], reason: "spam network", by: alice)
        let proposal = try await apply(.decide(suspend, needsApproval: tenant.needsApproval(suspend)), caseID, tenant, by: "alice")
        _ = try await apply(.approve(by: bob), caseID, tenant, by: "bob", decision: proposal.decisionID)
        _ = try await apply(.appeal(statement: "not me"), caseID, tenant, by: "alice", at: 2)
        _ = try await apply(.claim(by: holder, lease: 900), caseID, tenant, by: holder.rawValue, at: 3)
        return (caseID, suspend)
    }

    @Test func oneModeratorCannotReverseASuspensionThatNeededTwo() async throws {
        let acme = try await acme()
        let (caseID, _) = try await approvedSuspensionUnderAppeal(acme, holder: ModeratorID("carol"))
        let reversal = try await apply(.reverse(by: ModeratorID("carol"), reason: "compromised"), caseID, acme, by: "carol", at: 4)
        #expect(reversal.status.phase == .awaitingApproval, "the reversal is only proposed")
        #expect(!reversal.effects.contains { $0.changesSanctions })
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0.addingTimeInterval(5)).map(\.action) == [.suspend])
        await #expect(throws: ModerationError.transition(.ownProposal(ModeratorID("carol")))) {
            try await apply(.approve(by: ModeratorID("carol")), caseID, acme, by: "carol", decision: reversal.decisionID, at: 5)
        }
        _ = try await apply(.approve(by: ModeratorID("dave")), caseID, acme, by: "dave", decision: reversal.decisionID, at: 6)
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0.addingTimeInterval(7)).isEmpty)
        let detail = try await store.detail(of: caseID, tenant: acme.id, at: t0.addingTimeInterval(7))
        #expect(detail.decisions.map(\.state) == ["reversed", "in_force"])
        #expect(detail.sanctions.first?.liftedReason == "reversed on appeal")
        #expect(detail.history.last?.detail.contains(#""approved_by":"dave""#) == true)
    }

    @Test func oneModeratorCannotDismissAnAppealedSuspensionThatNeededTwo() async throws {
        let acme = try await acme()
        let carol = ModeratorID("carol")
        let (caseID, suspend) = try await approvedSuspensionUnderAppeal(acme, holder: carol)
        let dismissal = Decision(actions: [.dismiss], reason: "no violation after all", by: carol)
        #expect(!acme.needsApproval(dismissal), "the dismissal itself needs nobody: lifting the suspension does")
        let outcome = try await apply(.decide(dismissal, needsApproval: acme.needsApproval(dismissal)), caseID, acme, by: "carol", at: 4)
        #expect(outcome.status.phase == .awaitingApproval)
        #expect(outcome.audit.kind == "proposal")
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0.addingTimeInterval(5)).count == 1)
        let approved = try await apply(.approve(by: ModeratorID("bob")), caseID, acme, by: "bob", decision: outcome.decisionID, at: 6)
        #expect(approved.effects == [.liftSanctions(suspend)])
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0.addingTimeInterval(7)).isEmpty)
    }

    @Test func anIdentityAnAdminMintedCannotApproveTheAdminsProposal() async throws {
        let acme = try await acme()
        let (carol, _) = try await administration.addModerator(name: "carol", role: .admin, tenant: acme, by: root)
        let (dave, _) = try await administration.addModerator(name: "dave", role: .moderator, tenant: acme, by: root)
        let carolAsAdmin = Principal(moderator: carol, tenantID: acme.id)
        // The attack: carol mints a second (and a third) identity.
        let (sock, _) = try await administration.addModerator(name: "sock", role: .moderator, tenant: acme, by: carolAsAdmin)
        let (puppet, _) = try await administration.addModerator(name: "puppet", role: .moderator, tenant: acme, by: carolAsAdmin)
        #expect(try await store.moderators(tenant: acme.id).first { $0.name == "sock" }?.createdBy == "carol")
        #expect(dave.createdBy == "operator:test")

        let caseID = try await openCase(acme)
        _ = try await apply(.claim(by: carol.moderatorID, lease: 900), caseID, acme, by: "carol")
        let suspend = Decision(actions: [.suspend], reason: "spam", by: carol.moderatorID)
        let proposal = try await apply(.decide(suspend, needsApproval: true), caseID, acme, by: "carol")
        await #expect(throws: ModerationError.transition(.samePerson(sock.moderatorID, proposer: carol.moderatorID))) {
            try await apply(.approve(by: sock.moderatorID), caseID, acme, by: "sock", decision: proposal.decisionID)
        }
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0.addingTimeInterval(2)).isEmpty)

        // Siblings are one person too: sock proposes, puppet approves.
        let other = try await openCase(acme, account: "https://bad.example/users/other")
        _ = try await apply(.claim(by: sock.moderatorID, lease: 900), other, acme, by: "sock")
        let bySock = try await apply(.decide(Decision(actions: [.suspend], reason: "spam", by: sock.moderatorID), needsApproval: true), other, acme, by: "sock")
        await #expect(throws: ModerationError.transition(.samePerson(puppet.moderatorID, proposer: sock.moderatorID))) {
            try await apply(.approve(by: puppet.moderatorID), other, acme, by: "puppet", decision: bySock.decisionID)
        }

        // A moderator the operator added is another person, until carol issues them a token she then holds.
        _ = try await apply(.approve(by: dave.moderatorID), other, acme, by: "dave", decision: bySock.decisionID)
        _ = try await administration.issueToken(to: "dave", tenant: acme, by: carolAsAdmin)
        await #expect(throws: ModerationError.transition(.samePerson(dave.moderatorID, proposer: carol.moderatorID))) {
            try await apply(.approve(by: dave.moderatorID), caseID, acme, by: "dave", decision: proposal.decisionID)
        }
        _ = try await apply(.approve(by: ModeratorID("erin")), caseID, acme, by: "erin", decision: proposal.decisionID)
        #expect(try await store.activeSanctions(tenant: acme.id, target: nil, at: t0.addingTimeInterval(2)).count == 2)
    }

    @Test func aRuleProposalNeedsAPersonsApprovalAndRecordsWho() async throws {
        let acme = try await acme()
        let caseID = try await openCase(acme)
        let automatic = Decision(actions: [.suspend], reason: "rule spam.x", ruleIDs: ["spam.x"], by: .rule("spam.x"))
        let proposal = try await apply(.ruleDecision(automatic, needsApproval: true), caseID, acme, by: "rule:spam.x")
        #expect(proposal.audit.kind == "rule_proposal")
        for nobody in ["operator", "operator:root", "system", "rule:other"] {
            await #expect(throws: ModerationError.transition(.notAPerson(ModeratorID(nobody)))) {
                try await apply(.approve(by: ModeratorID(nobody)), caseID, acme, by: nobody, decision: proposal.decisionID)
            }
        }
        let approved = try await apply(.approve(by: ModeratorID("alice")), caseID, acme, by: "alice", decision: proposal.decisionID, at: 2)
        #expect(approved.audit.actor == "alice")
        #expect(approved.audit.detail.contains(#""approved_by":"alice""#))
        #expect(approved.audit.detail.contains(#""proposed_by":"rule:spam.x""#))
        #expect(try await store.detail(of: caseID, tenant: acme.id, at: t0.addingTimeInterval(3)).decisions.first?.approvedBy == "alice")
    }
}
