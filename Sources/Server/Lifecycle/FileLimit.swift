import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit: raised to what the system allows at start, and the connection cap kept below it, so
/// that connections can never use up the descriptors the database, logs and outgoing fetches need.
enum FileLimit {
    /// Descriptors kept for everything that is not a client connection.
    static let reserved = 256
    /// The fewest descriptors `serve` starts with: below it the event loops, the database and a handful of
    /// connections cannot all be open (NIO traps when an event loop cannot get its epoll descriptor).
    static let minimum = 128

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit (at most 1,048,576); the soft limit in force afterwards.
    @discardableResult
    static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let wanted = min(limit.rlim_max, 1_048_576)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Raises the soft limit, then refuses to go on below `minimum`.
    static func raiseOrRefuse() throws(FileLimitError) -> Int {
        let limit = raise()
        guard limit >= minimum else { throw .tooLow(limit: limit, minimum: minimum) }
        return limit
    }

    /// The connection cap in force: the configured one, or less when the file limit leaves less room.
    static func connectionCap(configured: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return configured }
        return max(16, min(configured, Int(clamping: limit.rlim_cur) - reserved))
    }
}

/// The open-file limit leaves too little room to serve.
public enum FileLimitError: Error, Equatable, CustomStringConvertible {
    /// The hard limit is below what `serve` needs.
    case tooLow(limit: Int, minimum: Int)

    public var description: String {
        switch self {
        case .tooLow(let limit, let minimum):
            return "the open-file limit is \(limit) descriptors and serve needs at least \(minimum): raise it (ulimit -n, or LimitNOFILE= in the systemd unit)"
        }
    }
}
