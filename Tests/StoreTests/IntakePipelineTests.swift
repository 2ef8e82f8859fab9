import Federation
import Foundation
import Logging
import Moderation
import PalisadeTesting
import Rules
import Store
import Testing

/// The ingest pipeline with a real rule set (PCRE2, prefilter) over a real SQLite store: hits are recorded with their
/// spans and versions, route the case, and a rule's automatic decision is made and audited as made by the rule.
@Suite struct IntakePipelineTests {
    let directory: TemporaryDirectory
    let store: SQLiteStore
    let ruleSet: RuleSet
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        directory = try TemporaryDirectory("intake")
        store = try SQLiteStore(path: directory.path("palisade.sqlite"))
        try store.migrate()
        let rules = directory.url.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try """
            id: spam.free-crypto
            title: Free crypto
            applies_to: [Create]
            when:
              - text: 'free\\s+(btc|crypto)'
            action:
              queue: spam
              priority: 90
              decide: silence
            tests:
              - match: { text: "FREE BTC" }
              - no_match: { text: "free lunch" }
            ---
            id: reports.threat
            title: Threat in a report
            applies_to: [Report]
            when:
              - report.comment: '\\bkill\\b'
            action:
              queue: urgent
              priority: 95
            tests:
              - match: { type: Report, report.comment: "he said he will kill me" }
              - no_match: { type: Report, report.comment: "skills" }
            ---
            id: reports.legal-by-webhook
            title: Legal reports sent by a Mastodon webhook
            applies_to: [Report]
            when:
              - source: { equals: webhook }
              - report.category: { equals: legal }
              - tenant: { equals: acme }
            action:
              queue: legal
              priority: 99
            tests:
              - match: { type: Report, source: webhook, report.category: legal, tenant: acme }
              - no_match: { type: Report, source: inbox, report.category: legal, tenant: acme }
            """.write(to: rules.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        let load = RuleSetLoader.load(directory: rules.path)
        ruleSet = try #require(load.ruleSet, "\(load.renderedDiagnostics())")
    }

    func intake(_ changes: CaseChanges = CaseChanges()) -> Intake {
        let set = ruleSet
        let now = self.now
        return Intake(tenants: store, cases: store, ruleSet: { _ in set }, changes: changes, logger: Logger(label: "test"), now: { now })
    }

    func status(_ html: String, id: String) throws -> (Subject, String, String) {
        let body = try JSONSerialization.data(withJSONObject: [
            "event": "status.created",
            "object": [
                "id": id, "uri": "https://bad.example/users/spammer/statuses/\(id)", "content": html, "spoiler_text": "", "sensitive": false,
                "account": ["id": "1", "username": "spammer", "uri": "https://bad.example/users/spammer", "created_at": "2026-11-20T00:00:00.000Z"],
            ],
        ])
        guard case .screen(let subject, let subjectID, let account) = try MastodonWebhook.parse(body, domain: InstanceDomain("bad.example")!, now: now)
        else { throw HarnessError("not a screening") }
        return (subject, subjectID, account)
    }

    @Test func aRuleHitOpensACaseInItsQueueAndItsAutomaticDecisionIsAuditedAsTheRule() async throws {
        let acme = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: now)
        let changes = CaseChanges()
        let events = changes.subscribe(tenant: acme.id)
        let (subject, subjectID, account) = try status("<p>Get FREE   BTC today!</p>", id: "1")
        let result = try await intake(changes).screen(
            subject, subjectID: subjectID, account: account, evidence: ReportedStatus(subject: subject, id: subjectID), tenant: acme)
        guard case .recorded(let caseID, true) = result else { Issue.record("expected a new case, got \(result)"); return }
        let detail = try await store.detail(of: caseID, tenant: acme.id, at: now)
        #expect(detail.summary.queue == "spam")
        #expect(detail.summary.priority == 90)
        #expect(detail.summary.phase == .decided)
        #expect(detail.hits.map(\.ruleID) == ["spam.free-crypto"])
        #expect(detail.hits[0].ruleSetVersion == ruleSet.version)
        #expect(detail.hits[0].spans.map(\.text) == ["free btc"])  // spans are in the normalised text (whitespace folded)
        #expect(detail.screened.map(\.text) == ["Get FREE   BTC today!"])
        #expect(detail.decisions.map(\.decision.by) == [.rule("spam.free-crypto")])
        #expect(detail.decisions.map(\.decision.actions) == [[.silence]])
        #expect(detail.sanctions.map(\.action) == [.silence])
        #expect(detail.history.map(\.kind) == ["rule_hit", "rule_decision"])
        #expect(detail.history.map(\.actor) == ["system", "rule:spam.free-crypto"])
        #expect(detail.history.allSatisfy { $0.ruleSetVersion == ruleSet.version })
        var iterator = events.makeAsyncIterator()
        let opening = await iterator.next()
        #expect(opening?.caseID == caseID && opening?.opened == true && opening?.kind == "rule_hit")
        // The rule's decision follows as a change of its own, so it is logged and counted like a moderator's.
        let decided = await iterator.next()
        #expect(decided?.kind == "rule_decision" && decided?.actions == ["silence"] && decided?.actor == "rule:spam.free-crypto")
        #expect(decided?.ruleIDs == ["spam.free-crypto"] && decided?.phase == .decided && decided?.tenant == "acme")
        #expect((decided?.sequence ?? 0) > 0, "the change carries its audit row's sequence")

