import Foundation
import PalisadeTesting
import Testing

/// `palisade rules check|test|explain|eval`, run as the built binary on real files.
@Suite struct RulesCommandTests {
    @Test func theStarterPackChecksCleanAndItsOwnTestsPass() async throws {
        let check = try await PalisadeCLI.run(["rules", "check", "rules"], in: Fixtures.projectRoot)
        let rules = check.stdout.split(separator: "\n").first { $0.hasSuffix(" rules, 0 errors, 0 warnings") }
        #expect((rules.flatMap { Int($0.split(separator: " ")[0]) } ?? 0) >= 15, "issue 17: a pack of at least 15 rules\n\(check.stdout)")
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains(" rules, 0 errors, 0 warnings\nrule set version "), "\(check.stdout)")
        let test = try await PalisadeCLI.run(["rules", "test", "rules"], in: Fixtures.projectRoot)
        #expect(test.status == 0, "\(test.stdout)")
        let summary = try #require(test.stdout.split(separator: "\n").last.map(String.init))
        #expect(summary.hasSuffix(" passed, 0 failed"), "\(test.stdout)")
        #expect((Int(summary.split(separator: " ")[0]) ?? 0) >= 15)
    }

    /// Issue 17: the pack's tests carry their inputs, so it checks clean wherever it is copied.
    @Test func theStarterPackChecksCleanWhenCopiedAnywhere() async throws {
        let directory = try TemporaryDirectory("cli-rules-copied-pack")
        defer { directory.remove() }
        try FileManager.default.copyItem(at: Fixtures.projectRoot.appendingPathComponent("rules"), to: directory.url.appendingPathComponent("pack"))
        let check = try await PalisadeCLI.run(["rules", "check", "pack"], in: directory.url)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains(" rules, 0 errors, 0 warnings\n"), "\(check.stdout)")
    }

    /// Issue 17: the version is a hash of the files' contents, not of how the directory was spelled.
    @Test func theRuleSetVersionIsTheSameHoweverTheDirectoryIsNamed() async throws {
        let directory = try TemporaryDirectory("cli-rules-version")
        defer { directory.remove() }
        let rule = "id: spam.free\ntitle: Free\nwhen: { content: '\\bfree\\b' }\naction: { queue: spam }\ntests: [{ match: { content: free } }, { no_match: { content: freedom } }]\n"
        _ = try directory.write("rules/a.yml", rule)
        func version(_ argument: String) async throws -> String {
            let check = try await PalisadeCLI.run(["rules", "check", argument], in: directory.url)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            let line = try #require(check.stdout.split(separator: "\n").last { $0.hasPrefix("rule set version ") })
            return String(line.dropFirst("rule set version ".count))
        }
        let plain = try await version("rules")
        #expect(plain.count == 16 && plain.allSatisfy(\.isHexDigit))
        #expect(try await version("./rules") == plain)
        #expect(try await version("rules/") == plain)
        #expect(try await version(directory.path("rules")) == plain)
        _ = try directory.write("rules/a.yml", rule.replacingOccurrences(of: "Free", with: "Free things"))
        #expect(try await version("rules") != plain, "a changed file is a new version")
    }

    /// Issue 17: `rules explain` reads a Mastodon admin webhook payload and shows what intake evaluates: the report,
    /// then each reported status as a `Create`.
    @Test func explainShowsAWebhookReportAndEachOfItsStatuses() async throws {
        let directory = try TemporaryDirectory("cli-rules-explain-webhook")
        defer { directory.remove() }
        _ = try directory.write("rules/a.yml", """
            id: spam.free-crypto
            title: Free crypto
            applies_to: [Create]
            when: { content: 'free\\s+(btc|crypto)' }
            action: { queue: spam }
            tests: [{ match: { content: free btc } }, { no_match: { content: free lunch } }]

            """)
        let payload = try Fixtures.text("webhooks/mastodon-report.created.json")
            .replacingOccurrences(of: "<p>Here is some content</p>", with: "<p>Ｆｒｅｅ ＢＴＣ for everyone</p>")
        #expect(payload.contains("ＢＴＣ"))
        _ = try directory.write("report.json", payload)
        let explain = try await PalisadeCLI.run(["rules", "explain", "--rules", "rules", "report.json"], in: directory.url)
        #expect(explain.status == 0, "\(explain.stderr)")
        let status = "https://someothermastodonsite.com/users/cheeseperson/statuses/111301083360371621"
        #expect(explain.stdout.hasPrefix("== webhook:webhook.invalid:8437\nsubject (report, applies as Report)"), "\(explain.stdout)")
        #expect(explain.stdout.contains("== \(status)\nsubject (activity, applies as Create)"), "\(explain.stdout)")
        #expect(explain.stdout.contains("  reported: true\n"))
        #expect(explain.stdout.contains("HIT spam.free-crypto"))
        let json = try await PalisadeCLI.run(["rules", "explain", "--rules", "rules", "--json", "report.json"], in: directory.url)
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(reports.count == 2)
        #expect((reports[1]["hits"] as? [[String: Any]])?.first?["rule"] as? String == "spam.free-crypto")
        _ = try directory.write("odd.json", #"{"event": "report.created", "object": {"id": 1}}"#)
        let odd = try await PalisadeCLI.run(["rules", "explain", "--rules", "rules", "odd.json"], in: directory.url)
        #expect(odd.status == 1)
        #expect(odd.stderr.hasPrefix("error: odd.json: not a Mastodon webhook payload Palisade reads: "), "\(odd.stderr)")
    }

    @Test func aFailingExampleIsReportedWithItsRuleAndWhy() async throws {
        let directory = try TemporaryDirectory("cli-rules")
        defer { directory.remove() }
        _ = try directory.write("rules/a.yml", """
            id: spam.free
            title: Free
            when: { content: '\\bfree\\b' }
            action: { queue: spam }
            tests:
              - match: { content: "FREE stuff" }
              - match: { content: "freedom" }
              - no_match: { content: "free beer" }

            """)
        let test = try await PalisadeCLI.run(["rules", "test", "rules"], in: directory.url)
        #expect(test.status == 1)
        #expect(test.stdout == """
            FAIL spam.free rules/a.yml:7:5: expected a match, got none
            FAIL spam.free rules/a.yml:8:5: expected no match, but it matched: content "free"
            1 passed, 2 failed

            """)
        let check = try await PalisadeCLI.run(["rules", "check", "rules"], in: directory.url)
        #expect(check.status == 1)
        #expect(check.stdout.contains("1 rules, 2 errors, 0 warnings\nrule set version "), "\(check.stdout)")
        #expect(check.stdout.contains("rules/a.yml:7:5: error: test of 'spam.free' failed: expected a match, got none\n  - match: { content: \"freedom\" }\n    ^"))
    }

    @Test func aBrokenRuleSetExitsOneWithDiagnosticsOnStandardError() async throws {
        let directory = try TemporaryDirectory("cli-rules-broken")
        defer { directory.remove() }
        _ = try directory.write("rules/a.yml", "id: x\ntitle: X\nwhen: { content: '(free' }\naction: { queue: spam }\n")
        let explain = try await PalisadeCLI.run(["rules", "explain", "--rules", "rules", "-"], in: directory.url)
        #expect(explain.status == 1)
        #expect(explain.stderr.contains("rules/a.yml:3:24: error: PCRE2: missing closing parenthesis\nwhen: { content: '(free' }\n                       ^"))
        let missing = try await PalisadeCLI.run(["rules", "check", "nowhere"], in: directory.url)
        #expect(missing.status == 1)
        #expect(missing.stdout.hasPrefix("nowhere:1:1: error: no rules directory at nowhere"))
    }

    @Test func explainPrintsTheSubjectHitsAndSpansAsJSON() async throws {
        let flag = Fixtures.url("activitystreams/gotosocial/captured-flags/mastodon-flag-account-and-status.json").path
        let plain = try await PalisadeCLI.run(["rules", "explain", "--rules", "rules", flag], in: Fixtures.projectRoot)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("subject (report, applies as Report)"))
        #expect(plain.stdout.contains("no rule matched"))

        let directory = try TemporaryDirectory("cli-explain")
        defer { directory.remove() }
        let path = try directory.write("post.json", #"{"type": "Create", "content": "<p>Ｆｒｅｅ ＢＴＣ giveaway, claim now</p>", "links.count": 1, "account.age_days": 2}"#)
        let json = try await PalisadeCLI.run(["rules", "explain", "--rules", Fixtures.projectRoot.appendingPathComponent("rules").path, "--json", path], in: directory.url)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(hits.map { $0["rule"] as? String } == ["spam.crypto-giveaway"])
        #expect(hits.first?["queue"] as? String == "spam")
        #expect(hits.first?["decision"] as? String == "silence")
        let spans = try #require(hits.first?["spans"] as? [[String: Any]])
        #expect(spans.contains { $0["field"] as? String == "content" && $0["text"] as? String == "btc" })
        #expect((object["subject"] as? [String: Any])?["links.count"] as? Double == 1)
        #expect((object["errors"] as? [Any])?.isEmpty == true)
    }

    @Test func evalStreamsOneLinePerSubjectInOrder() throws {
        let input = [
            #"{"content": "FREE BTC giveaway claim", "links.count": 1, "account.age_days": 1}"#,
            "not json",
            "",
            #"{"type": "Account", "account.display_name": "Ѕupport Тeam"}"#,
        ].joined(separator: "\n") + "\n"
        let directory = try TemporaryDirectory("cli-eval")
        defer { directory.remove() }
        let inputPath = try directory.write("subjects.jsonl", input)
        let process = Process()
        process.executableURL = try PalisadeCLI.executable
        process.arguments = ["rules", "eval", "--rules", Fixtures.projectRoot.appendingPathComponent("rules").path]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == #"{"errors":[],"hits":["spam.crypto-giveaway"],"line":1}"#)
        #expect(lines[1].hasPrefix(#"{"errors":[{"message":"not a JSON object"#) && lines[1].hasSuffix(#""hits":[],"line":2}"#))
        #expect(lines[2] == #"{"errors":[],"hits":["impersonation.staff-names"],"line":4}"#)
    }
}
