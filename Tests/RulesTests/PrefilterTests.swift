import Foundation
import PCRE
import PalisadeTesting
import Testing
@testable import Rules

/// The prefilter: required literals extracted soundly, and evaluation with it giving exactly the naive loop's hits.
@Suite struct PrefilterTests {
    @Test(arguments: [
        (#"\bfree\b"#, ["free"]),
        // Issue 17: the digits of `\x20` are part of the escape, not a literal "20" every match needs.
        (#"\x20stuff"#, ["stuff"]),
        (#"\x2c\x20spam\cI"#, ["spam"]),
        (#"\b(?:casino|jackpot|lottery)\b"#, ["casino", "jackpot", "lottery"]),
        (#"\bfree\b.{0,40}\b(btc|eth|usdt)\b"#, ["free"]),
        (#"https?://(?:www\.)?casinobonus\.(?:com|net)"#, ["casinobonus.com", "casinobonus.net"]),
        (#"\bad(?:rn)in\b"#, ["adrnin"]),
        (#"\bfr[e3][e3]\b"#, ["free", "fre3", "fr3e", "fr33"]),
        (#"(?<!not )\bscam\b(?=.{0,20}now)"#, ["scam"]),
        (#"spam+"#, ["spam"]),
        (#"\Qa.b\E(?:cd)"#, ["a.bcd"]),
        (#"(?i)viagra"#, ["viagra"]),
        // Of two literals as long, the one ordinary posts do not carry: every link has `http`.
        (#"https?://[^\s/]+/\S*pump"#, ["pump"]),
        (#"pump\S*https?://"#, ["pump"]),
        // Length still comes first below four bytes: `http` filters better than `btc`.
        (#"https?://[^\s/]+/\S*btc"#, ["http"]),
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
        let prefilter = Prefilter(gates: ["free", "btc", "бесплатно", "a.b"].map(PrefilterGate.literal))
        #expect(prefilter.refused.isEmpty)
        #expect(prefilter.scan("free btc, free btc").sorted() == [0, 1])
        #expect(prefilter.scan("бесплатно axb") == [2])
        #expect(prefilter.scan("a.b") == [3])
        #expect(prefilter.scan("") == [])
    }

    /// A second load of the same rules reads the compiled databases from the cache and evaluates alike; a damaged
    /// file is compiled again and rewritten, never trusted.
    @Test func theCacheServesAnUnchangedSetAndRecompilesADamagedFile() throws {
        let directory = try TemporaryDirectory("prefilter-cache")
        defer { directory.remove() }
        let patterns = RulesProbe.patterns + (0..<60).map { #"\bp+r+[e3]+[s5$]+\#($0)\b"# }
        let text = patterns.enumerated().map { index, pattern in
            "- id: p.r\(index)\n  title: r\(index)\n  when: { content: '\(pattern.replacingOccurrences(of: "'", with: "''"))' }\n  action: { queue: q }\n"
        }.joined()
        _ = try directory.write("rules/all.yml", text)
        let cache = PrefilterCache(directory: directory.path("cache"))
        let first = try #require(RuleSetLoader.load(directory: directory.path("rules"), cache: cache).ruleSet)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.directory).filter { $0.hasSuffix(".hsdb") }.sorted()
        #expect(files.count >= 3, "a literal database and expression shards: \(files)")
        let written = try files.map { try FileManager.default.attributesOfItem(atPath: cache.directory + "/" + $0)[.size] as? Int }
        // A file no load has used for the retention period (a set long gone) is removed by the next load.
        let stale = cache.directory + "/" + String(repeating: "0", count: 64) + ".hsdb"
        try Data("old".utf8).write(to: URL(fileURLWithPath: stale))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-31 * 24 * 3600)], ofItemAtPath: stale)
        // Damage one file: the next load must not trust it.
        try Data("palisade-prefilter-1\n\u{0}\u{0}\u{0}\u{0}garbage".utf8).write(to: URL(fileURLWithPath: cache.directory + "/" + files[0]))
        let second = try #require(RuleSetLoader.load(directory: directory.path("rules"), cache: cache).ruleSet)
        #expect(second.version == first.version)
        let rewritten = try files.map { try FileManager.default.attributesOfItem(atPath: cache.directory + "/" + $0)[.size] as? Int }
        #expect(rewritten == written, "the damaged file was compiled again and rewritten")
        #expect(!FileManager.default.fileExists(atPath: stale), "unused for 31 days: pruned")
        let matcher = Matcher()
        for post in RulesProbe.posts + ["pr3ss7 now", "preeesss12"] {
            let subject = Subject(kind: .activity, fields: ["type": .text("Create"), "content": .text(post)])
            #expect(second.evaluate(subject, matcher: matcher) == first.evaluate(subject, matcher: matcher), "\(post)")
            #expect(second.evaluate(subject, matcher: matcher).hits.map(\.rule) == first.evaluateNaively(subject, matcher: matcher).hits.map(\.rule))
        }
    }

    /// Debian's Vectorscan 5.4.9 AVX-512 scanner finds no `w[ij]n` in 79 `a`s and " win", nor `w[iı]n` in a post
    /// like this one: the prefilter scans with the SSE4.2 scanner where the CPU has one (CVectorscan's shim).
    @Test func theAVX512ScannerIsNotTrusted() throws {
        let long = String(repeating: "a", count: 79) + " win"
        #expect(Prefilter(gates: [.expression("w[ij]n", literals: 2)], keepingNoisyGates: true).scan(long) == [0])
        #expect(Prefilter(gates: [.expression(#"w[i\x{131}]n"#, literals: 2)], keepingNoisyGates: true).scan("s_c-a.m https://x.example/a/ 555 123 4567 ffrreeee १२३४५६७ spam win") == [0])
    }

    /// Its AVX2 scanner finds no `ok` at the end of a text of 18 to 34 bytes when `#a+b` shares the database (the
    /// property tests' `9c__a__s__i__n__oK` missed rules `ok` and `\x{6f}k`): every such length, and random texts of
    /// that shape, against PCRE2.
    @Test func theAVX2ScannerIsNotTrusted() throws {
        let prefilter = Prefilter(gates: [.expression("ok", literals: 2), .expression("#a+b", literals: 2)], keepingNoisyGates: true)
        for length in 0...64 {
            let text = String(repeating: "x", count: length) + "ok"
            #expect(prefilter.scan(text) == [0], "\(text)")
        }
        #expect(prefilter.scan("9c__a__s__i__n__ok") == [0])
        var random = SeededGenerator(seed: 18)
        let letters = Array("abc9_ #xyz")
        let ok = try Pattern("ok")
        let hashtag = try Pattern("#a+b")
        for _ in 0..<5_000 {
            let text = String((0..<random.below(60)).map { _ in random.pick(letters) }) + random.pick(["ok", "o", "k", ""])
            var expected: [Int] = []
            if try Matcher().firstMatch(of: ok, in: text) != nil { expected.append(0) }
            if try Matcher().firstMatch(of: hashtag, in: text) != nil { expected.append(1) }
            #expect(prefilter.scan(text).sorted() == expected, "\(text)")
        }
    }

    /// An expression Vectorscan will not compile (one matching the empty text, a broken one) is refused alone: its
    /// pattern always runs, and the other expressions of its shard still filter.
    @Test func aRefusedExpressionLeavesItsShardWorking() throws {
        let prefilter = Prefilter(gates: [.expression("a*", literals: 0), .expression("free", literals: 4), .expression("(unclosed", literals: 8), .literal("crypto")])
        #expect(prefilter.refused == [0, 2])
        #expect(prefilter.scan("free crypto").sorted() == [1, 3])
        #expect(prefilter.scan("nothing here") == [])
    }

    /// Vectorscan 5.4.9 with `HS_FLAG_SINGLEMATCH` finds no `x` in this 65-byte text (nor in about 0.8 % of texts
    /// longer than 64 bytes): the prefilter must not use it, or a rule would silently miss posts.
    @Test func singleMatchIsNotTrusted() throws {
        let text = "атно, δωρεάν, σοφόσ, free, @bob, ssoocciiaall, eex"
        #expect(Prefilter(gates: [.expression("x", literals: 1)], keepingNoisyGates: true).scan(text) == [0])
        #expect(Prefilter(gates: [.literal("x"), .literal("free")]).scan(text).sorted() == [0, 1])
    }

    /// A text that makes the gates fire at every byte costs a bounded number of callbacks: past the budget every
    /// pattern runs (as with no prefilter), so nothing is missed and nothing is quadratic.
    @Test func aTextOfMatchesEverywhereLetsEveryPatternRun() throws {
        let gates = (0..<50).map { PrefilterGate.expression("a{1,\($0 + 1)}", literals: 3) } + [.literal("zzz")]
        let prefilter = Prefilter(gates: gates, keepingNoisyGates: true)
        #expect(prefilter.refused.isEmpty)
        #expect(prefilter.scan(String(repeating: "a", count: 10_000)).count == gates.count)
        #expect(prefilter.scan("a b").count == 50)
        // Suspects (few literals) report once per scan: the same gates cost 50 callbacks, under the budget, and the
        // literal that is not in the text does not fire.
        let suspects = (0..<50).map { PrefilterGate.expression("a{1,\($0 + 1)}", literals: 0) } + [.literal("zzz")]
        #expect(Prefilter(gates: suspects, keepingNoisyGates: true).scan(String(repeating: "a", count: 10_000)).sorted() == Array(0..<50))
    }

    /// A gate that fires all over ordinary text (`[a-z]+[a-z]` matches at nearly every letter) filters nothing and
    /// costs a callback per match: it is refused, so its pattern always runs, and the shard's other gates still filter.
    @Test func aGateThatFiresAllOverOrdinaryTextIsRefused() throws {
        let gates: [PrefilterGate] = [.expression("[a-z]+[a-z]", literals: 0), .expression("casino", literals: 6), .expression(#"\s[a-z]"#, literals: 0)]
        let prefilter = Prefilter(gates: gates)
        #expect(prefilter.refused == [0, 2])
        #expect(prefilter.scan("visit the casino") == [1])
        #expect(prefilter.scan("nothing here") == [])
        let kept = Prefilter(gates: gates, keepingNoisyGates: true)
        #expect(kept.refused.isEmpty)
        #expect(kept.scan("visit the casino").sorted() == [0, 1, 2])
    }

    /// A cached database without its noisy gates is not served to a prefilter that keeps them, nor the other way round.
    @Test func theCacheKeepsDatabasesWithAndWithoutNoisyGatesApart() throws {
        let directory = try TemporaryDirectory("prefilter-noisy-cache")
        defer { directory.remove() }
        let cache = PrefilterCache(directory: directory.path("cache"))
        let gates: [PrefilterGate] = [.expression("[a-z]+[a-z]", literals: 0), .expression("casino", literals: 6)]
        #expect(Prefilter(gates: gates, cache: cache).refused == [0])
        #expect(Prefilter(gates: gates, cache: cache, keepingNoisyGates: true).refused.isEmpty)
        #expect(Prefilter(gates: gates, cache: cache).refused == [0])
    }

    /// A gate that is rare in ordinary text stays, even with few literal characters (`\d{5}`, a long run of digits).
    @Test func aRareGateWithFewLiteralsIsKept() throws {
        let prefilter = Prefilter(gates: [.expression(#"[0-9]{6}"#, literals: 0), .expression("ab", literals: 2)])
        #expect(prefilter.refused.isEmpty)
        #expect(prefilter.scan("call 5551234") == [0])
    }

    /// A gate scoped to the text is not looked for in a skeleton, and the other way round; gates of both scopes are
    /// looked for everywhere.
    @Test func scopedGatesAreLookedForOnlyInTheirTexts() throws {
        let gates: [PrefilterGate] = [.expression("casino", literals: 6), .expression("jackpot", literals: 7), .expression("lottery", literals: 7), .literal("bonus")]
        let prefilter = Prefilter(gates: gates, scopes: [.text, .skeleton, .both, .text])
        let text = "casino jackpot lottery bonus"
        #expect(prefilter.scan(text, for: .text).sorted() == [0, 2, 3])
        #expect(prefilter.scan(text, for: .skeleton).sorted() == [1, 2, 3])
        #expect(prefilter.scan(text, for: .both).sorted() == [0, 1, 2, 3])
    }

    /// Rules whose gates are noisy run on every post, and evaluation still gives the naive loop's hits.
    @Test func rulesWithNoisyGatesStillGiveTheNaiveLoopsHits() throws {
        let directory = try TemporaryDirectory("prefilter-noisy")
        defer { directory.remove() }
        let patterns = [#"[a-z]+\s+[a-z]+"#, #"(?:,[^,]+){3}"#, #"\bcasino\b"#, #"[a-z]{4,}\d"#]
        let text = patterns.enumerated().map { index, pattern in
            "- id: n.r\(index)\n  title: r\(index)\n  when: { content: '\(pattern)' }\n  action: { queue: q }\n"
        }.joined()
        _ = try directory.write("rules/all.yml", text)
        let set = try #require(RuleSetLoader.load(directory: directory.path("rules")).ruleSet)
        #expect(set.alwaysEvaluatedCount >= 1, "the noisy word-pair gate is refused")
        let matcher = Matcher()
        var hits = 0
        for post in RulesProbe.posts + ["a, b, c, d", "casino night", "abcd1 x", "one two"] {
            let subject = Subject(kind: .activity, fields: ["type": .text("Create"), "content": .text(post)])
            let naive = set.evaluateNaively(subject, matcher: matcher).hits.map(\.rule)
            #expect(set.evaluate(subject, matcher: matcher).hits.map(\.rule) == naive, "\(post)")
            hits += naive.count
        }
        #expect(hits >= 8)
    }

    /// Issue 17: a pattern the prefilter cannot gate, but whose every match has one of a few ASCII characters
    /// (`\?\s*$`, `!`, `[;%]`), does not run on a text without them; look-alikes reach it through the skeleton, and
    /// the hits stay the naive loop's.
    @Test func anUngatedPatternSkipsTextsWithoutItsCharacters() throws {
        #expect(RequiredASCII(expression: #"\x{3F}"#) != nil)
        #expect(RequiredASCII(expression: #"[\x{21}\x{3B}-\x{3F}]"#) != nil)
        #expect(RequiredASCII(expression: #"[^\x{3F}]"#) == nil, "a negated class")
        #expect(RequiredASCII(expression: #"\x{3F}\x{3F}"#) == nil, "two items")
        let question = RequiredASCII(expression: #"\x{3F}"#)!
        #expect(RequiredASCII(presentIn: "why? 漢字").intersects(question))
        #expect(!RequiredASCII(presentIn: "no question here ～").intersects(question))
        // A letter: its caseless variants include K (U+212A) and ſ, so any text beyond ASCII may hold one.
        let k = RequiredASCII(expression: #"\x{6B}"#)!
        #expect(RequiredASCII(presentIn: "OK").intersects(k) && RequiredASCII(presentIn: "\u{212A}").intersects(k))
        #expect(!RequiredASCII(presentIn: "no such letter").intersects(k))
        // Digits as UCP has them, three at least: ASCII digits, or any text beyond ASCII.
        #expect(RequiredASCII(expression: #"[\d\x{660}]"#) == nil, "a class escape is not read")
        let digitsHex = RequiredASCII(expression: #"[0-9\x{660}-\x{669}]{3}"#)!
        #expect(digitsHex == RequiredASCII(expression: #"[\x{30}-\x{39}\x{660}-\x{669}]"#))
        #expect(RequiredASCII(presentIn: "call 555").intersects(digitsHex))
        #expect(RequiredASCII(presentIn: "٣٣٣").intersects(digitsHex))
        #expect(!RequiredASCII(presentIn: "no digits at all").intersects(digitsHex))
        // A range over ſ (U+017F) matches s caselessly: an ASCII "scam" may match `[t-б]`.
        let range = RequiredASCII(expression: #"[\x{74}-\x{431}]"#)!
        #expect(RequiredASCII(presentIn: "scam").intersects(range))

        let directory = try TemporaryDirectory("prefilter-required-ascii")
        defer { directory.remove() }
        let patterns = [#"\?\s*$"#, "!", "[;%]", #"\d{7,}"#, ".", "[k]", #"[\x00-\x08\x7f-\xff]"#]
        let text = patterns.enumerated().map { index, pattern in
            "- id: a.r\(index)\n  title: r\(index)\n  when: { content: '\(pattern)' }\n  action: { queue: q }\n"
        }.joined()
        _ = try directory.write("rules/all.yml", text)
        let set = try #require(RuleSetLoader.load(directory: directory.path("rules")).ruleSet)
        #expect(set.alwaysEvaluatedCount == patterns.count, "none of these has a gate")
        // The characters are read off each pattern at compile time (else the skip never happens); `.` needs any.
        func required(_ id: String) -> RequiredASCII? {
            guard case .patterns(_, let compiled, _)? = set.rules.first(where: { $0.definition.id == id })?.condition else { return nil }
            return compiled.first?.requiredASCII.text
        }
        #expect(required("a.r0") == question, "\\?\\s*$ needs a ?")
        #expect(required("a.r2") == RequiredASCII(expression: "[;%]"))
        #expect(required("a.r3") != nil, "\\d{7,} needs a digit")
        let matcher = Matcher()
        var hits: Set<String> = []
        for post in [
            "why?", "why ？", "no question", "wow!", "click ǃ here", "50% off", "a;b", "call 5551234567", "call ٥٥٥١٢٣٤٥٦٧", "plain words", "",
            "ok", "\u{212A}elvin", "bell\u{7}", "café",
        ] {
            let subject = Subject(kind: .activity, fields: ["type": .text("Create"), "content": .text(post)])
            let engine = set.evaluate(subject, matcher: matcher).hits.map(\.rule)
            let naive = set.evaluateNaively(subject, matcher: matcher).hits.map(\.rule)
            #expect(engine == naive, "\(post)")
            hits.formUnion(naive.map { "\($0) \(post)" })
        }
        #expect(hits.contains("a.r0 why ？"), "the full-width question mark is normalised to ?")
        #expect(hits.contains("a.r1 click ǃ here"), "the look-alike of ! is found through the skeleton")
        #expect(!hits.contains("a.r0 no question"))
        #expect(hits.contains("a.r3 call ٥٥٥١٢٣٤٥٦٧"), "digits beyond ASCII")
        #expect(hits.contains("a.r5 \u{212A}elvin"), "the Kelvin sign is a caseless k")
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
