import Foundation
import PalisadeTesting
import Testing

/// `palisade serve` loads the rules at start and again on SIGHUP, logging what changed; a broken set is refused
/// and the running one stays.
@Suite(.serialized) struct RulesReloadTests {
    func rule(_ id: String, _ word: String) -> String {
        "id: \(id)\ntitle: \(id)\nwhen: { content: \(word) }\naction: { queue: spam }\ntests: [{ match: { content: \(word) } }]\n"
    }

    @Test func sighupReloadsTheRules() async throws {
        let directory = try TemporaryDirectory("rules-sighup")
        defer { directory.remove() }
        _ = try directory.write("rules/a.yml", rule("spam.a", "alpha"))
        let server = try PalisadeCLI.launch(["serve"], in: directory.url, environment: ["PALISADE_LISTEN": "127.0.0.1:0"])
        let started = try await server.waitForLogLine(containing: "rules loaded")
        #expect(started.contains("reason=start") && started.contains("rules=1") && started.contains("added=spam.a"), "\(started)")
        _ = try await server.waitForLogLine(containing: "notice palisade: listening")

        _ = try directory.write("rules/b.yml", rule("spam.b", "beta"))
        server.send(SIGHUP)
        let reloaded = try await server.waitForLogLine(containing: "reason=SIGHUP")
        #expect(reloaded.contains("rules loaded") && reloaded.contains("added=spam.b") && reloaded.contains("rules=2"), "\(reloaded)")

        _ = try directory.write("rules/b.yml", "id: spam.b\ntitle: b\nwhen: { content: '(beta' }\naction: { queue: spam }\n")
        server.send(SIGHUP)
        let refused = try await server.waitForLogLine(containing: "rules not reloaded")
        #expect(refused.contains("reason=SIGHUP"), "\(refused)")
        #expect(server.process.isRunning, "a broken rule set does not stop the service")

        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: 30))
        #expect(server.process.terminationStatus == 0)
    }
}
