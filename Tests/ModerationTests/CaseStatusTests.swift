import Foundation
import Moderation
import Testing

/// The case state machine: every transition, and every forbidden one, with the effects each returns.
@Suite struct CaseStatusTests {
    let alice = ModeratorID("alice")
    let bob = ModeratorID("bob")
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    let lease: TimeInterval = 900

    func suspend(by moderator: ModeratorID) -> Decision {
        Decision(actions: [.suspend], reason: "crypto scam", category: "spam", ruleIDs: ["spam.crypto-giveaway"], by: moderator)
    }

    /// A case in `queue`, claimed by `moderator` at t0.
    func claimed(by moderator: ModeratorID) throws -> CaseStatus {
        var status = CaseStatus(queue: "spam")
        _ = try status.apply(.claim(by: moderator, lease: lease), at: t0)
        return status
    }

    @Test func claimRenewReleaseAndExpiry() throws {
        var status = try claimed(by: alice)
        #expect(status.holder(at: t0) == alice)
        #expect(throws: CaseTransitionError.claimedByAnother(alice, until: t0.addingTimeInterval(lease))) {
            try status.apply(.claim(by: bob, lease: lease), at: t0.addingTimeInterval(1))
        }
        // Renewing is claiming again: the lease restarts.
        _ = try status.apply(.claim(by: alice, lease: lease), at: t0.addingTimeInterval(600))
        #expect(status.claim?.expiresAt == t0.addingTimeInterval(1500))
        #expect(throws: CaseTransitionError.claimedByAnother(alice, until: t0.addingTimeInterval(1500))) {
            try status.apply(.release(by: bob), at: t0.addingTimeInterval(700))
        }
        _ = try status.apply(.release(by: alice), at: t0.addingTimeInterval(700))
        #expect(status.holder(at: t0.addingTimeInterval(700)) == nil)
        #expect(throws: CaseTransitionError.notClaimedBy(alice)) { try status.apply(.release(by: alice), at: t0.addingTimeInterval(701)) }

        // An expired lease is nobody's: another moderator takes the case.
        var expiring = try claimed(by: alice)
        #expect(expiring.holder(at: t0.addingTimeInterval(lease)) == nil)
        _ = try expiring.apply(.claim(by: bob, lease: lease), at: t0.addingTimeInterval(lease))
        #expect(expiring.holder(at: t0.addingTimeInterval(lease + 1)) == bob)
        #expect(throws: CaseTransitionError.claimedByAnother(bob, until: t0.addingTimeInterval(2 * lease))) {
            try expiring.apply(.decide(suspend(by: alice), needsApproval: false), at: t0.addingTimeInterval(lease + 2))
        }
    }

    @Test func decideAppliesSanctionsAndCloses() throws {
        var status = try claimed(by: alice)
        let decision = suspend(by: alice)
        #expect(try status.apply(.decide(decision, needsApproval: false), at: t0) == [.applySanctions(decision)])
        #expect(status.phase == .decided && status.decision == decision && status.claim == nil)
        #expect(try status.apply(.close(by: alice), at: t0) == [])
        #expect(status.phase == .closed)

        var dismissed = try claimed(by: alice)
        let dismissal = Decision(actions: [.dismiss], reason: "not a violation", by: alice)
        #expect(try dismissed.apply(.decide(dismissal, needsApproval: false), at: t0) == [], "a dismissal sanctions nothing")
    }

    @Test func aSecondModeratorApprovesOrRejectsNeverTheProposer() throws {
        var status = try claimed(by: alice)
        let decision = suspend(by: alice)
        #expect(try status.apply(.decide(decision, needsApproval: true), at: t0) == [.requestApproval(decision)])
        #expect(status.phase == .awaitingApproval)
        #expect(throws: CaseTransitionError.ownProposal(alice)) { try status.apply(.approve(by: alice), at: t0) }
        #expect(throws: CaseTransitionError.ownProposal(alice)) { try status.apply(.rejectProposal(by: alice, reason: "x"), at: t0) }
        var rejected = status
        #expect(try status.apply(.approve(by: bob), at: t0) == [.applySanctions(decision)])
        #expect(status.phase == .decided)
        #expect(try rejected.apply(.rejectProposal(by: bob, reason: "not enough evidence"), at: t0) == [])
        #expect(rejected.phase == .open && rejected.decision == nil)
    }

    @Test func escalationMovesTheCaseAndEndsTheClaim() throws {
        var status = try claimed(by: alice)
        #expect(try status.apply(.escalate(by: alice, toQueue: "legal"), at: t0) == [.movedToQueue("legal")])
        #expect(status.phase == .escalated && status.queue == "legal" && status.claim == nil)
        _ = try status.apply(.claim(by: bob, lease: lease), at: t0)
        let decision = suspend(by: bob)
        #expect(try status.apply(.decide(decision, needsApproval: false), at: t0) == [.applySanctions(decision)])
    }

    @Test func anAppealReopensAndAReversalLiftsTheSanctions() throws {
        var status = try claimed(by: alice)
        let decision = suspend(by: alice)
        _ = try status.apply(.decide(decision, needsApproval: false), at: t0)
        _ = try status.apply(.close(by: alice), at: t0)
        #expect(try status.apply(.appeal(statement: "it was a joke"), at: t0) == [])
        #expect(status.phase == .reopened && status.appeals == 1 && status.decision == decision)
        _ = try status.apply(.claim(by: bob, lease: lease), at: t0)
        #expect(try status.apply(.reverse(by: bob, reason: "context"), at: t0) == [.liftSanctions(decision)])
        #expect(status.phase == .decided && status.decision?.actions == [.dismiss])

        // A new decision on a reopened case replaces the old one: old sanctions lifted, new ones applied.
        var replaced = try claimed(by: alice)
        _ = try replaced.apply(.decide(decision, needsApproval: false), at: t0)
        _ = try replaced.apply(.appeal(statement: "too harsh"), at: t0)
        _ = try replaced.apply(.claim(by: bob, lease: lease), at: t0)
        let lighter = Decision(actions: [.silence], reason: "limit instead", expiresAt: t0.addingTimeInterval(86_400 * 7), by: bob)
        #expect(try replaced.apply(.decide(lighter, needsApproval: true), at: t0) == [.requestApproval(lighter)])
        var turnedDown = replaced
        #expect(try replaced.apply(.approve(by: alice), at: t0) == [.liftSanctions(decision), .applySanctions(lighter)])
        _ = try turnedDown.apply(.rejectProposal(by: alice, reason: "keep it"), at: t0)
        #expect(turnedDown.phase == .reopened && turnedDown.decision == decision, "the decision under appeal stays")
    }

    @Test func decisionsNeedAnActionAndAReason() throws {
        var status = try claimed(by: alice)
        #expect(throws: CaseTransitionError.incompleteDecision("choose at least one action")) {
            try status.apply(.decide(Decision(actions: [], reason: "x", by: alice), needsApproval: false), at: t0)
        }
        #expect(throws: CaseTransitionError.incompleteDecision("give a reason")) {
            try status.apply(.decide(Decision(actions: [.silence], reason: "  ", by: alice), needsApproval: false), at: t0)
        }
        #expect(status.phase == .open && status.holder(at: t0) == alice, "a refused event changes nothing")
    }

    /// Every event in every phase: allowed ones succeed, the others throw `notAllowed` and leave the status as it was.
    @Test func forbiddenTransitionsThrowAndChangeNothing() throws {
        let decision = suspend(by: alice)
        var phases: [CaseStatus.Phase: CaseStatus] = [:]
        var open = CaseStatus(queue: "spam")
        phases[.open] = open
        _ = try open.apply(.claim(by: alice, lease: lease), at: t0)
        var escalated = open
        _ = try escalated.apply(.escalate(by: alice, toQueue: "legal"), at: t0)
        phases[.escalated] = escalated
        var awaiting = open
        _ = try awaiting.apply(.decide(decision, needsApproval: true), at: t0)
        phases[.awaitingApproval] = awaiting
        var decided = open
        _ = try decided.apply(.decide(decision, needsApproval: false), at: t0)
        phases[.decided] = decided
        var closed = decided
        _ = try closed.apply(.close(by: alice), at: t0)
        phases[.closed] = closed
        var reopened = closed
        _ = try reopened.apply(.appeal(statement: "please"), at: t0)
        phases[.reopened] = reopened

        let allowed: [String: Set<CaseStatus.Phase>] = [
            "claim": [.open, .escalated, .reopened], "escalate": [.open, .escalated, .reopened], "decide": [.open, .escalated, .reopened],
            "approve": [.awaitingApproval], "reject a proposal for": [.awaitingApproval], "close": [.decided], "appeal": [.decided, .closed],
            "reverse": [.reopened],
        ]
        for (phase, status) in phases {
            for name in allowed.keys.sorted() {
                var trial = status
                // Give the actor a claim where the event needs one and the phase allows claiming.
                if ["escalate", "decide", "reverse"].contains(name), [.open, .escalated, .reopened].contains(phase) {
                    _ = try trial.apply(.claim(by: bob, lease: lease), at: t0)
                }
                let event: CaseEvent
                switch name {
                case "claim": event = .claim(by: bob, lease: lease)
                case "escalate": event = .escalate(by: bob, toQueue: "other")
                case "decide": event = .decide(suspend(by: bob), needsApproval: false)
                case "approve": event = .approve(by: bob)
                case "reject a proposal for": event = .rejectProposal(by: bob, reason: "no")
                case "close": event = .close(by: bob)
                case "appeal": event = .appeal(statement: "again")
                default: event = .reverse(by: bob, reason: "r")
                }
                let before = trial
                if allowed[name]!.contains(phase) {
                    #expect(throws: Never.self, "\(name) when \(phase)") { _ = try trial.apply(event, at: t0.addingTimeInterval(1)) }
                } else {
                    #expect(throws: CaseTransitionError.notAllowed(event: name, phase: phase)) { _ = try trial.apply(event, at: t0.addingTimeInterval(1)) }
                    #expect(trial == before, "a refused \(name) changes nothing")
                }
            }
            // A note is always allowed and changes nothing.
            var noted = status
            #expect(try noted.apply(.note(by: bob, text: "seen"), at: t0) == [])
            #expect(noted == status)
        }
    }

    @Test func aRuleDecidesWithoutAClaimButNeverOverAModeratorsLiveClaim() throws {
        let automatic = Decision(actions: [.silence], reason: "automatic: rule spam.x", ruleIDs: ["spam.x"], by: .rule("spam.x"))
        var open = CaseStatus(queue: "spam")
        var decided = open
        #expect(try decided.apply(.ruleDecision(automatic, needsApproval: false), at: t0) == [.applySanctions(automatic)])
        #expect(decided.phase == .decided)
        var proposed = open
        #expect(try proposed.apply(.ruleDecision(automatic, needsApproval: true), at: t0) == [.requestApproval(automatic)])
        #expect(proposed.phase == .awaitingApproval)
        // Any moderator may approve a rule's proposal: it is nobody's own.
        #expect(try proposed.apply(.approve(by: alice), at: t0) == [.applySanctions(automatic)])

        _ = try open.apply(.claim(by: alice, lease: lease), at: t0)
        let claimed = open
        #expect(throws: CaseTransitionError.claimedByAnother(alice, until: t0.addingTimeInterval(lease))) {
            try open.apply(.ruleDecision(automatic, needsApproval: false), at: t0.addingTimeInterval(1))
        }
        #expect(open == claimed)
        // Once the lease has run out, the rule may decide.
        #expect(try open.apply(.ruleDecision(automatic, needsApproval: false), at: t0.addingTimeInterval(lease)) == [.applySanctions(automatic)])
        // Not on a decided, awaiting or closed case.
        for var status in [decided, proposed] {
            let before = status
            #expect(throws: CaseTransitionError.notAllowed(event: "decide", phase: status.phase)) {
                try status.apply(.ruleDecision(automatic, needsApproval: false), at: t0)
            }
            #expect(status == before)
        }
        var empty = CaseStatus(queue: "spam")
        #expect(throws: CaseTransitionError.incompleteDecision("choose at least one action")) {
            try empty.apply(.ruleDecision(Decision(actions: [], reason: "x", by: .rule("r")), needsApproval: false), at: t0)
        }
    }

    @Test func aCaseKeepsTheHighestPriorityAndFollowsTheStrongestSignalOnlyWhileMovable() {
        let strong = Signal(queue: "urgent", priority: 90)
        let weak = Signal(queue: "spam", priority: 20)
        #expect(Signal.route(current: nil, movable: true, signals: [weak, strong]) == ("urgent", 90))
        #expect(Signal.route(current: ("reports", 50), movable: true, signals: [strong]) == ("urgent", 90))
        #expect(Signal.route(current: ("reports", 50), movable: false, signals: [strong]) == ("reports", 90))
        #expect(Signal.route(current: ("reports", 50), movable: true, signals: [weak]) == ("reports", 50))
        #expect(Signal(queue: "x", priority: 500).priority == 100)
        #expect(Signal(queue: "x", priority: -5).priority == 0)
    }
}

