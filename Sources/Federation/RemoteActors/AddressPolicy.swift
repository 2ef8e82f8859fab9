import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which network addresses Palisade may fetch from: public ones only, unless the operator allows private ones
/// (`federation.allow_private_addresses`, for tests on loopback).
public struct AddressPolicy: Sendable, Equatable {
    /// Whether private, loopback, link-local and other non-public addresses are allowed.
    public var allowPrivateAddresses: Bool

    /// Makes a policy.
    public init(allowPrivateAddresses: Bool) {
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// Resolves `host` and fails when it has no address, or any address that is not public (unless allowed). The
    /// lookup (`getaddrinfo`, which blocks for as long as DNS takes) runs on a thread of its own, never on one of the
    /// few threads every task of the server shares.
    public func check(host: String) async throws(RemoteFetchError) {
        if allowPrivateAddresses { return }
        let addresses = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: Self.resolve(host)) }
        }
        guard !addresses.isEmpty else { throw RemoteFetchError.unresolvable(host: host) }
        if let blocked = addresses.first(where: { !Self.isPublic($0) }) {
            throw RemoteFetchError.privateAddress(host: host, address: blocked)
        }
    }

    /// Whether a textual IPv4 or IPv6 address is publicly routable.
    public static func isPublic(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            let value = UInt32(bigEndian: v4.s_addr)
            let a = value >> 24, b = (value >> 16) & 0xFF
            switch a {
            case 0, 10, 127: return false                       // this network, private, loopback
            case 100 where (64...127).contains(b): return false  // carrier-grade NAT
            case 169 where b == 254: return false                // link-local
            case 172 where (16...31).contains(b): return false   // private
            case 192 where b == 168: return false                // private
            case 192 where b == 0 && ((value >> 8) & 0xFF) == 0: return false  // IETF protocol assignments
            case 198 where b == 18 || b == 19: return false      // benchmarking
            case 224...255: return false                         // multicast, reserved, broadcast
            default: return true
            }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            if bytes.allSatisfy({ $0 == 0 }) { return false }                                 // ::
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return false }        // ::1
            if bytes[0] & 0xFE == 0xFC { return false }                                        // fc00::/7 unique local
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }                    // fe80::/10 link-local
            if bytes[0] == 0xFF { return false }                                               // multicast
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { // ::ffff:a.b.c.d
                return isPublic("\(bytes[12]).\(bytes[13]).\(bytes[14]).\(bytes[15])")
            }
            return true
        }
        return false
    }

    /// Every address `host` resolves to (or `host` itself when it is an address literal).
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
