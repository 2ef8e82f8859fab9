import Federation
import Foundation
import Logging
import Moderation
import PalisadeTesting
import Rules
import Store
import Testing

/// Issue 16, item 1: a Flag naming a status on the sender's own server whose `attributedTo` names an account on
/// another server must not make a case (or an automatic suspension) about that account.
@Suite struct ForgedEvidenceTests {
    let directory: TemporaryDirectory
    let store: SQLiteStore
    let ruleSet: RuleSet
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let victim = "https://victim.example/users/alice"

    init() throws {
        directory = try TemporaryDirectory("forged-evidence")
        store = try SQLiteStore(path: directory.path("palisade.sqlite"))
        try store.migrate()
        let rules = directory.url.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try """
            id: reports.crypto-scam
            title: Crypto scam in reported statuses
            applies_to: [Report]
            when:
              - text: 'free\\s+(btc|crypto)'
            action:
              queue: spam
              priority: 90
              decide: suspend
            tests:
              - match: { type: Report, text: "FREE BTC" }
              - no_match: { type: Report, text: "free lunch" }
            """.write(to: rules.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        let load = RuleSetLoader.load(directory: rules.path)
        ruleSet = try #require(load.ruleSet, "\(load.renderedDiagnostics())")
    }

    /// The reported servers: each status as its own server would serve it (text and claimed author).
    struct Servers: StatusLookup {
        let statuses: [String: (text: String, author: String)]
        func status(_ uri: String) async -> (status: ReportedStatus, author: String?)? {
            guard let found = statuses[uri] else { return nil }
            return (ReportedStatus(id: uri, text: found.text), found.author)
        }
    }

    func intake(_ lookup: Servers) -> Intake {
        let set = ruleSet
        let now = self.now
        return Intake(
            tenants: store, cases: store, ruleSet: { _ in set }, changes: CaseChanges(), statusLookup: lookup, logger: Logger(label: "test"),
            now: { now })
    }

    func attachedTenant() async throws -> Tenant {
        let acme = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: now)
        _ = try await store.attach(
            AttachedInstance(
                id: 0, tenantID: acme.id, domain: InstanceDomain("attacker.example")!, actorID: "https://attacker.example/actor",
                webhookSecret: nil, decisionRoute: .activitypub),
            by: "operator", at: now)
        return acme
    }

    @Test func aStatusClaimingAnAuthorOnAnotherServerDoesNotFrameThatAccount() async throws {
        let acme = try await attachedTenant()
        let forged = "https://attacker.example/users/mallory/statuses/1"
        let lookup = Servers(statuses: [forged: ("FREE BTC, send 1 to get 2", victim)])
        // An ordinary user of the attached instance reports only their own status, whose attributedTo names the victim.
        let flag = ReceivedFlag(
            activityID: "https://attacker.example/flags/1", reporterID: "https://attacker.example/users/mallory", objectIDs: [forged],
            comment: "scam", receivedAt: now)
        let results = try await intake(lookup).receive(flag: flag)
        guard case .recorded(let caseID, _)? = results.first?.result else {
            Issue.record("expected a case, got \(results)")
            return
        }
        let detail = try await store.detail(of: caseID, tenant: acme.id, at: now)
        #expect(detail.summary.account != victim, "the case names what the evidence proves, never the claimed author on another server")
        #expect(detail.decisions.isEmpty, "no automatic decision on unverified evidence")
        #expect(detail.sanctions.isEmpty)
        #expect(detail.history.map(\.kind).contains("rule_decision_skipped"))
        #expect(detail.reports.first?.report.statuses.map(\.verified) == [false])
    }