/// The two-person rules as pure values: minting groups, and lifts of approved sanctions.
@Suite struct TwoPersonRuleTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func mintingConnectsIdentitiesIntoOnePersonButTheOperatorConnectsNobody() {
        let people = People(mintings: [
            .init(identity: "sock", mintedBy: "carol"), .init(identity: "puppet", mintedBy: "carol"),
            .init(identity: "carol", mintedBy: "operator:root"), .init(identity: "dave", mintedBy: "operator:root"),
            .init(identity: "erin", mintedBy: "operator"),
        ])
        #expect(people.samePerson(ModeratorID("sock"), ModeratorID("carol")))
        #expect(people.samePerson(ModeratorID("puppet"), ModeratorID("sock")))
        #expect(!people.samePerson(ModeratorID("dave"), ModeratorID("carol")))
        #expect(!people.samePerson(ModeratorID("dave"), ModeratorID("erin")))
        #expect(!People.distinct.samePerson(ModeratorID("a"), ModeratorID("b")))
    }

    @Test func reversingASanctionThatNeededApprovalIsAProposal() throws {
        let alice = ModeratorID("alice"), bob = ModeratorID("bob")
        let policy = ApprovalPolicy(requiredFor: ["suspend"])
        var status = CaseStatus(queue: "spam")
        _ = try status.apply(.claim(by: alice, lease: 900), at: t0)
        let suspend = Decision(actions: [.suspend], reason: "spam", by: alice)
        _ = try status.apply(.decide(suspend, needsApproval: false), at: t0, policy: policy)
        _ = try status.apply(.appeal(statement: "no"), at: t0)
        _ = try status.apply(.claim(by: bob, lease: 900), at: t0)
        let effects = try status.apply(.reverse(by: bob, reason: "fine"), at: t0, policy: policy)
        #expect(status.phase == .awaitingApproval && status.decision?.isReversal == true)
        #expect(effects.count == 1 && !effects.contains { $0.changesSanctions })
        #expect(throws: CaseTransitionError.ownProposal(bob)) { try status.apply(.approve(by: bob), at: t0, policy: policy) }
        #expect(throws: CaseTransitionError.notAPerson(ModeratorID("system"))) { try status.apply(.approve(by: ModeratorID("system")), at: t0) }
        #expect(try status.apply(.approve(by: alice), at: t0, policy: policy) == [.liftSanctions(suspend)])

        // Without the tenant asking for approval of suspensions, one moderator still reverses alone.
        var free = CaseStatus(queue: "spam")
        _ = try free.apply(.claim(by: alice, lease: 900), at: t0)
        _ = try free.apply(.decide(suspend, needsApproval: false), at: t0)
        _ = try free.apply(.appeal(statement: "no"), at: t0)
        _ = try free.apply(.claim(by: bob, lease: 900), at: t0)
        #expect(try free.apply(.reverse(by: bob, reason: "fine"), at: t0, policy: .none) == [.liftSanctions(suspend)])
    }
}
