import CPCRE2
#if canImport(Glibc)
import Glibc
#endif

/// Bounds on one match, so that a catastrophic pattern ends with an error instead of a stall.
public struct MatchLimits: Sendable, Equatable {
    /// Backtracking steps per match attempt (PCRE2's match limit; the JIT counts its own way).
    public var matchLimit: UInt32 = 1_000_000
    /// Nesting depth of backtracking (interpreter only).
    public var depthLimit: UInt32 = 10_000
    /// Heap the interpreter may use for backtracking, in KiB.
    public var heapLimitKiB: UInt32 = 20_000
    /// The JIT's stack, in bytes.
    public var jitStackBytes = 512 * 1024

    /// The defaults.
    public init() {}
}

/// Where in the text a pattern matched: byte ranges in the text's UTF-8.
public struct PatternMatch: Sendable, Equatable {
    /// The whole match.
    public let range: Range<Int>
    /// Each capturing group's range, nil when the group took no part (index 0 is group 1).
    public let groups: [Range<Int>?]

    /// Makes a match value.
    public init(range: Range<Int>, groups: [Range<Int>?]) {
        self.range = range
        self.groups = groups
    }
}

/// Runs patterns with a match context (limits) and its own JIT stack. Not thread-safe: one per thread or task.
public final class Matcher {
    private let context: OpaquePointer
    private let jitStack: OpaquePointer?
    /// Match data kept between matches (re-made larger when a pattern has more groups): one allocation per matcher,
    /// not per match.
    private var matchData: OpaquePointer?
    private var matchDataPairs = 0
    /// The limits every match runs under.
    public let limits: MatchLimits

    /// A matcher with `limits`.
    public init(limits: MatchLimits = MatchLimits()) {
        self.limits = limits
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, max(32 * 1024, limits.jitStackBytes), nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        if let matchData { pcre2_match_data_free_8(matchData) }
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        pcre2_match_context_free_8(context)
    }

    /// The first match of `pattern` in `text`, or nil.
    public func firstMatch(of pattern: Pattern, in text: String) throws(PCREError) -> PatternMatch? {
        try matches(of: pattern, in: text, maximum: 1).first
    }

    /// Whether `pattern` matches anywhere in `text`.
    public func contains(_ pattern: Pattern, in text: String) throws(PCREError) -> Bool {
        // One match attempt, nothing collected (a precheck runs on most candidates).
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(PCREError) -> Bool in
                guard let subject = bytes.baseAddress else { return try firstMatch(of: pattern, in: "") != nil }
                let data = try preparedMatchData(pairs: pattern.captureCount + 1)
                let code = pcre2_match_8(pattern.code, subject, bytes.count, 0, UInt32(PCRE2_NO_UTF_CHECK), data, context)
                if code == PCRE2_ERROR_NOMATCH { return false }
                if code < 0 { throw PCREError.matching(code) }
                return true
            }
        }
        return try result.get()
    }

    /// Every non-overlapping match of `pattern` in `text`, left to right, at most `maximum`.
    public func matches(of pattern: Pattern, in text: String, maximum: Int = .max) throws(PCREError) -> [PatternMatch] {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(PCREError) -> [PatternMatch] in try matches(of: pattern, in: bytes, maximum: maximum) }
        }
        return try result.get()
    }

    /// Every non-overlapping match of `pattern` in the UTF-8 `bytes` (which must be valid UTF-8).
    public func matches(of pattern: Pattern, in bytes: UnsafeBufferPointer<UInt8>, maximum: Int = .max) throws(PCREError) -> [PatternMatch] {
        guard let subject = bytes.baseAddress else {
            // A valid empty String may have no buffer; PCRE2 needs a pointer all the same.
            let one: [UInt8] = [0]
            let result = one.withUnsafeBufferPointer { buffer in
                Result { () throws(PCREError) -> [PatternMatch] in
                    try matches(of: pattern, in: UnsafeBufferPointer(start: buffer.baseAddress, count: 0), maximum: maximum)
                }
            }
            return try result.get()
        }
        let data = try preparedMatchData(pairs: pattern.captureCount + 1)
        let length = bytes.count
        let unset = palisade_pcre2_unset()
        var found: [PatternMatch] = []
        var start = 0
        var options = UInt32(PCRE2_NO_UTF_CHECK)
        while found.count < maximum, start <= length {
            let result = pcre2_match_8(pattern.code, subject, length, start, options, data, context)
            if result == PCRE2_ERROR_NOMATCH {
                // After an empty match, retry one character further on; otherwise there is nothing more.
                guard options & UInt32(PCRE2_NOTEMPTY_ATSTART) != 0, start < length else { break }
                start = Self.nextCharacter(after: start, in: bytes)
                options = UInt32(PCRE2_NO_UTF_CHECK)
                continue
            }
            if result < 0 { throw PCREError.matching(result) }
            let ovector = pcre2_get_ovector_pointer_8(data)!
            let range = Int(ovector[0])..<Int(ovector[1])
            var groups: [Range<Int>?] = []
            if pattern.captureCount > 0 {
                groups.reserveCapacity(pattern.captureCount)
                for group in 1...pattern.captureCount {
                    let (lower, upper) = (ovector[2 * group], ovector[2 * group + 1])
                    groups.append(lower == unset || group >= Int(result) ? nil : Int(lower)..<Int(upper))
                }
            }
            found.append(PatternMatch(range: range, groups: groups))
            start = range.upperBound
            options = UInt32(PCRE2_NO_UTF_CHECK) | (range.isEmpty ? UInt32(PCRE2_NOTEMPTY_ATSTART) | UInt32(PCRE2_ANCHORED) : 0)
        }
        return found
    }

    /// The thread's match data, grown to hold `pairs` offset pairs.
    private func preparedMatchData(pairs: Int) throws(PCREError) -> OpaquePointer {
        if matchData == nil || matchDataPairs < pairs {
            if let matchData { pcre2_match_data_free_8(matchData) }
            matchData = pcre2_match_data_create_8(UInt32(max(pairs, 16)), nil)
            matchDataPairs = matchData == nil ? 0 : max(pairs, 16)
        }
        guard let data = matchData else { throw PCREError.match(code: 0, message: "out of memory for match data") }
        return data
    }

    /// The offset of the character after the one starting at `offset`.
    private static func nextCharacter(after offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var next = offset + 1
        while next < bytes.count, bytes[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}

extension Matcher {
    /// The calling thread's matcher of the default limits, made on its first use there. A matcher is not
    /// thread-safe, so each thread has its own; a synchronous evaluation stays on one thread and may use it.
    public static var forCurrentThread: Matcher {
        if let existing = pthread_getspecific(threadKey) { return Unmanaged<Matcher>.fromOpaque(existing).takeUnretainedValue() }
        let matcher = Matcher()
        pthread_setspecific(threadKey, Unmanaged.passRetained(matcher).toOpaque())
        return matcher
    }

    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<Matcher>.fromOpaque(pointer).release() }
        }
        return key
    }()
}
