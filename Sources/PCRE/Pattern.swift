import CPCRE2

/// How a pattern is compiled, beyond UTF and Unicode properties (UCP), which are always on.
public struct PatternOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32

    /// Makes options from PCRE2's compile flags.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Letters match either case (Unicode case folding).
    public static let caseless = PatternOptions(rawValue: UInt32(PCRE2_CASELESS))
    /// `^` and `$` match at line breaks too.
    public static let multiline = PatternOptions(rawValue: UInt32(PCRE2_MULTILINE))
    /// The pattern is a literal string: no metacharacters.
    public static let literal = PatternOptions(rawValue: UInt32(PCRE2_LITERAL))
}

/// A compiled PCRE2 pattern (UTF-8, UTF + UCP, JIT-compiled where the platform allows). Immutable after
/// compilation, so one value serves every thread; matching needs a `Matcher`, which is per thread.
public final class Pattern: @unchecked Sendable {
    let code: OpaquePointer
    /// The pattern as written.
    public let source: String
    /// The options it was compiled with.
    public let options: PatternOptions
    /// Capturing groups in the pattern.
    public let captureCount: Int
    /// Named groups and their numbers.
    public let groupNames: [String: Int]
    /// Whether PCRE2's JIT compiled it (otherwise the interpreter runs it).
    public let isJITCompiled: Bool

    /// Compiles `source`; a syntax error throws `PCREError.compile` with PCRE2's message and the offset (in UTF-8
    /// bytes) where it noticed it.
    public init(_ source: String, options: PatternOptions = [.caseless]) throws(PCREError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        // A literal has no classes or boundaries for UCP to change, and PCRE2 refuses UCP beside LITERAL.
        let unicode = options.contains(.literal) ? UInt32(PCRE2_UTF) : UInt32(PCRE2_UTF) | UInt32(PCRE2_UCP)
        let flags = options.subtracting(options.contains(.literal) ? .multiline : []).rawValue | unicode
        var text = source
        let compiled = text.withUTF8 { bytes -> OpaquePointer? in
            // PCRE2 10.42 refuses a NULL pattern even with length 0: give it a real (empty) buffer.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { buffer in
                _ = buffer.initialize(from: bytes)
                return pcre2_compile_8(buffer.baseAddress, bytes.count, flags, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw PCREError.compile(message: PCREError.message(for: errorCode), offset: errorOffset)
        }
        code = compiled
        self.source = source
        self.options = options
        isJITCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
        var captures: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        captureCount = Int(captures)
        groupNames = Self.readNameTable(compiled)
    }

    deinit {
        pcre2_code_free_8(code)
    }

    /// The name table: entries of a big-endian group number followed by the NUL-terminated name.
    private static func readNameTable(_ code: OpaquePointer) -> [String: Int] {
        var count: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &count)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard let table, count > 0 else { return [:] }
        var names: [String: Int] = [:]
        for index in 0..<Int(count) {
            let entry = table + index * Int(entrySize)
            let number = Int(entry[0]) << 8 | Int(entry[1])
            names[String(cString: entry + 2)] = number
        }
        return names
    }
}
