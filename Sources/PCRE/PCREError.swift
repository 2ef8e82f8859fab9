import CPCRE2

/// Why a pattern did not compile, or a match did not finish.
public enum PCREError: Error, Equatable, CustomStringConvertible {
    /// PCRE2 refused the pattern: its message, and the UTF-8 offset in the pattern where it noticed.
    case compile(message: String, offset: Int)
    /// The match took more backtracking steps than `MatchLimits.matchLimit` allows (a catastrophic pattern).
    case matchLimit
    /// The match nested deeper than `MatchLimits.depthLimit` allows.
    case depthLimit
    /// The match needed more heap than `MatchLimits.heapLimitKiB` allows.
    case heapLimit
    /// The JIT-compiled match ran out of its stack (`MatchLimits.jitStackBytes`).
    case jitStackLimit
    /// Any other failure PCRE2 reports while matching.
    case match(code: Int32, message: String)

    /// A sentence for a policy author.
    public var description: String {
        switch self {
        case .compile(let message, let offset): return "PCRE2: \(message) (at offset \(offset))"
        case .matchLimit: return "PCRE2 match limit exceeded: the pattern backtracks too much on this text"
        case .depthLimit: return "PCRE2 depth limit exceeded: the pattern nests too deeply on this text"
        case .heapLimit: return "PCRE2 heap limit exceeded on this text"
        case .jitStackLimit: return "PCRE2 JIT stack exhausted: the pattern recurses too deeply on this text"
        case .match(let code, let message): return "PCRE2 match error \(code): \(message)"
        }
    }

    /// PCRE2's text for an error code.
    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        guard length > 0 else { return "error \(code)" }
        return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
    }

    /// The error for a negative result of `pcre2_match`.
    static func matching(_ code: Int32) -> PCREError {
        switch code {
        case PCRE2_ERROR_MATCHLIMIT: return .matchLimit
        case PCRE2_ERROR_DEPTHLIMIT: return .depthLimit
        case PCRE2_ERROR_HEAPLIMIT: return .heapLimit
        case PCRE2_ERROR_JIT_STACKLIMIT: return .jitStackLimit
        default: return .match(code: code, message: message(for: code))
        }
    }
}
