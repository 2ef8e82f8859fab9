import Federation
import Foundation
import PalisadeTesting
import Store
import Testing

/// Issue 16, item 10: remote text printed by the CLI cannot drive the operator's terminal (title changes, hidden text,
/// OSC 8 links, bells): every control character is shown as a visible picture.
@Suite struct TerminalInjectionTests {
    static let escape = "\u{1B}"
    static let bell = "\u{07}"

    @Test func deliveriesListShowsARemoteErrorsControlsAsPictures() async throws {
        let directory = try TemporaryDirectory("cli-injection-deliveries")
        defer { directory.remove() }
        #expect(try await PalisadeCLI.run(["admin", "init"], in: directory.url).status == 0)
        let store = try SQLiteStore(path: directory.path("data/palisade.sqlite"))
        let activity = "https://mod.example/activities/\(Self.escape)]0;pwned\(Self.bell)"
        try await store.enqueue([Delivery(activityID: activity, sender: .service, inbox: "https://evil.example/inbox", body: Data("{}".utf8))], at: Date())
        let job = try #require(try await store.deliveries(of: activity).first)
        try await store.finish([(job.id, .dead(error: "500 \(Self.escape)[2J\(Self.escape)]8;;https://evil.example\(Self.bell)click\(Self.escape)[8m hidden"))], at: Date())
        try store.close()

        let listed = try await PalisadeCLI.run(["deliveries", "list", "--state", "dead"], in: directory.url)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(!listed.stdout.contains(Self.escape) && !listed.stdout.contains(Self.bell), "raw controls reached the terminal: \(listed.stdout.debugDescription)")
        #expect(listed.stdout.contains("␛[2J") && listed.stdout.contains("␛]0;pwned␇"))
    }

    @Test func rulesExplainShowsAHostileDocumentsControlsAsPictures() async throws {
        let directory = try TemporaryDirectory("cli-injection-explain")
        defer { directory.remove() }
        let path = try directory.write(
            "post.json",
            #"{"type": "Create", "content": "<p>Free BTC \u001b]2;owned\u0007 giveaway \u001b[31mclaim\u009b0m now</p>", "links.count": 1, "account.age_days": 2}"#)
        let explained = try await PalisadeCLI.run(["rules", "explain", "--rules", Fixtures.projectRoot.appendingPathComponent("rules").path, path], in: directory.url)
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stdout.contains("HIT spam.crypto-giveaway"))
        for raw in [Self.escape, Self.bell, "\u{9B}"] {
            #expect(!explained.stdout.contains(raw), "raw \(raw.debugDescription) reached the terminal: \(explained.stdout.debugDescription)")
        }
        #expect(explained.stdout.contains("␛"))
    }
}
