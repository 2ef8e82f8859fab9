import ActivityStreams
import CICU
import Synchronization

/// What pattern conditions see (RULES-FORMAT.md, "Normalisation"): HTML stripped with entities decoded, NFKC with
/// case folding and default-ignorable characters (zero-width, bidi controls) removed, white space folded; and the
/// confusable skeleton of that (Unicode TS #39, ICU's data) for the second chance every pattern gets.
public enum TextNormalisation {
    /// The normalised form of a field's text; `html` first turns markup into text.
    public static func normalise(_ text: String, html: Bool = false) -> String {
        let plain = html ? HTMLText.plainText(text) : text
        return foldWhiteSpace(nfkcCasefold(plain))
    }

    /// NFKC_Casefold (ICU): compatibility forms, full case folding, default ignorables removed.
    public static func nfkcCasefold(_ text: String) -> String {
        transform(text, palisade_nfkc_casefold)
    }

    /// The TS #39 confusable skeleton (ICU's uspoof): "frее" (Cyrillic е) and "free" have the same one.
    public static func skeleton(_ text: String) -> String {
        transform(text, palisade_confusable_skeleton)
    }

    /// Runs of white space (any Unicode space, tab or line break) become one space; none at either end.
    public static func foldWhiteSpace(_ text: String) -> String {
        var input = text
        return input.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var pendingSpace = false
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                let end = min(bytes.count, index + length)
                if isWhiteSpace(bytes, index, end) {
                    pendingSpace = !output.isEmpty
                } else {
                    if pendingSpace { output.append(0x20) }
                    pendingSpace = false
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                }
                index = end
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Whether the UTF-8 scalar at `start..<end` has Unicode's White_Space property (its 25 members, checked
    /// against the standard library's table by a test).
    private static func isWhiteSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let lead = bytes[start]
        if lead < 0x80 { return lead == 0x20 || (0x09...0x0D).contains(lead) }
        switch end - start {
        case 2: return lead == 0xC2 && (bytes[start + 1] == 0x85 || bytes[start + 1] == 0xA0)
        case 3:
            let value = (UInt32(lead & 0x0F) << 12) | (UInt32(bytes[start + 1] & 0x3F) << 6) | UInt32(bytes[start + 2] & 0x3F)
            return (value == 0x1680 || value == 0x3000 || (0x2000...0x205F).contains(value)) && whiteSpaceAbove0x7FF.contains(value)
        default: return false
        }
    }

    /// The White_Space characters from U+0800 up (all below U+10000).
    static let whiteSpaceAbove0x7FF: Set<UInt32> = [0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]

    private static func transform(_ text: String, _ function: (UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<CChar>?, Int32) -> Int32) -> String {
        guard !text.isEmpty else { return text }
        var input = text
        return input.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { source -> String in
                var capacity = Int32(bytes.count * 2 + 16)
                while true {
                    let result = withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(capacity)) { buffer -> (Int32, String?) in
                        let written = function(source.baseAddress, Int32(source.count), buffer.baseAddress, capacity)
                        guard written >= 0, written <= capacity else { return (written, nil) }
                        let output = UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(written))
                        return (written, String(decoding: output, as: UTF8.self))
                    }
                    if let string = result.1 { return string }
                    // ICU failing on valid UTF-8 is not expected; the text is then used as it is.
                    guard result.0 > capacity else { return text }
                    capacity = result.0 + 1
                }
            }
        }
    }
}

/// A text's confusable skeleton with the way back: which byte of the text each part of the skeleton came from,
/// so a match found in the skeleton is reported on the text the moderator reads.
public struct SkeletonText: Sendable {
    /// The skeleton.
    public let text: String
    /// For each scalar of the original text, in order: (its UTF-8 offset in the skeleton, its UTF-8 offset in the text).
    private let anchors: [(skeleton: Int, original: Int)]
    private let originalLength: Int

    /// The skeleton of `original`, one scalar at a time (TS #39 maps characters independently), built in one byte
    /// buffer: ASCII from a table, other scalars from the shared cache under one lock for the whole text.
    public init(_ original: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(original.utf8.count + 16)
        var anchors: [(skeleton: Int, original: Int)] = []
        anchors.reserveCapacity(original.utf8.count)
        var offset = 0
        let skeletons = ScalarSkeletons.shared
        let isASCII = original.utf8.allSatisfy { $0 < 0x80 }
        if isASCII {
            for byte in original.utf8 {
                anchors.append((bytes.count, offset))
                bytes += skeletons.ascii[Int(byte)]
                offset += 1
            }
        } else {
            offset = skeletons.appendSkeletons(of: original, to: &bytes, anchors: &anchors)
        }
        self.text = String(decoding: bytes, as: UTF8.self)
        self.anchors = anchors
        originalLength = offset
    }

