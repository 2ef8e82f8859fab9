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
        // Issue 18: each diagnostic is a field of its own, on one line, not a value full of \u{a} escapes.
        #expect(refused.contains(#"diagnostic.2="./rules/b.yml:3:24: error: PCRE2: missing closing parenthesis""#), "\(refused)")
        #expect(!refused.contains(#"\u{a}"#), "\(refused)")
        #expect(server.process.isRunning, "a broken rule set does not stop the service")

        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: 30))
        #expect(server.process.terminationStatus == 0)
    }

    /// Issue 17: `palisade rules reload` asks the running server with the admin token, prints the new version and what
    /// changed, and exits 1 with every diagnostic when the server refuses the set (which stays).
    @Test func theReloadCommandTalksToTheRunningServer() async throws {
        let directory = try TemporaryDirectory("rules-reload-command")
        defer { directory.remove() }
        _ = try directory.write("rules/a.yml", rule("spam.a", "alpha"))
        let token = "reload-token-0123456789abcdef"
        _ = try directory.write("admin.token", token + "\n")
        _ = try directory.write("wrong.token", "not-the-admin-token-at-all\n")
        let server = try PalisadeCLI.launch(
            ["serve"], in: directory.url, environment: ["PALISADE_LISTEN": "127.0.0.1:0", "PALISADE_ADMIN__TOKEN": token])
        defer { server.send(SIGTERM) }
        let line = try await server.waitForLogLine(containing: "notice palisade: listening")
        let port = try #require(line.firstMatch(of: /address=127\.0\.0\.1:(\d+)/).map { Int($0.1)! })
        let url = "http://127.0.0.1:\(port)"

        _ = try directory.write("rules/b.yml", rule("spam.b", "beta"))
        let reload = try await PalisadeCLI.run(["rules", "reload", "--server", url, "--token-file", "admin.token"], in: directory.url)
        #expect(reload.status == 0, "\(reload.stderr)")
        let check = try await PalisadeCLI.run(["rules", "check", "rules"], in: directory.url)
        let version = try #require(check.stdout.split(separator: "\n").last { $0.hasPrefix("rule set version ") }).dropFirst("rule set version ".count)
        #expect(reload.stdout == "rule set version \(version) (2 rules; added spam.b)\n", "the server's version is the one rules check prints")

        _ = try directory.write("rules/b.yml", "id: spam.b\ntitle: b\nwhen: { content: '(beta' }\naction: { queue: spam }\n")
        let refused = try await PalisadeCLI.run(["rules", "reload", "--server", url, "--token-file", "admin.token"], in: directory.url)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("rules/b.yml:3:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("error: the server refused the rules; version \(version) stays in use"), "\(refused.stderr)")

        // Issue 18: a set whose own tests fail is refused, naming each failing test, unless --force.
        _ = try directory.write(
            "rules/b.yml", "id: spam.b\ntitle: b\nwhen: { content: beta }\naction: { queue: spam }\ntests: [{ match: { content: gamma } }]\n")
        let failing = try await PalisadeCLI.run(["rules", "reload", "--server", url, "--token-file", "admin.token"], in: directory.url)
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("rules/b.yml:5:"), "\(failing.stderr)")
        #expect(failing.stderr.contains("test of spam.b failed"), "\(failing.stderr)")
        #expect(failing.stderr.contains("error: the server refused the rules; version \(version) stays in use"), "\(failing.stderr)")
        let forced = try await PalisadeCLI.run(["rules", "reload", "--force", "--server", url, "--token-file", "admin.token"], in: directory.url)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.hasPrefix("rule set version "), "\(forced.stdout)")
        #expect(!forced.stdout.contains("rule set version \(version) "), "the forced set is in use")

        let wrong = try await PalisadeCLI.run(["rules", "reload", "--server", url, "--token-file", "wrong.token"], in: directory.url)
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("refused the admin token"), "\(wrong.stderr)")
        let none = try await PalisadeCLI.run(["rules", "reload", "--server", url], in: directory.url)
        #expect(none.status != 0)
        // One `Error:` line, no usage text (a missing token is not a mistyped command).
        #expect(none.stderr == "Error: no admin token: pass --token-file, or set admin.token in the configuration (or PALISADE_ADMIN__TOKEN)\n", "\(none.stderr)")
        let unreachable = try await PalisadeCLI.run(
            ["rules", "reload", "--server", "http://127.0.0.1:1", "--token-file", "admin.token"], in: directory.url)
        #expect(unreachable.status != 0)
        #expect(unreachable.stderr.contains("cannot reach http://127.0.0.1:1"), "\(unreachable.stderr)")
    }
}
