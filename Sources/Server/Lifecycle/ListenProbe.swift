import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks, before `serve` opens the database or makes a key, that the listen address can be bound: a port in use or
/// a host that is not this machine's is named plainly, not reported later as a library error after migrations ran.
enum ListenProbe {
    /// Binds (and closes) a socket on every address `listen` resolves to; throws the first failure.
    static func check(_ listen: ListenAddress) throws(ListenError) {
        guard listen.port != 0 else { return }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(listen.host, String(listen.port), &hints, &found)
        guard resolved == 0, let first = found else {
            throw .unresolvable(listen, detail: String(cString: gai_strerror(resolved)))
        }
        defer { freeaddrinfo(first) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if descriptor >= 0 {
                // As the server binds: SO_REUSEADDR, so a port left in TIME_WAIT is not "in use"; one listening is.
                var on: Int32 = 1
                setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
                let bound = bind(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen)
                let failure = errno
                close(descriptor)
                if bound != 0 {
                    switch failure {
                    case EADDRINUSE: throw .inUse(listen)
                    case EACCES: throw .notPermitted(listen)
                    case EADDRNOTAVAIL: throw .notLocal(listen)
                    default: throw .failed(listen, detail: String(cString: strerror(failure)))
                    }
                }
            }
            entry = address.pointee.ai_next
        }
    }
}

/// The listen address cannot be bound.
public enum ListenError: Error, Equatable, CustomStringConvertible {
    /// Another process listens there.
    case inUse(ListenAddress)
    /// A port below 1024 without the privilege to bind it.
    case notPermitted(ListenAddress)
    /// The host is not an address of this machine.
    case notLocal(ListenAddress)
    /// The host name does not resolve.
    case unresolvable(ListenAddress, detail: String)
    /// Anything else `bind` said.
    case failed(ListenAddress, detail: String)

    public var description: String {
        switch self {
        case .inUse(let address): return "cannot listen on \(address): address in use (another process listens there; stop it or set listen)"
        case .notPermitted(let address): return "cannot listen on \(address): permission denied (ports below 1024 need privileges; use a higher port behind a proxy)"
        case .notLocal(let address): return "cannot listen on \(address): \(address.host) is not an address of this machine"
        case .unresolvable(let address, let detail): return "cannot listen on \(address): \(address.host) does not resolve (\(detail))"
        case .failed(let address, let detail): return "cannot listen on \(address): \(detail)"
        }
    }
}
