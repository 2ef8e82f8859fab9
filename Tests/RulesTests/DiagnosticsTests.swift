import ActivityStreams
import Foundation
import PalisadeTesting
import Rules
import Testing

/// Every problem in a rule set at once, compiler style, golden-tested (STYLE.md, habit 5).
@Suite struct DiagnosticsTests {
    /// Writes `files` (path → text) under a temporary `rules/` (and `overlay/`) and loads it.
    func load(_ files: [String: String], overlay: [String: String]? = nil) throws -> (RuleSetLoad, TemporaryDirectory) {
        let directory = try TemporaryDirectory("rules-diagnostics")
        for (path, text) in files { _ = try directory.write("rules/" + path, text) }
        for (path, text) in overlay ?? [:] { _ = try directory.write("overlay/" + path, text) }
        let root = directory.url.path
        return (RuleSetLoader.load(directory: root + "/rules", overlay: overlay == nil ? nil : root + "/overlay"), directory)
    }

    @Test func everyProblemIsReportedWithItsPositionSourceLineAndCaret() throws {
        let (load, directory) = try load([
            "spam/giveaway.yml": """
                id: spam.giveaway
                title: Giveaway
                applies_to: [Create, Upadte]
                when:
                  all:
                    - content: '\\b(free|giveaway\\b'
                    - contnet: free
                    - links.count: { gte: many }
                    - content: { matches_any: $coins }
                    - content: { word: free, lt: 3 }
                action:
                  queue: spam
                  priority: 800
                  decide: ban
                tests:
                  - match: { content: free }

                """,
            "spam/second.yml": """
                - id: spam.giveaway
                  title: Same id again
                  when: { content: free }
                  action: { queue: spam }
                  tests: [{ match: { content: free } }]
                - id: Bad_Id
                  title: x
                  when: { content: '(?<n>a)(?<n>b)' }
                  action: { queue: spam, tags: notalist }
                  extra: 1
                """,
            "broken.yml": "id: a\ntitle: [unclosed\n",
            "lists/unused.txt": "foo\n",
        ])
        defer { directory.remove() }
        #expect(load.ruleSet == nil)
        #expect(load.hasErrors)
        // Paths as `palisade rules check rules` run in that directory prints them.
        let rendered = load.renderedDiagnostics().replacingOccurrences(of: directory.url.path + "/", with: "")
        try Golden.expect(rendered + "\n", matches: "RulesTests/Golden/broken-rules.txt")
    }

