import ActivityStreams
import Federation
import Foundation
import Moderation
import PalisadeTesting
import Testing

/// What a decision sends, planned without I/O: shapes checked against Mastodon's documented `Flag` and `Block` and
/// GoToSocial's outgoing `Flag`, the text Mastodon's admins read, the JSON-LD extension, forwarding, lifts (`Undo` of
/// the very `Block` sent, a `Flag` saying so, admin-API reversals), and stable bytes.
@Suite struct DecisionActivitiesTests {
    let base = URL(string: "https://mod.example.org")!
    var planner: DecisionActivities { DecisionActivities(baseURL: base) }
    let account = "https://spam.example/users/bot"
    let statuses = ["https://spam.example/users/bot/statuses/1", "https://spam.example/users/bot/statuses/2"]

    func instance(_ domain: String, route: DecisionRoute = .activitypub, inbox: String? = nil, token: String? = nil) -> AttachedInstance {
        AttachedInstance(
            id: 1, tenantID: 1, domain: InstanceDomain(domain)!, actorID: "https://\(domain)/actor", webhookSecret: nil, decisionRoute: route,
            inbox: inbox, mastodonAPIToken: token)
    }

    func context(
        _ actions: [DecisionAction], kind: DecisionDispatch.Kind = .apply, reason: String = "spam network, see the reports", forward: Bool = false,
        instances: [AttachedInstance]? = nil, applied: [SentForDecision] = [], webhookReports: [String: [String]] = [:], dispatchReason: String = "decided"
    ) -> DispatchContext {
        DispatchContext(
            dispatch: DecisionDispatch(id: 9, tenantID: 1, caseID: 42, decisionID: 7, kind: kind, reason: dispatchReason, attempts: 0, createdAt: Date()),
            tenant: Tenant(id: 1, slug: "acme", name: "Acme Social", forwardReports: forward), account: account, statuses: statuses,
            decision: Decision(
                actions: actions, reason: reason, category: "spam", ruleIDs: ["spam-links", "new-account-burst"],
                expiresAt: Date(timeIntervalSince1970: 1_800_000_000), by: ModeratorID("alice")),
            instances: instances ?? [instance("social.acme.example", inbox: "https://social.acme.example/inbox"), instance("quiet.acme.example", route: .none)],
            webhookReports: webhookReports, applied: applied)
    }

    func object(_ delivery: PlannedDelivery) throws -> [String: Any] {
        let body = try #require(delivery.delivery?.body)
        return try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    }

    func fixtureKeys(_ path: String) throws -> Set<String> {
        let data = Data(try Fixtures.text(path).utf8)
        return Set(try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys)
    }

    @Test func aSuspensionSendsAFlagAndABlockShapedAsMastodonDocumentsThem() throws {
        let plan = planner.plan(context([.suspend]), resolved: .init())
        // The instance whose route is `none` gets nothing; the other a Flag and a Block, to its inbox, signed by /actor.
        #expect(plan.map(\.kind) == [.flag, .block])
        #expect(plan.allSatisfy { $0.instance == "social.acme.example" && $0.delivery?.inbox == "https://social.acme.example/inbox" })
        #expect(plan.allSatisfy { $0.delivery?.sender == .service })
        let flag = try object(plan[0])
        #expect(try fixtureKeys("activitystreams/mastodon-docs/flag.json").isSubset(of: Set(flag.keys)))
        #expect(try fixtureKeys("activitystreams/gotosocial/flag-outgoing.json").isSubset(of: Set(flag.keys)))
        #expect(flag["type"] as? String == "Flag")
        #expect(flag["actor"] as? String == "https://mod.example.org/actor")
        #expect(flag["object"] as? [String] == [account] + statuses)
        #expect(flag["to"] as? String == "https://social.acme.example/actor")
        let content = try #require(flag["content"] as? String)
        #expect(content.contains("suspend \(account)"))
        #expect(content.contains("Category: spam."))
        #expect(content.contains("Rules: spam-links, new-account-burst."))
        #expect(content.contains("Reason: spam network, see the reports"))
        // No link a remote admin cannot open (issue 18): the case's page is the tenant's authenticated API.
        #expect(content.contains("(Palisade case 42)"))
        #expect(!content.contains("mod.example.org"), "\(content)")
        let block = try object(plan[1])
        #expect(try fixtureKeys("activitystreams/mastodon-docs/block.json").isSubset(of: Set(block.keys)))
        #expect(block["type"] as? String == "Block")
        #expect(block["object"] as? String == account)
        #expect(block["actor"] as? String == "https://mod.example.org/actor")
    }