        let (benign, benignID, _) = try status("<p>free lunch at noon</p>", id: "2")
        #expect(try await intake().screen(benign, subjectID: benignID, account: account, evidence: nil, tenant: acme) == .nothing)
    }

    @Test func aReportIsEvaluatedAsAReportAndTheStrongestSignalChoosesTheQueue() async throws {
        let acme = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: now)
        let report = IncomingReport(
            source: .flag, sourceKey: "https://a.example/flags/1", reporter: "https://a.example/actor", account: "https://bad.example/users/x",
            statuses: [], comment: "He said he will KILL me")
        guard case .recorded(let caseID, true) = try await intake().receive(report: report, tenant: acme) else {
            Issue.record("not recorded"); return
        }
        let summary = try await store.summary(of: caseID, tenant: acme.id, at: now)
        #expect(summary.queue == "urgent")
        #expect(summary.priority == 95)
        #expect(summary.phase == .open)
        let quiet = IncomingReport(
            source: .flag, sourceKey: "https://a.example/flags/2", reporter: "https://a.example/actor", account: "https://bad.example/users/y",
            statuses: [], comment: "annoying")
        guard case .recorded(let quietID, true) = try await intake().receive(report: quiet, tenant: acme) else { Issue.record("not recorded"); return }
        #expect(try await store.summary(of: quietID, tenant: acme.id, at: now).queue == "reports")
    }

    /// Issue 17: the statuses inside a report go through the content rules as a `Create` of them would — a webhook's
    /// statuses whole, a Flag's by their fetched text — and a hit on evidence not proven to be the account's never
    /// decides on its own.
    @Test func reportedStatusesAreScreenedByTheContentRules() async throws {
        let acme = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: now)
        // Mastodon's documented report.created payload, its status's content replaced by a full-width scam.
        var payload = try #require(
            try JSONSerialization.jsonObject(with: Data(Fixtures.text("webhooks/mastodon-report.created.json").utf8)) as? [String: Any])
        var object = try #require(payload["object"] as? [String: Any])
        var statuses = try #require(object["statuses"] as? [[String: Any]])
        statuses[0]["content"] = "<p>Ｆｒｅｅ ＢＴＣ for everyone who follows</p>"
        object["statuses"] = statuses
        payload["object"] = object
        let body = try JSONSerialization.data(withJSONObject: payload)
        guard case .report(let report) = try MastodonWebhook.parse(body, domain: InstanceDomain("mastodonwebsite")!, now: now) else {
            Issue.record("not a report"); return
        }
        guard case .recorded(let caseID, true) = try await intake().receive(report: report, tenant: acme) else { Issue.record("not recorded"); return }
        let detail = try await store.detail(of: caseID, tenant: acme.id, at: now)
        #expect(detail.hits.map(\.ruleID) == ["spam.free-crypto"])
        #expect(detail.hits.map(\.subjectID) == ["https://someothermastodonsite.com/users/cheeseperson/statuses/111301083360371621"])
        #expect(detail.hits.first?.spans.map(\.text) == ["free btc"])
        #expect(detail.summary.queue == "spam")
        #expect(detail.decisions.map(\.decision.actions) == [[.silence]], "a webhook's statuses are the instance's own word")

        // A member's Flag whose status was fetched but not proven to be the reported account's: recorded, not decided.
        let flag = IncomingReport(
            source: .member, sourceKey: "https://a.example/flags/9", reporter: "https://a.example/users/member",
            account: "https://bad.example/users/innocent",
            statuses: [ReportedStatus(id: "https://elsewhere.example/statuses/1", text: "get FREE  crypto now", verified: false)], comment: "")
        guard case .recorded(let flagCase, true) = try await intake().receive(report: flag, tenant: acme) else { Issue.record("not recorded"); return }
        let flagDetail = try await store.detail(of: flagCase, tenant: acme.id, at: now)
        #expect(flagDetail.hits.map(\.ruleID) == ["spam.free-crypto"])
        #expect(flagDetail.decisions.isEmpty)
        #expect(flagDetail.history.map(\.kind).contains("rule_decision_skipped"))

        // A status the content rules do not hit adds nothing; a status known only by its URI is not screened.
        let quiet = IncomingReport(
            source: .flag, sourceKey: "https://a.example/flags/10", reporter: "https://a.example/actor", account: "https://bad.example/users/q",
            statuses: [ReportedStatus(id: "https://bad.example/statuses/2", text: "free lunch", verified: true),
                       ReportedStatus(id: "https://bad.example/statuses/3", text: nil, verified: false)], comment: "")
        guard case .recorded(let quietCase, true) = try await intake().receive(report: quiet, tenant: acme) else { Issue.record("not recorded"); return }
        #expect(try await store.detail(of: quietCase, tenant: acme.id, at: now).hits.isEmpty)
    }

    /// Issue 17: velocity rules. The same link from three accounts within 10 minutes, and reports against one account
    /// from three reporters within an hour, hit; counts live in the store, so a new pipeline (a restart) remembers
    /// them; an account or reporter counts once; the window slides. The clock is injected.
    @Test func velocityRulesCountAcrossItemsAndRestarts() async throws {
        let acme = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: now)
        let load = RuleSetLoader.load(file: "velocity.yml", text: """
            id: spam.link-burst
            title: One link from many accounts
            applies_to: [Create]
            when:
              - window.10m.same_link.accounts: { gte: 3 }
            action: { queue: spam, priority: 60 }
            tests: [{ match: { window.10m.same_link.accounts: 3 } }, { no_match: { window.10m.same_link.accounts: 2 } }]
            ---
            id: reports.pile-on
            title: Many reporters at once
            applies_to: [Report]
            when:
              - window.60m.account.reporters: { gte: 3 }
            action: { queue: urgent, priority: 97 }
            tests: [{ match: { window.60m.account.reporters: 3 } }, { no_match: { window.60m.account.reporters: 1 } }]
            """)
        let set = try #require(load.ruleSet, "\(load.renderedDiagnostics())")
        let clock = ManualClock(now)
        func pipeline() -> Intake {
            Intake(
                tenants: store, cases: store, ruleSet: { _ in set }, changes: CaseChanges(), windows: store, logger: Logger(label: "test"),
                now: { clock.now })
        }
        func post(_ account: String, _ id: String) async throws -> IntakeResult {
            let subject = Subject(kind: .activity, fields: [
                "type": .text("Create"), "account.id": .text("https://bad.example/users/\(account)"), "content": .text("look https://spam.example/x"),
                "links": .list(["https://spam.example/x"]),
            ])
            return try await pipeline().screen(subject, subjectID: id, account: "https://bad.example/users/\(account)", evidence: nil, tenant: acme)
        }
        #expect(try await post("a", "s1") == .nothing)
        clock.advance(60)
        #expect(try await post("b", "s2") == .nothing)
        clock.advance(60)
        #expect(try await post("b", "s3") == .nothing, "the same account counts once")
        clock.advance(60)
        guard case .recorded(let burst, _) = try await post("c", "s4") else { Issue.record("the third account within 10 minutes must hit"); return }
        #expect(try await store.detail(of: burst, tenant: acme.id, at: clock.now).hits.map(\.ruleID) == ["spam.link-burst"])
        clock.advance(11 * 60)
        #expect(try await post("d", "s5") == .nothing, "a and b have left the window: c and d are two")

        func report(_ key: String, by reporter: String) -> IncomingReport {
            IncomingReport(
                source: .flag, sourceKey: key, reporter: "https://r.example/users/\(reporter)", account: "https://bad.example/users/target",
                statuses: [], comment: "")
        }
        guard case .recorded(let pileOn, _) = try await pipeline().receive(report: report("f1", by: "r1"), tenant: acme) else {
            Issue.record("not recorded"); return
        }
        _ = try await pipeline().receive(report: report("f2", by: "r1"), tenant: acme)
        _ = try await pipeline().receive(report: report("f3", by: "r2"), tenant: acme)
        #expect(try await store.detail(of: pileOn, tenant: acme.id, at: clock.now).hits.isEmpty, "two distinct reporters so far")
        clock.advance(30 * 60)
        _ = try await pipeline().receive(report: report("f4", by: "r3"), tenant: acme)
        let detail = try await store.detail(of: pileOn, tenant: acme.id, at: clock.now)
        #expect(detail.hits.map(\.ruleID) == ["reports.pile-on"])
        #expect(detail.summary.queue == "urgent")
    }

    /// The window store counts distinct actors per tenant, key and window, and forgets what is older than 24 hours.
    @Test func windowObservationsAreCountedPerTenantAndForgottenAfterADay() async throws {
        let acme = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: now)
        let other = try await store.createTenant(Tenant(id: 0, slug: "other", name: "Other"), by: "operator", at: now)
        let link = { (actor: String) in WindowObservation(kind: "link", key: "https://x.example/", actor: actor) }
        let hour = WindowQuery(kind: "link", key: "https://x.example/", seconds: 3600)
        let day = WindowQuery(kind: "link", key: "https://x.example/", seconds: 86400)
        #expect(try await store.observe([link("a")], counting: [hour], tenant: acme.id, at: now) == [1])
        #expect(try await store.observe([link("a"), link("b")], counting: [hour], tenant: acme.id, at: now + 60) == [2])
        #expect(try await store.observe([link("z")], counting: [hour], tenant: other.id, at: now + 60) == [1], "tenants apart")
        #expect(try await store.observe([], counting: [hour, day], tenant: acme.id, at: now + 7200) == [0, 2])
        #expect(try await store.observe([link("c")], counting: [day], tenant: acme.id, at: now + 90000) == [1])
        let rows = try await SQLiteShell.query(directory.path("palisade.sqlite"), "SELECT COUNT(*) FROM window_observations")
        #expect(rows == ["1"], "everything older than a day is gone")
    }

    @Test func intakeTellsTheRulesTheTenantAndHowTheReportArrived() async throws {
        let acme = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: now)
        func report(_ source: ReportSource, _ account: String) -> IncomingReport {
            IncomingReport(
                source: source, sourceKey: "\(source)-\(account)", reporter: "https://a.example/actor", account: "https://bad.example/users/\(account)",
                statuses: [], comment: "court order", category: "legal")
        }
        guard case .recorded(let webhookCase, _) = try await intake().receive(report: report(.webhook, "w"), tenant: acme),
            case .recorded(let flagCase, _) = try await intake().receive(report: report(.flag, "f"), tenant: acme)
        else { Issue.record("not recorded"); return }
        #expect(try await store.summary(of: webhookCase, tenant: acme.id, at: now).queue == "legal")
        #expect(try await store.summary(of: flagCase, tenant: acme.id, at: now).queue == "reports")
    }

    @Test func aFlagFromAnAttachedInstanceIsItsTenantsAndOtherFlagsFollowTheUnsolicitedSetting() async throws {
        let acme = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: now)
        let triage = try await store.createTenant(Tenant(id: 0, slug: "triage", name: "Triage", unsolicitedQueue: "unsolicited"), by: "operator", at: now)
        _ = try await store.attach(
            AttachedInstance(id: 0, tenantID: acme.id, domain: InstanceDomain("mastodon.example")!, actorID: "https://mastodon.example/actor",
                             webhookSecret: nil, decisionRoute: .activitypub), by: "operator", at: now)
        let solicited = try await intake().receive(flag: ReceivedFlag(
            activityID: "https://mastodon.example/f/1", reporterID: "https://mastodon.example/actor",
            objectIDs: ["https://bad.example/users/x", "https://bad.example/users/x/statuses/1"], comment: "spam", receivedAt: now))
        #expect(solicited.map(\.tenant) == ["acme"])
        let unsolicited = try await intake().receive(flag: ReceivedFlag(
            activityID: "https://elsewhere.example/f/1", reporterID: "https://elsewhere.example/actor",
            objectIDs: ["https://bad.example/users/x"], comment: "spam", receivedAt: now))
        #expect(unsolicited.map(\.tenant) == ["triage"])
        let cases = try await store.cases(tenant: triage.id, filter: CaseFilter(), at: now)
        #expect(cases.map(\.queue) == ["unsolicited"])
        let reports = try await store.detail(of: cases[0].id, tenant: triage.id, at: now).reports
        #expect(reports.map(\.report.source) == [.unsolicited])
    }
}

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }

    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}