    @Test func namingTheVictimBesideAnotherServersStatusProvesNothingAgainstThem() async throws {
        let acme = try await attachedTenant()
        let forged = "https://attacker.example/users/mallory/statuses/2"
        let lookup = Servers(statuses: [forged: ("free crypto for all", victim)])
        // Mastodon's shape: the account first, then the statuses. The account is named, so the case is about it (a
        // report is a report), but the status on another server is not its evidence: no automatic decision.
        let flag = ReceivedFlag(
            activityID: "https://attacker.example/flags/2", reporterID: "https://attacker.example/actor", objectIDs: [victim, forged],
            comment: nil, receivedAt: now)
        let results = try await intake(lookup).receive(flag: flag)
        guard case .recorded(let caseID, _)? = results.first?.result else {
            Issue.record("expected a case, got \(results)")
            return
        }
        let detail = try await store.detail(of: caseID, tenant: acme.id, at: now)
        #expect(detail.summary.account == victim)
        #expect(detail.hits.map(\.ruleID) == ["reports.crypto-scam"], "the rule still routes the report to people")
        #expect(detail.decisions.isEmpty)
        #expect(detail.sanctions.isEmpty)
    }

    @Test func aMembersFlagIsRecordedAsTheirsAndATenantMayTakeOnlyItsInstanceActors() async throws {
        let acme = try await attachedTenant()
        let member = ReceivedFlag(
            activityID: "https://attacker.example/flags/9", reporterID: "https://attacker.example/users/mallory",
            objectIDs: [victim], comment: "I don't like them", receivedAt: now)
        let results = try await intake(Servers(statuses: [:])).receive(flag: member)
        guard case .recorded(let caseID, _)? = results.first?.result else {
            Issue.record("expected a case, got \(results)")
            return
        }
        let report = try #require(try await store.detail(of: caseID, tenant: acme.id, at: now).reports.first?.report)
        #expect(report.source == .member, "an ordinary user's Flag is that user's report, not the instance's word")
        #expect(report.reporter == "https://attacker.example/users/mallory")

        // A tenant that takes only its instance actors' Flags: the member's Flag opens nothing, the instance's does.
        let strict = try await store.createTenant(
            Tenant(id: 0, slug: "strict", name: "Strict", flagsFrom: .instanceActor), by: "operator", at: now)
        _ = try await store.attach(
            AttachedInstance(
                id: 0, tenantID: strict.id, domain: InstanceDomain("strict.example")!, actorID: "https://strict.example/actor",
                webhookSecret: nil, decisionRoute: .activitypub),
            by: "operator", at: now)
        let fromMember = ReceivedFlag(
            activityID: "https://strict.example/flags/1", reporterID: "https://strict.example/users/someone", objectIDs: [victim],
            comment: nil, receivedAt: now)
        #expect(try await intake(Servers(statuses: [:])).receive(flag: fromMember).isEmpty)
        let fromInstance = ReceivedFlag(
            activityID: "https://strict.example/flags/2", reporterID: "https://strict.example/actor", objectIDs: [victim],
            comment: nil, receivedAt: now)
        let opened = try await intake(Servers(statuses: [:])).receive(flag: fromInstance)
        #expect(opened.count == 1)
        if case .recorded(let id, _)? = opened.first?.result {
            #expect(try await store.detail(of: id, tenant: strict.id, at: now).reports.first?.report.source == .flag)
        } else {
            Issue.record("expected the instance actor's Flag to open a case, got \(opened)")
        }
    }

    @Test func aStatusProvenOnItsOwnOriginLetsTheRuleDecide() async throws {
        let acme = try await attachedTenant()
        let spammer = "https://spam.example/users/bob"
        let status = "https://spam.example/users/bob/statuses/9"
        let lookup = Servers(statuses: [status: ("FREE BTC today", spammer)])
        let flag = ReceivedFlag(
            activityID: "https://attacker.example/flags/3", reporterID: "https://attacker.example/actor", objectIDs: [status],
            comment: nil, receivedAt: now)
        let results = try await intake(lookup).receive(flag: flag)
        guard case .recorded(let caseID, _)? = results.first?.result else {
            Issue.record("expected a case, got \(results)")
            return
        }
        let detail = try await store.detail(of: caseID, tenant: acme.id, at: now)
        #expect(detail.summary.account == spammer, "a proven author on the status's own origin is the account")
        #expect(detail.reports.first?.report.statuses.map(\.verified) == [true])
        #expect(detail.sanctions.map(\.action) == [.suspend])
    }
}