    @Test func theExtensionTravelsWithItsContextDocument() throws {
        let flag = try object(planner.plan(context([.markSensitive, .silence]), resolved: .init())[0])
        #expect(flag["@context"] as? [String] == ["https://www.w3.org/ns/activitystreams", "https://mod.example.org/ns/moderation/v1.jsonld"])
        #expect(flag["decision"] as? String == "silence")
        #expect(flag["severity"] as? String == "silence")
        #expect(flag["category"] as? String == "spam")
        #expect(flag["ruleIds"] as? [String] == ["spam-links", "new-account-burst"])
        #expect(flag["expires"] as? String == "2027-01-15T08:00:00Z")
        #expect(flag["case"] as? String == "https://mod.example.org/api/v1/moderation/cases/42")
        // Every extension term is defined by the served document.
        let document = ModerationVocabulary.document(baseURL: base)
        let terms = try #require(document.objectValue?["@context"]?.objectValue)
        for term in ["decision", "severity", "category", "ruleIds", "expires", "case"] { #expect(terms[term] != nil, "\(term)") }
        #expect(ModerationVocabulary.contextURL(baseURL: base) == "https://mod.example.org" + ModerationVocabulary.contextPath)
    }

    @Test func theContentStaysUnderMastodonsLimitWhateverTheReason() throws {
        let flag = try object(planner.plan(context([.suspend], reason: String(repeating: "é", count: 20_000)), resolved: .init())[0])
        let content = try #require(flag["content"] as? String)
        #expect(content.count == DecisionActivities.contentLimit)
        #expect(content.count < 5_000)
        #expect(content.hasSuffix("…"))
    }

    @Test func aDefederationBlocksTheDomainsInstanceActorAndASilencingOneDoesNot() throws {
        let actions: [DecisionAction] = [
            .defederate(domain: "spam.example", severity: .suspend, rejectMedia: true, rejectReports: true),
            .defederate(domain: "meh.example", severity: .silence, rejectMedia: false, rejectReports: false),
            .defederate(domain: "other.example", severity: .suspend, rejectMedia: false, rejectReports: false),
        ]
        let needs = planner.needs(context(actions))
        #expect(needs.domains == ["spam.example", "other.example"])
        let plan = planner.plan(context(actions), resolved: .init(domainActors: ["spam.example": "https://spam.example/internal/fetch"]))
        #expect(plan.map(\.kind) == [.flag, .block, .block])
        // Resolved through WebFinger where it could be; Mastodon's /actor otherwise.
        #expect(try object(plan[1])["object"] as? String == "https://spam.example/internal/fetch")
        #expect(try object(plan[2])["object"] as? String == "https://other.example/actor")
        let flag = try object(plan[0])
        #expect(flag["decision"] as? String == "defederate")
        #expect(flag["severity"] as? String == "suspend")
        #expect((flag["content"] as? String)?.contains("defederate spam.example (suspend, rejecting its media, rejecting its reports)") == true)
    }

    @Test func anInstanceWithoutAKnownInboxIsResolvedFirst() {
        let instances = [instance("a.example"), instance("b.example", inbox: "https://b.example/inbox"), instance("c.example", route: .none)]
        let needs = planner.needs(context([.suspend], instances: instances))
        #expect(needs.instanceActors.map(\.domain) == ["a.example"])
        #expect(needs.instanceActors.map(\.actorID) == ["https://a.example/actor"])
        let unresolved = planner.plan(context([.suspend], instances: instances), resolved: .init())
        #expect(Set(unresolved.map(\.instance)) == ["b.example"])
        let resolved = planner.plan(context([.suspend], instances: instances), resolved: .init(instanceInboxes: ["a.example": "https://a.example/inbox"]))
        #expect(Set(resolved.map(\.instance)) == ["a.example", "b.example"])
    }

    @Test func forwardingSendsTheOffendersServerAFlagWithoutTheReasonOrTheCase() throws {
        #expect(planner.needs(context([.suspend])).offender == nil)
        let forwarding = context([.suspend], forward: true)
        #expect(planner.needs(forwarding).offender == account)
        let plan = planner.plan(forwarding, resolved: .init(offenderInbox: "https://spam.example/inbox"))
        let forwarded = try #require(plan.first { $0.kind == .forwardedFlag })
        #expect(forwarded.instance == "spam.example")
        #expect(forwarded.delivery?.inbox == "https://spam.example/inbox")
        let flag = try object(forwarded)
        #expect(flag["to"] as? String == account)
        let content = try #require(flag["content"] as? String)
        #expect(!content.contains("spam network"))
        #expect(!content.contains("/api/v1/moderation/cases"))
        #expect(flag["case"] == nil)
        // Not when the offender lives on one of the tenant's own instances (it got the decision already), nor for a
        // defederation or a dismissal.
        let own = context([.suspend], forward: true, instances: [instance("spam.example", inbox: "https://spam.example/inbox")])
        #expect(planner.needs(own).offender == nil)
        #expect(planner.needs(context([.defederate(domain: "spam.example", severity: .suspend, rejectMedia: false, rejectReports: false)], forward: true)).offender == nil)
        #expect(planner.needs(context([.dismiss], forward: true)).offender == nil)
    }

    @Test func aLiftUndoesTheBlockItSentAndSaysSoInAFlag() throws {
        let applyPlan = planner.plan(context([.suspend], forward: true), resolved: .init(offenderInbox: "https://spam.example/inbox"))
        let applied = applyPlan.map {
            SentForDecision(instance: $0.instance, kind: $0.kind, activityID: $0.delivery?.activityID, inbox: $0.delivery?.inbox, body: $0.delivery?.body, jobID: nil)
        } + [SentForDecision(instance: "social.acme.example", kind: .enforce, activityID: nil, inbox: nil, body: nil, jobID: 31)]
        let lift = context([.suspend], kind: .lift, forward: true, applied: applied, dispatchReason: "reversed on appeal: the account was compromised")
        let needs = planner.needs(lift)
        #expect(needs.instanceActors.isEmpty && needs.offender == nil && needs.domains.isEmpty)
        let plan = planner.plan(lift, resolved: .init())
        #expect(plan.map(\.kind) == [.flag, .undoBlock, .forwardedFlag, .reverse])
        let undo = try object(plan[1])
        let block = try object(applyPlan[1])
        #expect(undo["type"] as? String == "Undo")
        #expect(undo["id"] as? String == (block["id"] as? String).map { $0 + "/undo" })
        let undone = try #require(undo["object"] as? [String: Any])
        #expect(undone["id"] as? String == block["id"] as? String)
        #expect(undone["type"] as? String == "Block")
        #expect(undone["object"] as? String == account)
        #expect(undone["@context"] == nil)
        #expect(try fixtureKeys("activitystreams/pleroma/mastodon-undo-block.json").subtracting(["signature"]).isSubset(of: Set(undo.keys)))
        let flag = try object(plan[0])
        #expect(flag["decision"] as? String == "lifted")
        #expect((flag["content"] as? String)?.contains("Why: reversed on appeal: the account was compromised") == true)
        #expect(flag["id"] as? String != (try object(applyPlan[0]))["id"] as? String)
        // The offender's server hears the kind of lift only, not the moderator's words.
        let forwarded = try #require((try object(plan[2]))["content"] as? String)
        #expect(forwarded.contains("Why: reversed on appeal"))
        #expect(!forwarded.contains("compromised"))
        #expect(plan[3].operation == .reverse(ofJob: 31))
    }

    @Test func palisadeAttachedByItsOwnDomainIsNotSentItsOwnDecisions() {
        let own = AttachedInstance(
            id: 3, tenantID: 1, domain: InstanceDomain("mod.example.org")!, actorID: "https://mod.example.org/actor", webhookSecret: nil,
            decisionRoute: .activitypub)
        let instances = [own, instance("social.acme.example", inbox: "https://social.acme.example/inbox")]
        #expect(planner.needs(context([.suspend], instances: instances)).instanceActors.isEmpty)
        let plan = planner.plan(context([.suspend], instances: instances), resolved: .init(instanceInboxes: ["mod.example.org": "https://mod.example.org/inbox"]))
        #expect(Set(plan.map(\.instance)) == ["social.acme.example"])
    }

    @Test func planningTwiceGivesTheSameBytes() {
        let first = planner.plan(context([.suspend, .defederate(domain: "spam.example", severity: .suspend, rejectMedia: false, rejectReports: false)]), resolved: .init())
        let second = planner.plan(context([.suspend, .defederate(domain: "spam.example", severity: .suspend, rejectMedia: false, rejectReports: false)]), resolved: .init())
        #expect(first == second)
        #expect(Set(first.compactMap { $0.delivery?.activityID }).count == first.count)
    }

    @Test func instancesThatGrantedATokenGetAnAdminAPIJob() throws {
        let instances = [
            instance("social.acme.example", inbox: "https://social.acme.example/inbox", token: "secret"),
            instance("api-only.acme.example", route: .none, token: "other"),
            instance("quiet.acme.example", route: .none),
        ]
        let actions: [DecisionAction] = [.markSensitive, .suspend, .defederate(domain: "spam.example", severity: .silence, rejectMedia: true, rejectReports: false)]
        let plan = planner.plan(context(actions, instances: instances, webhookReports: ["social.acme.example": ["108"]]), resolved: .init())
        let jobs = plan.filter { $0.kind == .enforce }
        #expect(jobs.map(\.instance) == ["social.acme.example", "api-only.acme.example"])
        guard case .apply(let enforcement)? = jobs.first?.operation else {
            Issue.record("expected an apply job")
            return
        }
        #expect(enforcement.account == account)
        #expect(enforcement.accountActions == ["sensitive", "suspend"])
        #expect(enforcement.domainBlocks == [DomainBlockRequest(domain: "spam.example", severity: "silence", rejectMedia: true, rejectReports: false, publicComment: "category: spam")])
        #expect(enforcement.reportIDs == ["108"])
        guard case .apply(let other)? = jobs.last?.operation else { return }
        #expect(other.reportIDs.isEmpty)
        // A dismissal applies nothing anywhere.
        #expect(planner.plan(context([.dismiss], instances: instances), resolved: .init()).filter { $0.kind != .flag }.isEmpty)
    }
}

/// Issue 18: a decision whose moderator named no category takes the one its reports gave, so outgoing Flags never say
/// "none given".
@Suite struct DecisionCategoryTests {
    @Test func theReportsMostCommonCategoryElseOther() {
        #expect(Decision.category(ofReports: ["spam", nil, "violation", "spam"]) == "spam")
        #expect(Decision.category(ofReports: ["legal", "spam"]) == "legal", "a tie goes to the earliest report")
        #expect(Decision.category(ofReports: [nil, " ", ""]) == "other")
        #expect(Decision.category(ofReports: []) == "other")
    }
}
