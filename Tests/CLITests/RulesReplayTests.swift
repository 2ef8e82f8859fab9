import Federation
import Foundation
import Moderation
import PalisadeTesting
import Store
import Testing

/// `palisade rules replay` on a seeded store: the candidate's gains and losses against the active set, per rule,
/// over stored reports (with their statuses) and inbox activities.
@Suite struct RulesReplayTests {
    static let money = """
        id: tech.money
        title: Money
        when: { content: 'save money' }
        action: { queue: q }
        tests: [{ match: { content: save money } }, { no_match: { content: money } }]

        """
    static let active = """
        id: spam.free
        title: Free crypto
        when: { content: 'free btc' }
        action: { queue: spam }
        tests: [{ match: { content: free btc } }, { no_match: { content: free eth } }]
        ---
        id: reports.kill
        title: Threat
        applies_to: [Report]
        when: { report.comment: '\\bkill\\b' }
        action: { queue: urgent }
        tests: [{ match: { report.comment: kill } }, { no_match: { report.comment: skill } }]
        ---
        \(money)
        """
    static let candidate = """
        id: spam.free
        title: Free crypto
        when: { content: 'free (?:btc|eth)' }
        action: { queue: spam }
        tests: [{ match: { content: free eth } }, { no_match: { content: free time } }]
        ---
        \(money)
        ---
        id: tech.thinkpad
        title: Thinkpads
        when: { content: thinkpad }
        action: { queue: q }
        tests: [{ match: { content: my thinkpad } }, { no_match: { content: laptop } }]

        """

    func seeded() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("cli-rules-replay")
        _ = try directory.write("rules/a.yml", Self.active)
        _ = try directory.write("candidate/a.yml", Self.candidate)
        #expect(try await PalisadeCLI.run(["admin", "init"], in: directory.url).status == 0)
        let store = try SQLiteStore(path: directory.path("data/palisade.sqlite"))
        let now = Date()
        let acme = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: now)
        func report(_ key: String, comment: String, status: String, text: String) -> IncomingReport {
            IncomingReport(
                source: .flag, sourceKey: key, reporter: "https://a.example/actor", account: "https://bad.example/users/\(key)",
                statuses: [ReportedStatus(id: status, text: text, verified: true)], comment: comment)
        }
        for item in [
            report("r1", comment: "he will kill me", status: "https://bad.example/s/1", text: "free eth now"),
            report("r2", comment: "spam", status: "https://bad.example/s/2", text: "FREE BTC"),
        ] {
            _ = try await store.record(
                IntakeItem(account: item.account, report: item, hits: [], signals: [Signal(queue: "reports", priority: 10)]),
                tenant: acme, ruleSetVersion: nil, at: now)
        }
        // A real Mastodon Create (from Lemmy's test fixtures), as the inbox stores it.
        let body = Data(try Fixtures.text("activitystreams/lemmy/mastodon-create-note.json").utf8)
        _ = try await store.store(InboxEntry(
            activityID: "https://mastodon.madrid/users/felix/statuses/107224289116410645/activity", type: "Create",
            actorID: "https://mastodon.madrid/users/felix", keyID: "https://mastodon.madrid/users/felix#main-key", body: body, receivedAt: now))
        try store.close()
        return directory
    }

    @Test func theCandidatesGainsAndLossesArePrintedPerRule() async throws {
        let directory = try await seeded()
        defer { directory.remove() }
        let replay = try await PalisadeCLI.run(["rules", "replay", "--rules", "candidate"], in: directory.url)
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout == """
            reports.kill  active 1  candidate 0  +0 -1
              - report 1
            spam.free  active 1  candidate 2  +1 -0
              + report 1 status https://bad.example/s/1
            tech.thinkpad  active 0  candidate 1  +1 -0
              + activity https://mastodon.madrid/users/felix/statuses/107224289116410645/activity
            tech.money  active 1  candidate 1  unchanged
            5 items replayed, 4 rules hit, 3 changed

            """)
        #expect(replay.stderr.hasPrefix("replayed 5 items (") && replay.stderr.hasSuffix("/s)\n"), "plain progress when not a terminal: \(replay.stderr)")
    }

    @Test func jsonTenantAndSinceNarrowTheReplay() async throws {
        let directory = try await seeded()
        defer { directory.remove() }
        let json = try await PalisadeCLI.run(["rules", "replay", "--rules", "candidate", "--json", "--tenant", "acme", "--since", "1h"], in: directory.url)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["items"] as? Int == 4, "the tenant's reports and their statuses; inbox activities belong to no tenant")
        let rules = try #require(object["rules"] as? [[String: Any]])
        #expect(rules.map { $0["rule"] as? String } == ["reports.kill", "spam.free"])
        let old = try await PalisadeCLI.run(["rules", "replay", "--rules", "candidate", "--since", "bad"], in: directory.url)
        #expect(old.status != 0)
        #expect(old.stderr.contains("--since is a number and a unit"))
        let nobody = try await PalisadeCLI.run(["rules", "replay", "--rules", "candidate", "--tenant", "nobody"], in: directory.url)
        #expect(nobody.status != 0)
        _ = try directory.write("broken/a.yml", "id: x\ntitle: x\nwhen: { content: '(x' }\naction: { queue: q }\n")
        let broken = try await PalisadeCLI.run(["rules", "replay", "--rules", "broken"], in: directory.url)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("error: the candidate rules in broken do not compile"))
    }
}
