import Foundation
import ModerationAPI
import ReviewTUI
import Testing

/// The UI's logic, message by message: what each key asks of the server, decide-and-next, confirmation of severe
/// decisions, live events, claim renewal on activity, and nothing typed lost when the connection drops.
@Suite struct ReviewUpdateTests {
    func run(_ model: inout ReviewModel, _ messages: [ReviewMessage]) -> [ReviewCommand] {
        messages.flatMap { ReviewUpdate.update(&model, $0) }
    }

    func openCase(_ model: inout ReviewModel) {
        _ = run(&model, [.key(.enter), .cases(.queue("reports"), ReviewFixtures.cases, appending: false), .key(.enter), .detail(ReviewFixtures.detail)])
    }

    func type(_ text: String) -> [ReviewMessage] { text.map { .key(.character($0)) } }

    @Test func theQueuesLeadToCasesAndBack() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        #expect(ReviewUpdate.start() == [.loadMe, .loadQueues])
        #expect(run(&model, [.key(.character("j")), .key(.enter)]) == [.loadCases(.queue("legal"), sort: .priority, after: nil)])
        #expect(model.screen == .cases)
        _ = run(&model, [.cases(.queue("legal"), ReviewFixtures.cases, appending: false)])
        // A page for another list (a late answer) is ignored.
        _ = run(&model, [.cases(.queue("spam"), [], appending: false)])
        #expect(model.list?.items.count == 5)
        #expect(run(&model, [.key(.character("s"))]) == [.loadCases(.queue("legal"), sort: .age, after: nil)])
        #expect(run(&model, [.key(.character("q"))]) == [.loadQueues])
        #expect(model.screen == .queues)
        #expect(run(&model, [.key(.character("c"))]) == [.loadCases(.queue("legal"), sort: .priority, after: nil), .claimNext(queue: "legal")])
        #expect(run(&model, [.key(.escape)]) == [.quit])
    }

    @Test func theApprovalsListOpensAndApprovingNeedsAProposal() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        #expect(run(&model, [.key(.character("A"))]) == [.loadCases(.approvals, sort: .age, after: nil)])
        #expect(model.list?.source == .approvals)
        _ = run(&model, [.cases(.approvals, ReviewFixtures.cases, appending: false), .key(.enter), .detail(ReviewFixtures.detail)])
        #expect(model.screen == .detail)
        // Nothing proposed: no approval is sent (the key still renews the claim, which is running out).
        #expect(run(&model, [.key(.character("a"))]) == [.renew(42)])
        #expect(model.status == "nothing to approve on case 42")
        var proposed = ReviewFixtures.detail
        proposed.decisions = [DecisionBody(
            id: 9, actions: [ActionBody(action: "suspend")], reason: "spam", category: "spam", ruleIDs: [], expiresAt: nil, by: "bob", state: "proposed",
            approvedBy: nil, createdAt: ReviewFixtures.now)]
        _ = run(&model, [.detail(proposed)])
        // Approving is a decision, not a keystroke (issue 18): `a` shows what is approved; Enter confirms, Esc cancels.
        #expect(run(&model, [.key(.character("a"))]).isEmpty)
        let account = ReviewFixtures.detail.case.account
        #expect(model.prompt?.label == "Approve suspend \(account) proposed by bob: \"spam\"? Enter approves, Esc cancels")
        #expect(run(&model, [.key(.escape)]).isEmpty)
        #expect(model.prompt == nil)
        _ = run(&model, [.key(.character("a"))])
        #expect(run(&model, [.key(.enter)]) == [.approve(42, decision: 9)])
        // `X` turns it down with a reason; an empty reason sends nothing.
        _ = run(&model, [.key(.character("X"))])
        #expect(model.prompt?.label == "Reject the proposal, reason")
        #expect(run(&model, [.key(.enter)]).isEmpty)
        #expect(run(&model, type("not enough evidence") + [.key(.enter)]) == [.reject(42, decision: 9, reason: "not enough evidence")])
    }

    /// Issue 18: a defederation is not only the harshest form: its severity and what is refused are chosen in the
    /// dialog, a field that is there only for a defederation.
    @Test func aDefederationsSeverityAndRefusalsAreChosen() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        _ = run(&model, [.key(.character("d"))])
        // Not a defederation: tabbing from Expires goes round to Action.
        _ = run(&model, [.key(.tab), .key(.tab), .key(.tab), .key(.tab)])
        #expect(model.dialog?.field == .expiry)
        _ = run(&model, [.key(.tab)])
        #expect(model.dialog?.field == .action)
        _ = run(&model, [.key(.character("5"))])
        #expect(model.dialog?.actionName == "defederate")
        _ = run(&model, [.key(.backTab)])
        #expect(model.dialog?.field == .defederation)
        #expect(DecisionDialog.defederations[model.dialog!.defederation].label == "suspend, media and reports refused")
        _ = run(&model, [.key(.right), .key(.right), .key(.right)])
        #expect(DecisionDialog.defederations[model.dialog!.defederation].label == "silence, media refused")
        let request = ReviewUpdate.request(model.dialog!, now: ReviewFixtures.now)
        #expect(request.actions == [ActionBody(action: "defederate", domain: model.dialog!.domain, severity: "silence", rejectMedia: true, rejectReports: false)])
    }

    @Test func anApprovalSaysEveryActionItsFlagsWhoProposedItAndWhy() {
        let decision = DecisionBody(
            id: 3, actions: [ActionBody(action: "defederate", domain: "bad.example", severity: "silence", rejectMedia: true, rejectReports: true)],
            reason: "spam wave", category: "spam", ruleIDs: [], expiresAt: nil, by: "carol", state: "proposed", approvedBy: nil, createdAt: ReviewFixtures.now)
        #expect(ReviewUpdate.approvalSummary(decision, account: "https://bad.example/users/x")
            == #"defederate bad.example (severity silence) rejecting media rejecting reports proposed by carol: "spam wave""#)
    }

    @Test func aLongListLoadsItsNextPageNearTheEnd() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        _ = run(&model, [.key(.enter)])
        let page = (0..<ReviewUpdate.pageSize).map { ReviewFixtures.summary(Int64($0 + 1), account: "https://a.example/users/u\($0)") }
        _ = run(&model, [.cases(.queue("reports"), page, appending: false)])
        #expect(model.list?.more == true)
        let commands = run(&model, [.key(.end)])
        #expect(commands == [.loadCases(.queue("reports"), sort: .priority, after: Int64(ReviewUpdate.pageSize))])
        #expect(model.list?.top == ReviewUpdate.pageSize - (model.bodyHeight - 2))
        // While it loads, moving does not ask again.
        #expect(run(&model, [.key(.up)]).isEmpty)
        _ = run(&model, [.cases(.queue("reports"), [ReviewFixtures.summary(9_999, account: "https://a.example/users/last")], appending: true)])
        #expect(model.list?.items.count == ReviewUpdate.pageSize + 1)
        #expect(model.list?.more == false)
    }

    @Test func aSevereDecisionIsConfirmedAndDecideAndNextClaimsTheNextCase() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        _ = run(&model, [.key(.character("d")), .key(.right)])
        #expect(model.dialog?.actionName == "suspend")
        // No reason: nothing is sent, the reason field is focused.
        #expect(run(&model, [.key(.enter)]).isEmpty)
        #expect(model.dialog?.field == .reason)
        _ = run(&model, type("spam network"))
        #expect(run(&model, [.key(.control("n"))]).isEmpty)
        #expect(model.dialog?.confirming == true)
        let commands = run(&model, [.key(.control("n"))])
        guard case .decide(42, let request)? = commands.first else {
            Issue.record("expected a decision, got \(commands)")
            return
        }
        #expect(request.action == "suspend")
        #expect(request.reason == "spam network")
        #expect(request.category == "spam")
        let decided = TransitionBody(case: ReviewFixtures.summary(42, account: "https://spam.example/users/bot", state: "awaiting_approval"), decisionID: 9, auditSequence: 12)
        #expect(run(&model, [.done(decided, "proposed; awaiting approval")]) == [.loadCase(42), .claimNext(queue: "reports")])
        #expect(model.dialog == nil)
        #expect(model.status == "case 42: proposed; awaiting approval")
    }

    @Test func theDialogOffersTheTenantsReasonTemplates() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        model.me?.reasonTemplates = ["Crypto scam (policy 4.2)", "Ban evasion (policy 7)"]
        openCase(&model)
        _ = run(&model, [.key(.character("d")), .key(.tab), .key(.right)])
        #expect(model.dialog?.reasonText == "Crypto scam (policy 4.2)")
        _ = run(&model, [.key(.right)])
        #expect(model.dialog?.reasonText == "Ban evasion (policy 7)")
        // Typing after picking a template adds to it (issue 18); PgDn/PgUp then offer the templates again.
        _ = run(&model, type("and own words"))
        #expect(model.dialog?.reasonText == "Ban evasion (policy 7) and own words")
        _ = run(&model, [.key(.pageDown)])
        #expect(model.dialog?.reasonText == "Crypto scam (policy 4.2)")
        var plain = ReviewFixtures.model(width: 80, height: 24)
        openCase(&plain)
        _ = run(&plain, [.key(.character("d")), .key(.tab), .key(.right)])
        #expect(plain.dialog?.reasonText == DecisionDialog.builtInTemplates[0])
    }

    @Test func aFailedDecisionKeepsWhatWasTypedAndTheConnectionBannerComesAndGoes() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        _ = run(&model, [.key(.character("d")), .key(.left), .key(.tab)] + type("harassment"))
        #expect(model.dialog?.actionName == "mark_sensitive")
        #expect(run(&model, [.key(.enter)]).count == 1)
        _ = run(&model, [.connection(false)])
        #expect(model.disconnected)
        #expect(model.dialog?.reason == "harassment")
        _ = run(&model, [.failed("the case is claimed by bob")])
        #expect(model.status == "error: the case is claimed by bob")
        #expect(model.dialog?.reason == "harassment")
        let back = run(&model, [.connection(true)])
        #expect(!model.disconnected)
        #expect(back == [.loadQueues, .loadCases(.queue("reports"), sort: .priority, after: nil), .loadCase(42)])
    }

    @Test func aCaseClaimedElsewhereLeavesTheListAtOnceAndTheOpenCaseReloads() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        _ = run(&model, [.key(.enter), .cases(.queue("reports"), ReviewFixtures.cases, appending: false)])
        let claimed = CaseChangeEvent(kind: "claim", caseID: 46, queue: "reports", state: "open", holder: "bob", actor: "bob", at: ReviewFixtures.now, sequence: 20)
        _ = run(&model, [.key(.character("f"))])
        #expect(model.list?.filter == .available)
        #expect(model.list?.visible(me: "alice").map(\.id) == [44, 45, 46])
        _ = run(&model, [.event(claimed)])
        #expect(model.list?.visible(me: "alice").map(\.id) == [44, 45])
        let decided = CaseChangeEvent(kind: "decision", caseID: 44, queue: "reports", state: "decided", holder: nil, actor: "bob", at: ReviewFixtures.now, sequence: 21)
        _ = run(&model, [.event(decided)])
        #expect(model.list?.items.map(\.id) == [42, 43, 45, 46])
        _ = run(&model, [.key(.character("f")), .key(.character("f")), .key(.enter), .detail(ReviewFixtures.detail)])
        let note = CaseChangeEvent(kind: "note", caseID: 42, queue: "reports", state: "open", holder: "alice", actor: "carol", at: ReviewFixtures.now, sequence: 22)
        #expect(run(&model, [.event(note)]) == [.loadCase(42)])
    }

    @Test func activityOnAClaimRunningOutRenewsIt() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        // The fixture's claim ends in 45 s: the next key renews it, once.
        #expect(run(&model, [.key(.character("j"))]) == [.renew(42)])
        #expect(run(&model, [.key(.character("j"))]).isEmpty)
        _ = run(&model, [.tick(ReviewFixtures.now.addingTimeInterval(31))])
        #expect(run(&model, [.key(.character("k"))]) == [.renew(42)])
    }

    @Test func promptsForNotesSearchAndEscalation() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        _ = run(&model, [.key(.character("n"))] + type("checked the links") + [.key(.backspace)])
        #expect(model.prompt?.text == "checked the link")
        #expect(run(&model, [.key(.enter)]) == [.note(42, "checked the link")])
        _ = run(&model, [.key(.character("e"))] + type("legal"))
        #expect(run(&model, [.key(.enter)]) == [.escalate(42, queue: "legal", newQueue: false)])
        // A queue the tenant does not have asks first (issue 18): Esc sends nothing, Enter starts it.
        _ = run(&model, [.key(.character("e")), .key(.paste("legal\nteam"))])
        #expect(run(&model, [.key(.enter)]).isEmpty)
        #expect(model.prompt?.purpose == .newQueue(42, "legal team"))
        #expect(model.prompt?.label == "No queue 'legal team' yet. Enter starts it, Esc cancels")
        #expect(run(&model, [.key(.escape)]).isEmpty)
        #expect(model.prompt == nil)
        _ = run(&model, [.key(.character("e"))] + type("lgeal"))
        _ = run(&model, [.key(.enter)])
        #expect(run(&model, [.key(.enter)]) == [.escalate(42, queue: "lgeal", newQueue: true)])
        _ = run(&model, [.key(.character("/"))] + type("https://spam.example/users/bot"))
        // A search shows every state: decided and closed cases are found too.
        #expect(run(&model, [.key(.enter)]) == [.loadCases(.search("https://spam.example/users/bot"), sort: .priority, after: nil, states: .all)])
        #expect(model.screen == .cases)
        // Esc drops a prompt without sending anything.
        _ = run(&model, [.key(.character("/"))] + type("x"))
        #expect(run(&model, [.key(.escape)]).isEmpty)
        #expect(model.prompt == nil)
    }

    /// Issue 18: the reason is edited like a line in a shell: ←/→, Home/End, word jumps, deletion either side.
    @Test func theReasonFieldHasACursor() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        _ = run(&model, [.key(.character("d")), .key(.tab)] + type("spam network"))
        _ = run(&model, [.key(.wordLeft), .key(.backspace)] + type(" bot "))
        #expect(model.dialog?.reason == "spam bot network")
        _ = run(&model, [.key(.home)] + type("a ") + [.key(.end)] + type("!"))
        #expect(model.dialog?.reason == "a spam bot network!")
        _ = run(&model, [.key(.home), .key(.wordRight), .key(.wordRight), .key(.control("w"))])
        #expect(model.dialog?.reason == "a  bot network!")
        _ = run(&model, [.key(.left), .key(.delete)])
        #expect(model.dialog?.reason == "a bot network!")
        // The action field still takes ←/→ as before.
        _ = run(&model, [.key(.backTab), .key(.right)])
        #expect(model.dialog?.actionName == "suspend")
    }

    /// Issue 18: the dialog opens only for a moderator who may decide: triage is told to escalate; a case nobody holds
    /// is claimed first ("claim and decide"); one someone else holds is theirs. Rule ids come from the case's hits.
    @Test func decideWhatYouMay() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        _ = run(&model, [.key(.character("d"))])
        #expect(model.dialog?.rules == "spam-giveaway", "rule ids pre-filled from the hits")
        _ = run(&model, [.key(.escape)])

        var triage = ReviewFixtures.model(width: 80, height: 24)
        triage.me?.role = "triage"
        openCase(&triage)
        _ = run(&triage, [.key(.character("d"))])
        #expect(triage.dialog == nil)
        #expect(triage.status == "a triage moderator cannot decide: escalate it (e) or add a note (n)")
        #expect(!ReviewView.hints(triage).contains("decide"), "\(ReviewView.hints(triage))")
        #expect(ReviewView.hints(model).hasPrefix("d decide"))

        var unclaimed = ReviewFixtures.model(width: 80, height: 24)
        openCase(&unclaimed)
        var free = ReviewFixtures.detail
        free.case.holder = nil
        free.case.claimExpiresAt = nil
        _ = run(&unclaimed, [.detail(free), .key(.character("d"))])
        #expect(unclaimed.dialog == nil)
        #expect(unclaimed.prompt?.label == "Case 42 is not claimed: Enter claims it and opens the decision, Esc cancels")
        #expect(run(&unclaimed, type("x")).isEmpty, "a confirmation takes no typing")
        #expect(run(&unclaimed, [.key(.enter)]) == [.claim(42)])
        let claimed = TransitionBody(case: ReviewFixtures.cases[0], decisionID: nil, auditSequence: 30)
        _ = run(&unclaimed, [.done(claimed, "claimed")])
        #expect(unclaimed.dialog?.caseID == 42 && unclaimed.dialog?.rules == "spam-giveaway")
        // A claim refused (someone was faster) opens nothing.
        var raced = ReviewFixtures.model(width: 80, height: 24)
        openCase(&raced)
        _ = run(&raced, [.detail(free), .key(.character("d")), .key(.enter), .failed("the case is claimed by bob"), .done(claimed, "claimed")])
        #expect(raced.dialog == nil)

        var theirs = ReviewFixtures.model(width: 80, height: 24)
        openCase(&theirs)
        var held = ReviewFixtures.detail
        held.case.holder = "bob"
        _ = run(&theirs, [.detail(held), .key(.character("d"))])
        #expect(theirs.dialog == nil && theirs.prompt == nil)
        #expect(theirs.status == "case 42 is claimed by bob: only they can decide it while the claim lasts")
    }

    /// Issue 18: close, appeal and reverse are keys, not only API calls.
    @Test func closeAppealAndReverseFromTheCase() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        _ = run(&model, [.key(.character("C"))])
        #expect(model.prompt?.label == "Close case 42 without a decision? Enter closes, Esc cancels")
        #expect(run(&model, [.key(.enter)]) == [.close(42)])
        _ = run(&model, [.key(.character("p"))])
        #expect(model.prompt?.label == "Appeal: the account's statement")
        #expect(run(&model, [.key(.enter)]).isEmpty, "an appeal needs the statement")
        #expect(run(&model, type("I was hacked") + [.key(.enter)]) == [.appeal(42, statement: "I was hacked")])
        _ = run(&model, [.key(.character("u"))] + type("compromised account"))
        #expect(run(&model, [.key(.enter)]) == [.reverse(42, reason: "compromised account")])
        var triage = ReviewFixtures.model(width: 80, height: 24)
        triage.me?.role = "triage"
        openCase(&triage)
        for key in ["C", "p", "u"] {
            _ = run(&triage, [.key(.character(Character(key)))])
            #expect(triage.prompt == nil, "triage may not \(key)")
        }
    }

    /// Issue 18: decided and closed cases are reachable through the list's state filter.
    @Test func theListsStateFilter() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        _ = run(&model, [.key(.enter), .cases(.queue("reports"), ReviewFixtures.cases, appending: false)])
        #expect(model.list?.states == .active)
        #expect(run(&model, [.key(.character("v"))]) == [.loadCases(.queue("reports"), sort: .priority, after: nil, states: .decided)])
        #expect(model.list?.items.isEmpty == true, "the old states' rows go at once")
        #expect(run(&model, [.key(.character("v"))]) == [.loadCases(.queue("reports"), sort: .priority, after: nil, states: .closed)])
        #expect(run(&model, [.key(.character("v"))]) == [.loadCases(.queue("reports"), sort: .priority, after: nil, states: .all)])
        #expect(run(&model, [.key(.character("v"))]) == [.loadCases(.queue("reports"), sort: .priority, after: nil, states: .active)])
        #expect(CaseListing.States.decided.query == "decided" && CaseListing.States.all.query == nil)
    }

    /// Issue 18: a refused token is a screen of its own that says to log in again; nothing else works there.
    @Test func aRefusedTokenAsksToLogInAgain() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        _ = run(&model, [.key(.character("n"))] + type("half a note"))
        _ = run(&model, [.tokenRefused("the server refused your token")])
        #expect(model.tokenRefused == "the server refused your token")
        #expect(model.prompt == nil)
        #expect(run(&model, [.key(.character("d")), .key(.character("c"))]).isEmpty)
        #expect(model.dialog == nil)
        #expect(run(&model, [.key(.character("q"))]) == [.quit])
    }

    /// Issue 18: the deliveries pane follows deliveries as they land: its case reloads every 2 s while one is queued.
    @Test func theDeliveriesPaneFollowsDeliveriesUnderWay() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        var sending = ReviewFixtures.detail
        sending.deliveries = [DecisionDeliveryBody(
            decisionID: 3, dispatch: "apply", instance: "social.acme.example", path: "activitypub", kind: "Flag", state: "queued", attempts: 1,
            answer: nil, reference: "https://mod.example.org/decisions/3", updatedAt: ReviewFixtures.now)]
        _ = run(&model, [.detail(sending)])
        let start = ReviewFixtures.now
        #expect(run(&model, [.tick(start.addingTimeInterval(3))]).isEmpty, "not while another pane is in front")
        _ = run(&model, [.key(.backTab)])
        #expect(model.open?.pane == .deliveries)
        #expect(run(&model, [.tick(start.addingTimeInterval(4))]) == [.loadCase(42)])
        #expect(run(&model, [.tick(start.addingTimeInterval(5))]).isEmpty, "at most every 2 s")
        #expect(run(&model, [.tick(start.addingTimeInterval(6))]) == [.loadCase(42)])
        var landed = sending
        landed.deliveries[0].state = "delivered"
        _ = run(&model, [.detail(landed)])
        #expect(run(&model, [.tick(start.addingTimeInterval(20))]).isEmpty, "nothing under way: no reloads")
    }

    /// A late answer never pulls the moderator back into a case they left, nor swaps the case they opened since.
    @Test func aLateCaseAnswerOnlyRefreshesTheCaseOpenNow() {
        var model = ReviewFixtures.model(width: 80, height: 24)
        openCase(&model)
        _ = run(&model, [.key(.character("q"))])
        #expect(model.screen == .cases && model.open == nil)
        _ = run(&model, [.detail(ReviewFixtures.detail)])
        #expect(model.screen == .cases && model.open == nil, "the reload that was in flight does not reopen it")
        _ = run(&model, [.key(.character("j")), .key(.enter)])
        var other = ReviewFixtures.detail
        other.case = ReviewFixtures.cases[1]
        _ = run(&model, [.detail(ReviewFixtures.detail)])
        #expect(model.open == nil, "an answer about 42 while 43 was asked for")
        _ = run(&model, [.detail(other)])
        #expect(model.open?.detail.case.id == 43)
        // In the decided view, a note on a listed case does not make it vanish.
        var decided = ReviewFixtures.model(width: 80, height: 24)
        _ = run(&decided, [.key(.enter), .key(.character("v"))])
        let rows = ReviewFixtures.cases.map { var row = $0; row.state = "decided"; return row }
        _ = run(&decided, [.cases(.queue("reports"), rows, appending: false)])
        let note = CaseChangeEvent(kind: "note", caseID: 44, queue: "reports", state: "decided", holder: nil, actor: "bob", at: ReviewFixtures.now, sequence: 30)
        _ = run(&decided, [.event(note)])
        #expect(decided.list?.items.count == 5)
    }
}
