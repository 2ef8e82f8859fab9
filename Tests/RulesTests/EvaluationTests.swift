import ActivityStreams
import Foundation
import PCRE
import PalisadeTesting
import Rules
import Testing

/// Every condition form, field kind and modifier of RULES-FORMAT.md, evaluated on subjects.
@Suite struct EvaluationTests {
    /// A set of `rules` (YAML texts, one file each) and `lists` (name → text).
    func ruleSet(_ rules: [String], lists: [String: String] = [:]) throws -> RuleSet {
        let directory = try TemporaryDirectory("rules-evaluation")
        defer { directory.remove() }
        for (index, text) in rules.enumerated() { _ = try directory.write("rules/r\(index).yml", text) }
        for (name, text) in lists { _ = try directory.write("rules/lists/\(name).txt", text) }
        let load = RuleSetLoader.load(directory: directory.path("rules"))
        guard let set = load.ruleSet else { throw HarnessError(load.renderedDiagnostics()) }
        return set
    }

    /// A rule `id` whose `when` is the given YAML (flow or block, indented under `when:`).
    func rule(_ id: String, when: String, appliesTo: String = "[Create]") -> String {
        "id: \(id)\ntitle: \(id)\napplies_to: \(appliesTo)\nwhen:\n  \(when.replacingOccurrences(of: "\n", with: "\n  "))\naction: { queue: q }\n"
    }

    func hits(_ set: RuleSet, _ fields: [String: JSONValue]) -> [String] {
        set.evaluate(Subject(plain: fields)).hits.map(\.rule)
    }

