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
    /// Where names are resolved and which addresses count as public: DNS and the IANA registries, unless a test
    /// stands in for the network (a name that resolves to loopback, counted as public, to prove a connection is pinned).
    var lookup = Lookup.system

    /// Name resolution and the public-address test, replaceable together in tests.
    struct Lookup: Sendable {
        let resolve: @Sendable (String) -> [String]
        let isPublic: @Sendable (String) -> Bool

        static let system = Lookup(resolve: AddressPolicy.resolve, isPublic: AddressPolicy.isPublic)
    }

    /// Makes a policy.
    public init(allowPrivateAddresses: Bool) {
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// Policies are equal when they allow the same addresses.
    public static func == (lhs: AddressPolicy, rhs: AddressPolicy) -> Bool {
        lhs.allowPrivateAddresses == rhs.allowPrivateAddresses
    }

    /// The addresses `host` resolves to (itself for an address literal, brackets allowed), all of them public unless
    /// private ones are allowed; empty when private addresses are allowed (nothing was resolved: connect by name). A
    /// caller that connects must connect to one of these, never resolve again (a second answer may differ). Fails when
    /// `host` has no address, or any that is not public. The lookup (`getaddrinfo`, which blocks for as long as DNS
    /// takes) runs on a thread of its own, never on one of the few threads every task of the server shares.
    public func checkedAddresses(host: String) async throws(RemoteFetchError) -> [String] {
        if allowPrivateAddresses { return [] }
        let bare = Self.bareHost(host)
        if Self.isAddressLiteral(bare) {
            guard lookup.isPublic(bare) else { throw RemoteFetchError.privateAddress(host: host, address: bare) }
            return [bare]
        }
        let resolve = lookup.resolve
        let addresses = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: resolve(bare)) }
        }
        guard !addresses.isEmpty else { throw RemoteFetchError.unresolvable(host: host) }
        if let blocked = addresses.first(where: { !lookup.isPublic($0) }) {
            throw RemoteFetchError.privateAddress(host: host, address: blocked)
        }
        return addresses
    }

    /// `host` without the brackets of an IPv6 literal (`[::1]` → `::1`).
    public static func bareHost(_ host: String) -> String {
        if host.hasPrefix("["), host.hasSuffix("]") { return String(host.dropFirst().dropLast()) }
        return host
    }

    /// Whether `host` is an IPv4 or IPv6 address rather than a name.
    public static func isAddressLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// Whether a textual IPv4 or IPv6 address is publicly routable: not in any special-purpose range of the IANA
    /// registries (private, loopback, link-local, CGNAT, documentation, benchmarking, multicast, reserved, broadcast;
    /// for IPv6 also every range that embeds or translates to an IPv4 address — mapped, compatible, NAT64, 6to4,
    /// Teredo — and unique-local and site-local). Only IPv6 global unicast (`2000::/3`) can be public.
    public static func isPublic(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return isPublicV4(UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            return isPublicV6(bytes)
        }
        return false
    }

    static func isPublicV4(_ value: UInt32) -> Bool {
        let a = value >> 24, b = (value >> 16) & 0xFF, c = (value >> 8) & 0xFF
        switch a {
        case 0, 10, 127: return false                                // this network, private, loopback
        case 100 where (64...127).contains(b): return false           // carrier-grade NAT (100.64/10)
        case 169 where b == 254: return false                         // link-local
        case 172 where (16...31).contains(b): return false            // private
        case 192 where b == 168: return false                         // private
        case 192 where b == 0 && (c == 0 || c == 2): return false     // IETF protocol assignments, TEST-NET-1
        case 192 where b == 88 && c == 99: return false               // 6to4 relay anycast
        case 198 where b == 18 || b == 19: return false               // benchmarking
        case 198 where b == 51 && c == 100: return false              // TEST-NET-2
        case 203 where b == 0 && c == 113: return false               // TEST-NET-3
        case 224...255: return false                                  // multicast, reserved, broadcast
        default: return true
        }
    }

    static func isPublicV6(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 16, bytes[0] & 0xE0 == 0x20 else { return false }  // only 2000::/3 is global unicast
        let word0 = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let word1 = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        if word0 == 0x2002 { return false }                                     // 6to4 (2002::/16)
        if word0 == 0x2001 {
            if word1 == 0x0000 { return false }                                 // Teredo (2001::/32)
            if word1 == 0x0db8 { return false }                                 // documentation (2001:db8::/32)
            if word1 & 0xFE00 == 0x0000 { return false }                        // IETF protocol assignments (2001::/23)
        }
        if word0 == 0x3FFF && word1 & 0xF000 == 0 { return false }                // documentation (3fff::/20)
        return true
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
