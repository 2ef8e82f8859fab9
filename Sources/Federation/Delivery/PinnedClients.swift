import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// HTTP clients that connect a host's requests to one checked address (`dnsOverride`): a delivery resolves the inbox's
/// host once, checks every address, and is sent to the checked one, so a second DNS answer (rebinding to an internal
/// address) is never used. One client per host and address keeps its connection pool; clients unused for a while are
/// shut down when there are more than `capacity`.
public final class PinnedClients: Sendable {
    private struct Entry {
        let client: HTTPClient
        var lastUsed: Date
    }

    private let eventLoopGroup: any EventLoopGroup
    private let capacity: Int
    private let idle: TimeInterval
    private let entries = NIOLockedValueBox([String: Entry]())

    /// Clients on `eventLoopGroup`, about `capacity` of them at once; one idle for `idle` seconds may be shut down.
    public init(eventLoopGroup: any EventLoopGroup, capacity: Int = 64, idle: TimeInterval = 120) {
        self.eventLoopGroup = eventLoopGroup
        self.capacity = capacity
        self.idle = idle
    }

    /// The client for a request to `host` (brackets allowed): checks every address `host` resolves to against `policy`
    /// and answers a client pinned to a checked one, or `shared` when nothing was resolved (private addresses allowed,
    /// or `host` is an address literal). The request must be sent through the answer, never resolved again.
    public func client(for host: String, policy: AddressPolicy, shared: HTTPClient) async throws(RemoteFetchError) -> HTTPClient {
        let checked = try await policy.checkedAddresses(host: host)
        let bare = AddressPolicy.bareHost(host)
        guard let address = checked.first, !AddressPolicy.isAddressLiteral(bare) else { return shared }
        return client(host: bare, address: address)
    }

    /// The client that sends requests for `host` to `address`.
    func client(host: String, address: String, now: Date = Date()) -> HTTPClient {
        let key = host.lowercased() + "|" + address
        var retired: [HTTPClient] = []
        let client = entries.withLockedValue { entries -> HTTPClient in
            if var entry = entries[key] {
                entry.lastUsed = now
                entries[key] = entry
                return entry.client
            }
            let client = Self.makeClient(host: host, address: address, eventLoopGroup: eventLoopGroup)
            entries[key] = Entry(client: client, lastUsed: now)
            if entries.count > capacity {
                for (staleKey, entry) in entries where staleKey != key && now.timeIntervalSince(entry.lastUsed) > idle {
                    entries[staleKey] = nil
                    retired.append(entry.client)
                }
            }
            return client
        }
        for old in retired { Task { try? await old.shutdown() } }
        return client
    }

    /// A client (redirects off) that connects requests for `host` to `address`; TLS still verifies `host`.
    static func makeClient(host: String, address: String, eventLoopGroup: any EventLoopGroup, timeout: TimeAmount? = nil) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        // Both spellings (assigned, not a literal: a lower-case host would be a duplicate key).
        configuration.dnsOverride[host] = address
        configuration.dnsOverride[host.lowercased()] = address
        if let timeout { configuration.timeout = .init(connect: timeout, read: timeout) }
        return HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    }

    /// Shuts every client down (at the end of the service).
    public func shutdown() async {
        let all = entries.withLockedValue { entries -> [HTTPClient] in
            defer { entries = [:] }
            return entries.values.map(\.client)
        }
        for client in all { try? await client.shutdown() }
    }
}