    @Test func patternFormsAndModifiers() throws {
        let set = try ruleSet([
            rule("p.string", when: #"content: '\bfree\s+btc\b'"#),
            rule("p.raw", when: #"content: { matches: '<b>FREE</b>', raw: true, case_sensitive: true }"#),
            rule("p.any", when: #"content: { matches_any: ['\bairdrop\b', 'usdt'] }"#),
            rule("p.word", when: "content: { word: cat }"),
            rule("p.words", when: "content: { words: [dog, bird] }"),
            rule("p.case", when: "summary: { matches: Spoiler, raw: true, case_sensitive: true }"),
            rule("p.multiline", when: "content: { matches: '^second$', multiline: true }"),
        ])
        #expect(hits(set, ["content": "FREE   BTC"]) == ["p.string"])
        #expect(hits(set, ["content": "<b>FREE</b>", "content.raw": "<b>FREE</b>"]) == ["p.raw"])
        #expect(hits(set, ["content": "x", "content.raw": "<b>free</b>"]) == [], "raw + case_sensitive keeps case")
        #expect(hits(set, ["content": "USDT now"]) == ["p.any"])
        #expect(hits(set, ["content": "a cat!"]) == ["p.word"])
        #expect(hits(set, ["content": "concatenate"]) == [], "whole words only")
        #expect(hits(set, ["content": "Birds and a BIRD"]) == ["p.words"])
        #expect(hits(set, ["summary": "Spoiler"]) == ["p.case"])
        #expect(hits(set, ["summary": "spoiler"]) == [])
        #expect(hits(set, ["content.raw": "first\nsecond", "content": "first\nsecond"]) == [], "normalised text has no line breaks")
        let multiline = try ruleSet([rule("p.m", when: "content: { matches: '^second$', multiline: true, raw: true }")])
        #expect(hits(multiline, ["content": "first\nsecond"]) == ["p.m"])
    }

    @Test func valueNumberAndPresenceForms() throws {
        let set = try ruleSet([
            rule("v.equals", when: "language: { equals: EN }"),
            rule("v.in", when: "account.domain: { in: [spam.example, scam.example] }"),
            rule("v.list", when: "links.domains: { in: $shorteners }"),
            rule("v.range", when: "links.count: { gte: 2, lt: 5 }"),
            rule("v.lte", when: "account.age_days: { lte: 1 }"),
            rule("v.gt", when: "mentions.count: { gt: 9 }"),
            rule("v.exists", when: "summary: { exists: true }"),
            rule("v.missing", when: "account.bio: { exists: false }"),
            rule("v.bool", when: "sensitive: { equals: true }"),
        ], lists: ["shorteners": "# shorteners\nbit.ly\nliteral: t.co\n"])
        let base: [String: JSONValue] = ["account.bio": "hi"]
        #expect(hits(set, base.merging(["language": "en"]) { $1 }) == ["v.equals"])
        #expect(hits(set, base.merging(["account.domain": "SCAM.example"]) { $1 }) == ["v.in"])
        #expect(hits(set, base.merging(["links.domains": ["codeberg.org", "t.co"]]) { $1 }) == ["v.list"])
        #expect(hits(set, base.merging(["links.count": 2]) { $1 }) == ["v.range"])
        #expect(hits(set, base.merging(["links.count": 5]) { $1 }) == [])
        #expect(hits(set, base.merging(["account.age_days": 1]) { $1 }) == ["v.lte"])
        #expect(hits(set, base.merging(["mentions.count": 10]) { $1 }) == ["v.gt"])
        #expect(hits(set, base.merging(["summary": ""]) { $1 }) == ["v.exists"])
        #expect(hits(set, [:]) == ["v.missing"])
        #expect(hits(set, base.merging(["sensitive": true]) { $1 }) == ["v.bool"])
        #expect(hits(set, base.merging(["account.age_days": "many"]) { $1 }) == [], "a number condition on a non-number never holds")
    }

    @Test func allAnyNoneNestAndAppliesToFilters() throws {
        let set = try ruleSet([
            rule("n.nested", when: """
                all:
                  - content: spam
                  - any:
                      - links.count: { gte: 1 }
                      - mentions.count: { gte: 5 }
                none:
                  - account.domain: { in: [trusted.example] }
                """),
            rule("n.account", when: "account.display_name: admin", appliesTo: "[Account]"),
            rule("n.report", when: "report.comment: spam", appliesTo: "[Report]"),
        ])
        #expect(hits(set, ["content": "spam", "links.count": 1]) == ["n.nested"])
        #expect(hits(set, ["content": "spam", "mentions.count": 9]) == ["n.nested"])
        #expect(hits(set, ["content": "spam"]) == [])
        #expect(hits(set, ["content": "spam", "links.count": 1, "account.domain": "trusted.example"]) == [])
        #expect(hits(set, ["type": "Account", "account.display_name": "Admin", "content": "spam", "links.count": 1]) == ["n.account"])
        #expect(hits(set, ["type": "Report", "report.comment": "spam"]) == ["n.report"])
        #expect(hits(set, ["type": "Update", "content": "spam", "links.count": 1]) == [], "applies_to: [Create] only")
    }

    @Test func hitsCarryTheActionVersionAndSpansInRuleIdOrder() throws {
        let set = try ruleSet([
            "id: b.second\ntitle: B\nwhen: { content: 'btc' }\naction: { queue: spam, priority: 90, score: 2.5, tags: [scam], decide: silence, confirm: true }\n",
            "id: a.first\ntitle: A\nwhen: { content: free }\naction: { queue: other }\n",
        ])
        let evaluation = set.evaluate(Subject(plain: ["content": "<p>Ｆｒｅｅ BTC and frее btс</p>"]))
        #expect(evaluation.hits.map(\.rule) == ["a.first", "b.second"])
        let second = evaluation.hits[1]
        #expect(second.queue == "spam" && second.priority == 90 && second.score == 2.5 && second.tags == ["scam"])
        #expect(second.decision == .silence && second.confirm)
        #expect(second.version.count == 12)
        // Spans are in the normalised text ("free btc and frее btс", HTML kept as text here: content is plain).
        #expect(evaluation.hits[0].spans.map(\.text) == ["free", "frее"], "the look-alike is found through its skeleton")
        #expect(second.spans.map { [$0.start, $0.end] } == [[8, 11], [21, 24]])
    }

    /// Evidence is capped per pattern: the first matches in the text, then look-alike matches overlapping none of them,
    /// `RuleSet.spansPerPattern` in all (a post of 40 "free"s does not carry 40 spans, nor 16 more from its skeleton).
    @Test func evidenceIsCappedPerPatternTextFirst() throws {
        let set = try ruleSet(["id: a.free\ntitle: A\nwhen: { content: free }\naction: { queue: spam }\n"])
        let many = Array(repeating: "free", count: 40).joined(separator: " ") + " frее"
        let capped = set.evaluate(Subject(plain: ["content": .string(many)]))
        #expect(capped.hits.first?.spans.count == RuleSet.spansPerPattern)
        #expect(capped.hits.first?.spans.allSatisfy { $0.text == "free" } == true, "the text's own matches come first")
        let few = Array(repeating: "free", count: 3).joined(separator: " ") + " frее"
        let mixed = set.evaluate(Subject(plain: ["content": .string(few)]))
        #expect(mixed.hits.first?.spans.map(\.text) == ["free", "free", "free", "frее"])
        #expect(set.evaluateNaively(Subject(plain: ["content": .string(many)])) == capped)
    }

    @Test func aCatastrophicPatternErrorsForItsRuleAndTheOthersStillRun() throws {
        let set = try ruleSet([
            // Anchored at the start, so no precheck stands in for it (see the test below).
            rule("c.catastrophic", when: "content: '^(a+)+$'"),
            rule("c.fine", when: "content: needle"),
        ])
        let subject = Subject(plain: ["content": .string(String(repeating: "a", count: 100_000) + "! needle")])
        let clock = ContinuousClock()
        let start = clock.now
        let evaluation = set.evaluate(subject)
        #expect(clock.now - start < .seconds(5), "the limit stops the pattern")
        #expect(evaluation.hits.map(\.rule) == ["c.fine"])
        #expect(evaluation.errors.map(\.rule) == ["c.catastrophic"])
        #expect(evaluation.errors.first?.message.contains("limit") == true)
    }

    /// `(a+)+$` on 100,000 `a`s and a `!` backtracks past PCRE2's limit; its precheck `(a+)$` matches wherever it
    /// does, answers in one pass that it matches nowhere, and the pattern itself never runs. The naive loop still
    /// runs into the limit.
    @Test func aPrecheckAnswersWhereTheLeadingRepeatWouldBacktrackPastTheLimit() throws {
        let set = try ruleSet([rule("c.catastrophic", when: "content: '(a+)+$'"), rule("c.fine", when: "content: needle")])
        let subject = Subject(plain: ["content": .string(String(repeating: "a", count: 100_000) + "! needle")])
        let evaluation = set.evaluate(subject)
        #expect(evaluation.hits.map(\.rule) == ["c.fine"])
        #expect(evaluation.errors.isEmpty)
        #expect(set.evaluateNaively(subject).errors.map(\.rule) == ["c.catastrophic"])
    }

    /// The evasions RULES-FORMAT.md names, each against one plain rule: full-width, Cyrillic and Greek look-alikes,
    /// zero-width joiners, HTML entity tricks, combining marks, bidi controls.
    @Test(arguments: [
        "Ｆｒｅｅ ＢＴＣ", "frее btс", "frεe btc", "f\u{200D}r\u{200B}e\u{2060}e b\u{FEFF}tc", "<p>free&nbsp;b&#116;c</p>",
        "fr&#x65;e b&#x74;c", "f\u{336}r\u{336}e\u{336}e\u{336} btc", "\u{202E}free btc\u{202C}", "FREE\n\n   BTC",
    ])
    func evasionsOfAPlainRuleAreCaught(text: String) throws {
        let set = try ruleSet([rule("e.free-btc", when: #"content: '\bfree btc\b'"#)])
        let subject = Subject(activity: try ActivityStreamsDocument.decode(Data(
            #"{"type": "Note", "id": "https://x.example/1", "content": \#(String(decoding: try JSONEncoder().encode(text), as: UTF8.self))}"#.utf8)),
            now: Date())
        #expect(set.evaluate(subject).hits.map(\.rule) == ["e.free-btc"], "\(text)")
    }

    @Test func rulesWrittenInCyrillicStillMatchCyrillic() throws {
        let set = try ruleSet([rule("ru.scam", when: "content: 'бесплатно'")])
        #expect(hits(set, ["content": "БЕСПЛАТНО!"]) == ["ru.scam"])
        #expect(hits(set, ["content": "besplatno"]) == [])
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
