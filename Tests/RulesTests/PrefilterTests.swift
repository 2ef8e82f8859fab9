import Foundation
import PCRE
import PalisadeTesting
import Testing
@testable import Rules

/// The prefilter: required literals extracted soundly, and evaluation with it giving exactly the naive loop's hits.
@Suite struct PrefilterTests {
    @Test(arguments: [
        (#"\bfree\b"#, ["free"]),
        (#"\b(?:casino|jackpot|lottery)\b"#, ["casino", "jackpot", "lottery"]),
        (#"\bfree\b.{0,40}\b(btc|eth|usdt)\b"#, ["free"]),
        (#"https?://(?:www\.)?casinobonus\.(?:com|net)"#, ["casinobonus.com", "casinobonus.net"]),
        (#"\bad(?:rn)in\b"#, ["adrnin"]),
        (#"\bfr[e3][e3]\b"#, ["free", "fre3", "fr3e", "fr33"]),
        (#"(?<!not )\bscam\b(?=.{0,20}now)"#, ["scam"]),
        (#"spam+"#, ["spam"]),
        (#"\Qa.b\E(?:cd)"#, ["a.bcd"]),
        (#"(?i)viagra"#, ["viagra"]),
    ])
    func requiredLiteralsAreFound(pattern: String, expected: [String]) {
        #expect(RequiredLiterals.factor(of: pattern) == Set(expected), "\(pattern)")
    }

    /// Patterns with no literal every match needs (or one too short to help) always run.
    @Test(arguments: [#"\w+"#, #"a|\d+"#, #"(?:free)?btc?"#, "ab", #"(?x) f r e e"#, #"(?-i)Free"#, "[^abc]+xyz?", #"(a)?(?(1)bcd|efg)"#, "x{2,}y"])
    func patternsWithoutAUsefulFactorAlwaysRun(pattern: String) {
        #expect(RequiredLiterals.factor(of: pattern) == nil, "\(pattern)")
    }

    @Test func theVectorscanDatabaseFindsEachLiteralOnce() throws {
        let prefilter = try #require(LiteralPrefilter(literals: ["free", "btc", "бесплатно", "a.b"]))
        #expect(prefilter.scan("free btc, free btc").sorted() == [0, 1])
        #expect(prefilter.scan("бесплатно axb") == [2])
        #expect(prefilter.scan("a.b") == [3])
        #expect(prefilter.scan("") == [])
    }

    @Test func evaluationWithThePrefilterGivesTheNaiveLoopsHits() throws {
        let directory = try TemporaryDirectory("prefilter")
        defer { directory.remove() }
        let patterns = RulesProbe.patterns
        let text = patterns.enumerated().map { index, pattern in
            "- id: p.r\(index)\n  title: r\(index)\n  when: { content: '\(pattern.replacingOccurrences(of: "'", with: "''"))' }\n  action: { queue: q }\n"
        }.joined()
        _ = try directory.write("rules/all.yml", text)
        let set = try #require(RuleSetLoader.load(directory: directory.path("rules")).ruleSet)
        let matcher = Matcher()
        var hits = 0
        for post in RulesProbe.posts {
            let subject = Subject(kind: .activity, fields: ["type": .text("Create"), "content": .text(post)])
            let engine = set.evaluate(subject, matcher: matcher).hits.map(\.rule)
            let naive = set.evaluateNaively(subject, matcher: matcher).hits.map(\.rule)
            #expect(engine == naive, "\(post)")
            hits += naive.count
        }
        #expect(hits >= 10, "the probe posts do hit")
    }
}

/// Rules and posts where literals, classes, look-alikes and evasions meet.
enum RulesProbe {
    static let patterns = [
        #"\bfree\b"#, #"\bfr[e3][e3]\b"#, #"\b(?:casino|jackpot)\b"#, #"\bfree\b.{0,20}\bbtc\b"#, #"bitcoin\s+giveaway"#,
        #"(?<!not )\bscam\b"#, #"https?://(?:www\.)?casino\.(?:com|net)"#, #"\w+coin"#, #"бесплатно"#, #"免费"#,
        #"\bstra(?:ss|ß)e\b"#, #"\b[A4]DMIN\b"#, #"v[i1]agra"#, #"\d{3,}\s*usdt"#, #"(?i)WINNER"#,
    ]
    static let posts = [
        "FREE BTC now", "Ｆｒｅｅ ｂｔｃ", "fr33 stuff", "frее btс giveaway", "Bitcoin   GIVEAWAY", "not scam", "a scam!",
        "visit https://www.casino.com today", "dogecoin and shitcoin", "БЕСПЛАТНО", "免费 赠送", "Straße", "STRASSE", "4dmin here",
        "v1agra", "500 usdt", "WiNnEr", "nothing to see", "f\u{200B}ree", "fŕéé", "c\u{0430}sino", "jackp0t",
    ]
}
