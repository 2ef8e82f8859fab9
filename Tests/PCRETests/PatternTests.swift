import Foundation
import PCRE
import Testing

/// The PCRE2 wrapper against the real libpcre2-8: options, spans, groups, errors and limits.
@Suite struct PatternTests {
    let matcher = Matcher()

    func texts(_ pattern: Pattern, _ text: String) throws -> [String] {
        try matcher.matches(of: pattern, in: text).map { String(decoding: Array(text.utf8)[$0.range], as: UTF8.self) }
    }

    /// One matcher keeps its match data between patterns: a pattern with more groups than any before still gets
    /// every group, and one with fewer gets none of the last pattern's.
    @Test func aMatcherReusedAcrossPatternsKeepsGroupsApart() throws {
        let many = try Pattern(String(repeating: #"(\w)"#, count: 20))
        let one = try Pattern(#"(b)(x)?"#)
        let none = try Pattern("c")
        let reused = Matcher()
        #expect(try reused.firstMatch(of: none, in: "abc")?.groups == [])
        let twenty = try #require(try reused.firstMatch(of: many, in: String(repeating: "z", count: 20)))
        #expect(twenty.groups.count == 20 && twenty.groups.allSatisfy { $0 != nil })
        #expect(try reused.firstMatch(of: one, in: "abc")?.groups == [1..<2, nil])
        #expect(try reused.matches(of: none, in: "cc c").map(\.range) == [0..<1, 1..<2, 3..<4])
    }

    /// Each thread has its own matcher, the same on every call there.
    @Test func eachThreadHasItsOwnMatcher() async throws {
        let here = ObjectIdentifier(Matcher.forCurrentThread)
        #expect(ObjectIdentifier(Matcher.forCurrentThread) == here)
        let other = Thread.detachedIdentity { ObjectIdentifier(Matcher.forCurrentThread) }
        #expect(other != here)
    }

    @Test func caselessByDefaultAndCaseSensitiveWhenAsked() throws {
        #expect(try texts(Pattern("free btc"), "FREE BTC now, free btc later") == ["FREE BTC", "free btc"])
        #expect(try texts(Pattern("free btc", options: []), "FREE BTC now, free btc later") == ["free btc"])
    }

    @Test func unicodePropertiesAndWordBoundariesWorkBeyondASCII() throws {
        // UCP: \w and \b know Cyrillic and Greek letters; caseless folding works on them too.
        #expect(try texts(Pattern(#"\bпривет\b"#), "Привет, мир! приветствую") == ["Привет"])
        #expect(try texts(Pattern(#"\w+"#), "αβγ δέλτα") == ["αβγ", "δέλτα"])
        #expect(try texts(Pattern(#"\p{Han}+"#), "免费 BTC 赠送") == ["免费", "赠送"])
    }

    @Test func spansAreUTF8OffsetsAndGroupsIncludeNamedOnes() throws {
        let pattern = try Pattern(#"(?<coin>btc|eth)(x)?"#)
        #expect(pattern.groupNames == ["coin": 1])
        #expect(pattern.captureCount == 2)
        let found = try matcher.matches(of: pattern, in: "€5 in ETH")
        #expect(found == [PatternMatch(range: 8..<11, groups: [8..<11, nil])], "€ is three bytes")
    }

    @Test func multilineAnchorsAndEmptyMatchesAdvance() throws {
        #expect(try texts(Pattern("^spam$", options: [.caseless, .multiline]), "ham\nSPAM\nspam") == ["SPAM", "spam"])
        #expect(try texts(Pattern("^spam$"), "ham\nspam") == [])
        // An empty match must not loop: one per position, stepping over multi-byte characters.
        #expect(try matcher.matches(of: Pattern("x*"), in: "aé").map(\.range) == [0..<0, 1..<1, 3..<3])
        #expect(try matcher.matches(of: Pattern(""), in: "") == [PatternMatch(range: 0..<0, groups: [])])
    }

    @Test func literalPatternsHaveNoMetacharacters() throws {
        #expect(try texts(Pattern("a.b (c)", options: [.caseless, .literal]), "axb (c) a.b (C)") == ["a.b (C)"])
    }

    @Test func compileErrorsCarryPCRE2sMessageAndOffset() {
        #expect(throws: PCREError.compile(message: "missing closing parenthesis", offset: 11)) { try Pattern(#"(free|btc\b"#) }
        #expect(throws: PCREError.compile(message: "quantifier does not follow a repeatable item", offset: 0)) { try Pattern("*spam") }
        #expect(throws: PCREError.compile(message: "reference to non-existent subpattern", offset: 4)) { try Pattern(#"(a)\2"#) }
    }

    @Test func aCatastrophicPatternEndsWithALimitErrorNotAHang() throws {
        let pattern = try Pattern("(a+)+$")
        let text = String(repeating: "a", count: 40) + "!"
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: PCREError.matchLimit) { try matcher.matches(of: pattern, in: text) }
        #expect(clock.now - start < .seconds(1), "the limit stops it early")
        // A small limit stops it sooner; ordinary text still matches under it.
        var tight = MatchLimits()
        tight.matchLimit = 10_000
        #expect(throws: PCREError.matchLimit) { try Matcher(limits: tight).matches(of: pattern, in: text) }
        #expect(try Matcher(limits: tight).matches(of: pattern, in: "aaaa").count == 1)
    }

    @Test func aDeepRecursionEndsWithAnErrorOnTheInterpreterToo() throws {
        var limits = MatchLimits()
        limits.depthLimit = 50
        limits.jitStackBytes = 32 * 1024
        let nested = try Pattern(#"(\((?:[^()]|(?1))*\))"#)
        let text = String(repeating: "(", count: 20_000) + String(repeating: ")", count: 20_000)
        do {
            _ = try Matcher(limits: limits).matches(of: nested, in: text)
            Issue.record("expected a limit error")
        } catch {
            #expect([PCREError.jitStackLimit, .depthLimit, .heapLimit, .matchLimit].contains(error), "\(error)")
        }
    }

    @Test func aPatternIsSharedAcrossThreadsEachWithItsOwnMatcher() async throws {
        let pattern = try Pattern(#"\b(free|giveaway)\b.{0,40}\b(btc|eth)\b"#)
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let matcher = Matcher()
                    var count = 0
                    for index in 0..<500 where try matcher.contains(pattern, in: "post \(index): FREE giveaway of BTC") { count += 1 }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(counts == 4_000)
    }
}

extension Thread {
    /// What `body` returns on a new thread, waited for.
    static func detachedIdentity(_ body: @escaping @Sendable () -> ObjectIdentifier) -> ObjectIdentifier {
        let result = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            result.value = body()
            done.signal()
        }
        thread.start()
        done.wait()
        return result.value!
    }
}

final class ResultBox: @unchecked Sendable {
    var value: ObjectIdentifier?
}