    @Test func aCleanSetCompilesWithWarningsForUntestedRulesAndUnusedLists() throws {
        let (load, directory) = try load([
            "a.yml": "id: a.untested\ntitle: A\nwhen: { content: free }\naction: { queue: spam }\n",
            "lists/spare.txt": "x\n",
        ])
        defer { directory.remove() }
        #expect(load.ruleSet?.rules.map(\.definition.id) == ["a.untested"])
        #expect(load.diagnostics.map(\.severity) == [.warning, .warning])
        #expect(load.diagnostics.map(\.message) == [
            "rule 'a.untested' has no tests: add a match and a no_match example", "term list 'spare' is not used by any rule",
        ])
    }

    @Test func patternsThePrefilterCannotSkipAreReportedUnlessTheRuleSaysItIsExpensive() throws {
        let rule = { (id: String, cost: String) in
            "id: \(id)\ntitle: x\n\(cost)when: { content: '(\\w+) \\1' }\naction: { queue: q }\ntests: [{ match: { content: a a } }]\n"
        }
        let (load, directory) = try load([
            "a.yml": rule("a.plain", ""), "b.yml": rule("b.acknowledged", "cost: expensive\n"), "c.yml": rule("c.bad", "cost: high\n"),
        ])
        defer { directory.remove() }
        #expect(load.diagnostics.map(\.location.file).map { ($0 as NSString).lastPathComponent } == ["a.yml", "c.yml", "c.yml"])
        #expect(load.diagnostics[0].severity == .warning && load.diagnostics[0].message.hasPrefix("runs on most posts: no literal to index"))
        #expect(load.diagnostics[1].message == "cost is normal or expensive (a rule whose patterns the prefilter cannot skip)")
    }

    /// A class-only pattern costs nothing extra when its rule also requires a pattern with literals (`all`): the
    /// prefilter gates the rule on those, and no warning is given; beside an `any`, it still warns.
    @Test func aClassOnlyPatternBesideARequiredLiteralIsNotReported() throws {
        let rule = { (id: String, combinator: String) in
            "id: \(id)\ntitle: x\nwhen:\n  \(combinator):\n    - content: '\\d{3}[ -]?\\d{4}'\n    - content: 'call her'\n"
                + "action: { queue: q }\ntests: [{ match: { content: call her 555 1234 } }, { no_match: { content: 555 1234 } }]\n"
        }
        let (load, directory) = try load(["a.yml": rule("a.all", "all"), "b.yml": rule("b.any", "any")])
        defer { directory.remove() }
        #expect(load.diagnostics.map(\.location.file).map { ($0 as NSString).lastPathComponent } == ["b.yml"], "\(load.renderedDiagnostics())")
        #expect(load.diagnostics.first?.message.hasPrefix("runs on most posts: no literal to index") == true)
        let set = try #require(load.ruleSet)
        for text in ["call her on 555 1234", "555 1234", "call her", "CALL HER: 555-1234"] {
            let subject = Subject(kind: .activity, fields: ["type": .text("Create"), "content": .text(text)])
            #expect(set.evaluate(subject).hits.map(\.rule) == set.evaluateNaively(subject).hits.map(\.rule), "\(text)")
        }
    }

    /// Velocity rules: a window field that does not parse, or is not compared as a number, is an error that says why.
    @Test func windowFieldsAreCheckedWithTheirProblemNamed() throws {
        let rule = { (id: String, condition: String, example: String) in
            "id: \(id)\ntitle: x\nwhen:\n  - \(condition)\naction: { queue: q }\ntests: [{ match: { \(example) } }]\n"
        }
        let (load, directory) = try load([
            "a.yml": rule("a.unit", "window.10s.account.posts: { gte: 3 }", "window.10m.account.posts: 3"),
            "b.yml": rule("b.measure", "window.10m.account.likes: { gte: 3 }", "window.10m.account.posts: 3"),
            "c.yml": rule("c.pattern", "window.10m.account.posts: '3'", "window.10m.account.posts: 3"),
            "d.yml": rule("d.example", "window.10m.account.posts: { gte: 3 }", "window.99h.account.posts: 3"),
            "e.yml": rule("e.good", "window.10m.account.posts: { gte: 3 }", "window.10m.account.posts: 3"),
        ])
        defer { directory.remove() }
        let errors = load.diagnostics.filter { $0.severity == .error }
        #expect(errors.map { ($0.location.file as NSString).lastPathComponent } == ["a.yml", "b.yml", "c.yml", "d.yml"], "\(load.renderedDiagnostics())")
        #expect(errors[0].message.hasPrefix("window.10s.account.posts: the duration is minutes or hours, like 10m or 2h"))
        #expect(errors[1].message.hasPrefix("window.10m.account.likes: unknown measure 'account.likes'"))
        #expect(errors[2].message == "window.10m.account.posts is a count: compare it with lt, lte, gt or gte")
        #expect(errors[3].message == "window.99h.account.posts: windows are at most 24h")
    }

    @Test func anOverlayAddsReplacesAndDisablesGlobalRules() throws {
        let rule = { (id: String, word: String) in
            "id: \(id)\ntitle: \(id)\nwhen: { content: \(word) }\naction: { queue: spam }\ntests: [{ match: { content: \(word) } }]\n"
        }
        let (load, directory) = try load(
            ["a.yml": rule("global.kept", "alpha"), "b.yml": rule("global.replaced", "beta"), "c.yml": rule("global.off", "gamma")],
            overlay: [
                "x.yml": rule("global.replaced", "delta"), "y.yml": "id: global.off\ntitle: off\ndisabled: true\n",
                "z.yml": rule("tenant.extra", "epsilon"),
            ])
        defer { directory.remove() }
        let set = try #require(load.ruleSet, "\(load.renderedDiagnostics())")
        #expect(set.rules.map(\.definition.id) == ["global.kept", "global.replaced", "tenant.extra"])
        let hits = set.evaluate(Subject(plain: ["content": .string("alpha beta gamma delta epsilon")])).hits.map(\.rule)
        #expect(hits == ["global.kept", "global.replaced", "tenant.extra"])
        #expect(set.evaluate(Subject(plain: ["content": .string("beta gamma")])).hits.isEmpty, "replaced and disabled rules no longer match")
    }
}
