/// ASCII characters one of which every match of a pattern contains, read off its superset expression when that is one
/// character or one class of them (`\x{3F}` for `\?\s*$`, `[\x{21}\x{3F}]`): a pattern the prefilter cannot gate (a
/// Vectorscan scan for one character would fire on most texts) is then not run on a text that lacks them all, which
/// one pass over the text's bytes tells for every such pattern at once. Letters are never taken (their case variants
/// include non-ASCII ones, `K` and `ſ`), nor anything outside ASCII.
struct RequiredASCII: Sendable, Equatable {
    /// Bit n of `low` is character n (0–63), of `high` character 64 + n.
    private(set) var low: UInt64 = 0
    private(set) var high: UInt64 = 0

    /// The empty set.
    init() {}

    /// The set `expression` (a superset expression: `\x{H}`, or `[…]` of `\x{H}` and `\x{H}-\x{H}`) stands for; nil
    /// for anything else, a negated class, a letter or a character outside ASCII.
    init?(expression: String) {
        var scalars = Substring(expression)
        func hex() -> UInt32? {
            guard scalars.hasPrefix(#"\x{"#), let close = scalars.firstIndex(of: "}") else { return nil }
            let digits = scalars[scalars.index(scalars.startIndex, offsetBy: 3)..<close]
            scalars = scalars[scalars.index(after: close)...]
            return UInt32(digits, radix: 16)
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
            guard range.upperBound < 0x80 else { return nil }
            for value in range {
                let character = Character(Unicode.Scalar(UInt8(value)))
                guard !character.isLetter else { return nil }
                insert(UInt8(value))
            }
        }
    }

    /// The ASCII characters present in `text`.
    init(presentIn text: String) {
        var (low, high): (UInt64, UInt64) = (0, 0)
        func add(_ byte: UInt8) {
            if byte < 64 { low |= 1 << UInt64(byte) } else if byte < 0x80 { high |= 1 << UInt64(byte - 64) }
        }
        let scanned: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for byte in bytes { add(byte) }
            return true
        }
        if scanned == nil {
            for byte in text.utf8 { add(byte) }
        }
        (self.low, self.high) = (low, high)
    }

    private mutating func insert(_ byte: UInt8) {
        if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
    }

    /// Whether the two sets share a character.
    func intersects(_ other: RequiredASCII) -> Bool {
        low & other.low != 0 || high & other.high != 0
    }
}
