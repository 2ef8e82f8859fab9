import PCRE
import Testing
@testable import Rules

/// The evasions normalisation and confusable skeletons defeat (RULES-FORMAT.md, "Normalisation").
@Suite struct NormalisationTests {
    @Test func fullWidthZeroWidthEntitiesAndWhiteSpaceFoldAway() {
        #expect(TextNormalisation.normalise("Ｆｒｅｅ ＢＴＣ") == "free btc")
        #expect(TextNormalisation.normalise("f\u{200B}ree&nbsp;btc", html: true) == "free btc")
        #expect(TextNormalisation.normalise("<p>FREE</p><p>\u{202E}BTC\u{202C}  now</p>", html: true) == "free btc now")
        #expect(TextNormalisation.normalise("  free\t\n\u{3000}btc  ") == "free btc")
        #expect(TextNormalisation.normalise("STRASSE Straße") == "strasse strasse")
        #expect(TextNormalisation.normalise("ﬁnance ①") == "finance 1")
    }

    @Test func combiningMarksComposeAndLookAlikesShareASkeleton() {
        #expect(TextNormalisation.normalise("cafe\u{301}") == "café")
        // Cyrillic е and с, Greek ο and α: the same skeleton as the Latin letters.
        #expect(SkeletonText("frее btс").text == SkeletonText("free btc").text)
        #expect(SkeletonText("gοοgle pαypal").text == SkeletonText("google paypal").text)
        #expect(SkeletonText("free btc").text != SkeletonText("fred btc").text)
    }

    @Test func combiningMarkFloodsAndAccentsDropOutOfTheSkeleton() {
        let free = SkeletonText("free").text
        #expect(SkeletonText(TextNormalisation.normalise("f\u{336}r\u{336}e\u{336}e\u{336}")).text == free)
        #expect(SkeletonText(TextNormalisation.normalise("fŕéé")).text == free)
        #expect(SkeletonText(TextNormalisation.normalise("f\u{300}\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}r\u{307}\u{308}ee")).text == free)
    }

    @Test func skeletonSpansMapBackToTheText() {
        let text = "claim frее btс now"
        let skeleton = SkeletonText(text)
        let matcher = Matcher()
        let pattern = try! Pattern(PatternRewriter.mapLiterals("free btc") { ScalarSkeletons.shared.skeleton(of: $0) })
        let found = try! matcher.matches(of: pattern, in: skeleton.text)
        #expect(found.count == 1)
        let range = skeleton.originalRange(of: found[0].range)
        #expect(String(decoding: Array(text.utf8)[range], as: UTF8.self) == "frее btс")
    }

    /// Skeletons of the Basic Multilingual Plane come from an indexed table, the rest from a map: both give what each
    /// scalar's own skeleton gives, and the anchors still lead back to the right characters.
    @Test func tableAndMapSkeletonsAgreeWithEachScalarsOwn() {
        // Mathematical bold (beyond the BMP), Cyrillic, Greek, full-width, CJK, an emoji, ASCII.
        let text = "\u{1D41F}\u{1D42B}\u{1D41E}\u{1D41E} frее ρayρal ｆｒｅｅ 免费 🎉 ok"
        let skeleton = SkeletonText(text)
        let expected = text.unicodeScalars.map { ScalarSkeletons.shared.skeleton(of: $0) }.joined()
        #expect(skeleton.text == expected)
        #expect(skeleton.text.hasPrefix("free free "))
        let matcher = Matcher()
        let found = try! matcher.matches(of: try! Pattern("free"), in: skeleton.text)
        #expect(found.count == 3)
        let originals = found.map { String(decoding: Array(text.utf8)[skeleton.originalRange(of: $0.range)], as: UTF8.self) }
        #expect(originals == ["\u{1D41F}\u{1D42B}\u{1D41E}\u{1D41E}", "frее", "ｆｒｅｅ"])
        // The same texts again (now from the table and the map) give the same skeleton.
        #expect(SkeletonText(text).text == skeleton.text)
    }

    @Test func patternLiteralsAreRewrittenAndSyntaxIsKept() {
        let upper = { (scalar: Unicode.Scalar) in String(scalar).uppercased() }
        #expect(PatternRewriter.mapLiterals(#"\bfree\s+(btc|eth)\b"#, upper) == #"\bFREE\s+(BTC|ETH)\b"#)
        #expect(PatternRewriter.mapLiterals(#"[a-z]{2,4}x{3}\p{L}(?<coin>btc)(?:eth)(?i)a\Qb.c\E"#, upper)
            == #"[a-z]{2,4}X{3}\p{L}(?<coin>BTC)(?:ETH)(?i)A\Qb.c\E"#)
        // A literal that becomes several characters is grouped, so its quantifier still applies to all of it.
        #expect(PatternRewriter.mapLiterals("ß+", { TextNormalisation.nfkcCasefold(String($0)) }) == "(?:ss)+")
        #expect(PatternRewriter.mapLiterals("a.b", { $0 == "a" ? "." : String($0) }) == #"\..b"#)
        // Escapes keep their digits: `\x20` is a space, not `\x2` and a literal "0" (whose skeleton is "o").
        #expect(PatternRewriter.mapLiterals(#"\x20o\101\cI0"#, { $0 == "0" ? "o" : String($0) }) == #"\x20o\101\cIo"#)
    }

    /// The byte-level white-space folding agrees with the standard library's White_Space table, scalar by scalar.
    @Test func whiteSpaceFoldingAgreesWithUnicodeForEveryScalar() {
        var disagreements: [String] = []
        for value in UInt32(0)..<0x11000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            var text = "a"
            text.unicodeScalars.append(scalar)
            text += "b"
            let expected = scalar.properties.isWhitespace ? "a b" : text
            if TextNormalisation.foldWhiteSpace(text) != expected { disagreements.append(String(value, radix: 16)) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(20))")
        #expect(TextNormalisation.foldWhiteSpace(" \u{3000} a\u{2003}\u{2003}é\t\n ") == "a é")
        #expect(TextNormalisation.foldWhiteSpace("") == "")
    }
}
