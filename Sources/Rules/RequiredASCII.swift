/// Characters one of which every match of a pattern contains, read off its superset expression when that is one
/// character or one class of them, maybe repeated (`\x{3F}` for `\?\s*$`, `[0-9\x{660}-…]{3}` for `\d{7,}`): a pattern
/// the prefilter cannot gate (a Vectorscan scan for one class would fire on most texts) is then not run on a text
/// that has none of them, which one pass over the text's bytes tells for every such pattern at once. Exact for ASCII;
/// any character outside ASCII in the class (or an ASCII letter, whose caseless variants include `K` and `ſ`) makes
/// every text with a byte outside ASCII count as having one, and `ſ` or `K` in the class stand for `s` or `k`.
struct RequiredASCII: Sendable, Equatable {
    /// Bit n of `low` is character n (0–63), of `high` character 64 + n.
    private(set) var low: UInt64 = 0
    private(set) var high: UInt64 = 0
    /// Characters outside ASCII: in a required set, some may match; in a text's set, some are there.
    private(set) var beyondASCII = false

    /// The set `expression` (a superset expression: one character, or `[…]` of characters and ranges, either maybe with
    /// `{n}` after it) stands for; nil for anything else or a negated class.
    init?(expression: String) {
        var scalars = Substring(expression)
        // A count after the one item (`[…]{3}`): every match still has one of its characters.
        if scalars.hasSuffix("}"), let open = scalars.lastIndex(of: "{"), open > scalars.startIndex,
            scalars[scalars.index(before: open)] != "x", scalars[scalars.index(after: open)..<scalars.index(before: scalars.endIndex)].allSatisfy(\.isNumber)
        {
            scalars = scalars[..<open]
        }
        // One character: `\x{H}`, an escaped punctuation character (`\-`), or a plain one (`0` in `0-9`); nil for a
        // class escape (`\d`) or anything else.
        func hex() -> UInt32? {
            if scalars.hasPrefix(#"\x{"#) {
                guard let close = scalars.firstIndex(of: "}") else { return nil }
                let digits = scalars[scalars.index(scalars.startIndex, offsetBy: 3)..<close]
                scalars = scalars[scalars.index(after: close)...]
                return UInt32(digits, radix: 16)
            }
            guard var character = scalars.first else { return nil }
            if character == "\\" {
                scalars = scalars.dropFirst()
                guard let escaped = scalars.first, !escaped.isLetter, !escaped.isNumber else { return nil }
                character = escaped
            } else if "[]^".contains(character) {
                return nil
            }
            scalars = scalars.dropFirst()
            guard character.unicodeScalars.count == 1 else { return nil }
            return character.unicodeScalars.first!.value
        }
        var ranges: [ClosedRange<UInt32>] = []
        if scalars.hasPrefix("[") {
            guard scalars.hasSuffix("]"), !scalars.hasPrefix("[^") else { return nil }
            scalars = scalars.dropFirst().dropLast()
            while !scalars.isEmpty {
                guard let lower = hex() else { return nil }
                var upper = lower
                if scalars.hasPrefix("-") {
                    scalars = scalars.dropFirst()
                    guard let end = hex(), end >= lower else { return nil }
                    upper = end
                }
                ranges.append(lower...upper)
            }
        } else {
            guard let only = hex(), scalars.isEmpty else { return nil }
            ranges = [only...only]
        }
        guard !ranges.isEmpty else { return nil }
        for range in ranges {
            if range.upperBound >= 0x80 { beyondASCII = true }
            // Characters beyond ASCII that PCRE2 matches caselessly with ASCII letters: ſ with s, the Kelvin sign with
            // k (and, to be safe, the dotted and dotless i with i).
            for (scalar, letter) in [(0x17F, "s"), (0x212A, "k"), (0x130, "i"), (0x131, "i")] as [(UInt32, Character)] where range.contains(scalar) {
                let byte = letter.asciiValue!
                insert(byte)
                insert(byte ^ 0x20)
            }
            guard range.lowerBound < 0x80 else { continue }
            for value in range.lowerBound...min(range.upperBound, 0x7F) {
                let byte = UInt8(value)
                insert(byte)
                if Character(Unicode.Scalar(byte)).isLetter {
                    // Caseless: both cases, and the variants outside ASCII.
                    insert(byte ^ 0x20)
                    beyondASCII = true
                }
            }
        }
    }

    /// The characters present in `text`: its ASCII ones, and whether it has any other.
    init(presentIn text: String) {
        var (low, high, beyond): (UInt64, UInt64, Bool) = (0, 0, false)
        func add(_ byte: UInt8) {
            if byte < 64 { low |= 1 << UInt64(byte) } else if byte < 0x80 { high |= 1 << UInt64(byte - 64) } else { beyond = true }
        }
        let scanned: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for byte in bytes { add(byte) }
            return true
        }
        if scanned == nil {
            for byte in text.utf8 { add(byte) }
        }
        (self.low, self.high, self.beyondASCII) = (low, high, beyond)
    }

    private mutating func insert(_ byte: UInt8) {
        if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
    }

    /// Whether the two sets may share a character (characters outside ASCII on both sides count as shared).
    func intersects(_ other: RequiredASCII) -> Bool {
        low & other.low != 0 || high & other.high != 0 || (beyondASCII && other.beyondASCII)
    }
}