    /// The range of the original text that produced `range` of the skeleton.
    public func originalRange(of range: Range<Int>) -> Range<Int> {
        func original(atOrBefore offset: Int) -> Int {
            var low = 0
            var high = anchors.count - 1
            var found = 0
            while low <= high {
                let middle = (low + high) / 2
                if anchors[middle].skeleton <= offset {
                    found = anchors[middle].original
                    low = middle + 1
                } else {
                    high = middle - 1
                }
            }
            return found
        }
        func original(atOrAfter offset: Int) -> Int {
            var low = 0
            var high = anchors.count
            while low < high {
                let middle = (low + high) / 2
                if anchors[middle].skeleton < offset { low = middle + 1 } else { high = middle }
            }
            return low < anchors.count ? anchors[low].original : originalLength
        }
        guard !anchors.isEmpty else { return 0..<0 }
        let lower = original(atOrBefore: range.lowerBound)
        return lower..<max(lower, original(atOrAfter: range.upperBound))
    }
}

/// Skeletons of single scalars, computed by ICU once each and kept (texts reuse few characters).
final class ScalarSkeletons: Sendable {
    /// A skeleton (decomposed, as ICU returns it) without its combining marks, case-folded. Combining marks carry no
    /// shape of their own in a skeleton: accents, strike-throughs and "zalgo" floods added to dodge a word (f̶r̶e̶e̶,
    /// fŕéé) drop out; the pattern on the normalised text still sees them.
    static func folded(_ skeleton: String) -> String {
        let unmarked = String(String.UnicodeScalarView(skeleton.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }))
        return TextNormalisation.nfkcCasefold(unmarked)
    }

    static let shared = ScalarSkeletons()
    /// The UTF-8 of each ASCII scalar's skeleton.
    let ascii: [[UInt8]]
    private let cache = Mutex(Cache())

    /// Skeletons computed so far. Those of the Basic Multilingual Plane are found by index, without hashing or an
    /// array per scalar: `bmp[scalar]` is the skeleton's offset in `bytes` times 256 plus its length (`unknown`: not
    /// computed yet). The rest are kept by scalar.
    private struct Cache: ~Copyable {
        static let unknown = UInt32.max
        var bmp = [UInt32](repeating: unknown, count: 0x10000)
        var bytes: [UInt8] = []
        var astral: [Unicode.Scalar: [UInt8]] = [:]

        /// Where `scalar`'s skeleton is in `bytes`, computing it on first use.
        mutating func entry(_ scalar: Unicode.Scalar) -> (offset: Int, length: Int) {
            let known = bmp[Int(scalar.value)]
            if known != Self.unknown { return (Int(known >> 8), Int(known & 0xFF)) }
            var computed = Array(ScalarSkeletons.computed(scalar).utf8)
            // A skeleton is a few characters; one longer than an entry holds (none in Unicode 15) stays the scalar.
            if computed.count > 0xFF { computed = Array(String(scalar).utf8) }
            let offset = bytes.count
            bytes += computed
            bmp[Int(scalar.value)] = UInt32(offset) << 8 | UInt32(computed.count)
            return (offset, computed.count)
        }

        /// `scalar`'s skeleton appended to `output`.
        mutating func append(_ scalar: Unicode.Scalar, to output: inout [UInt8], ascii: [[UInt8]]) {
            if scalar.value < 0x80 {
                output += ascii[Int(scalar.value)]
            } else if scalar.value < 0x10000 {
                let (offset, length) = entry(scalar)
                bytes.withUnsafeBufferPointer { output.append(contentsOf: UnsafeBufferPointer(rebasing: $0[offset..<offset + length])) }
            } else if let found = astral[scalar] {
                output += found
            } else {
                let computed = Array(ScalarSkeletons.computed(scalar).utf8)
                astral[scalar] = computed
                output += computed
            }
        }
    }

    private init() {
        ascii = (0..<128).map { Array(Self.folded(TextNormalisation.skeleton(String(Unicode.Scalar(UInt8($0))))).utf8) }
    }

    /// Appends the skeleton of each of `text`'s scalars to `output`, with an anchor per scalar (its offsets in the
    /// skeleton and in `text`), under one lock; returns `text`'s length in UTF-8.
    func appendSkeletons(of text: String, to output: inout [UInt8], anchors: inout [(skeleton: Int, original: Int)]) -> Int {
        cache.withLock { cache in
            var offset = 0
            for scalar in text.unicodeScalars {
                anchors.append((output.count, offset))
                cache.append(scalar, to: &output, ascii: ascii)
                offset += UTF8.width(scalar)
            }
            return offset
        }
    }

    /// The skeleton of a (case-folded) scalar, case-folded again. Text is folded before its skeleton is taken, and
    /// some lower-case letters have no Latin look-alike where their capitals do (Cyrillic т, Greek β): those take
    /// their capital's skeleton when it is ASCII.
    func skeleton(of scalar: Unicode.Scalar) -> String {
        cache.withLock { cache in
            var output: [UInt8] = []
            cache.append(scalar, to: &output, ascii: ascii)
            return String(decoding: output, as: UTF8.self)
        }
    }

    fileprivate static func computed(_ scalar: Unicode.Scalar) -> String {
        var computed = Self.folded(TextNormalisation.skeleton(String(scalar)))
        if !computed.unicodeScalars.allSatisfy(\.isASCII) {
            let capital = Self.folded(TextNormalisation.skeleton(String(scalar).uppercased()))
            if !capital.isEmpty, capital.unicodeScalars.allSatisfy(\.isASCII) { computed = capital }
        }
        return computed
    }
}
