import AsyncHTTPClient
import Foundation
import Moderation
import NIOHTTP1
import PalisadeTesting
import Synchronization
import Testing

@testable import Federation
@testable import Server

/// Issue 16, item 3: the Mastodon admin-API client connects to the address the instance's host was checked at, never
/// to a second DNS answer (a token sent to an internal address by a rebinding name).
@Suite(.serialized) struct AdminAPIPinningTests {
    /// How often the name was resolved.
    final class Lookups: Sendable {
        let count = Mutex(0)
    }

    /// A policy whose DNS answers `rebind.invalid` with loopback (counted as public) once, then an internal address.
    static func rebindingPolicy(lookups: Lookups) -> AddressPolicy {
        var policy = AddressPolicy(allowPrivateAddresses: false)
        policy.lookup = .init(
            resolve: { name in
                guard name == "rebind.invalid" else { return [] }
                let count = lookups.count.withLock { count in
                    count += 1
                    return count
                }
                return count == 1 ? ["127.0.0.1"] : ["10.0.0.7"]
            },
            isPublic: { $0 == "127.0.0.1" })
        return policy
    }

    static func api(port: Int, policy: AddressPolicy, pinned: PinnedClients) throws -> MastodonAdminAPI {
        let instance = AttachedInstance(
            id: 1, tenantID: 1, domain: try #require(InstanceDomain("rebind.invalid:\(port)")), actorID: "http://rebind.invalid:\(port)/actor",
            webhookSecret: nil, decisionRoute: .none, mastodonAPIToken: "token")
        return try #require(MastodonAdminAPI(instance: instance, token: "token", client: HTTPClient.shared, pinned: pinned, addressPolicy: policy))
    }

    @Test func anAdminCallGoesToTheCheckedAddressAndTheNameIsResolvedOnce() async throws {
        let peer = FixturePeer()
        try await peer.start(documents: [:])
        let lookups = Lookups()
        let pinned = PinnedClients(eventLoopGroup: HTTPClient.shared.eventLoopGroup)
        // Shut down even when an expectation throws (an HTTP client dropped unshut traps).
        do {
            try await Self.callTwice(peer: peer, lookups: lookups, pinned: pinned)
        } catch {
            Issue.record(error)
        }
        await pinned.shutdown()
        await peer.stop()
    }

    static func callTwice(peer: FixturePeer, lookups: Lookups, pinned: PinnedClients) async throws {
        let api = try Self.api(port: peer.port, policy: Self.rebindingPolicy(lookups: lookups), pinned: pinned)
        // `rebind.invalid` resolves nowhere for the system: the call can only arrive by the pinned address.
        let (status, _) = try await api.call(.POST, "/api/v1/admin/accounts/7/action", form: [("type", "suspend")])
        #expect(status == 202)
        let post = try #require(peer.inboxPosts.first)
        #expect(post.path == "/api/v1/admin/accounts/7/action")
        #expect(post.headers.contains { $0.0 == "host" && $0.1.hasPrefix("rebind.invalid") }, "the Host header still names the instance: \(post.headers)")
        #expect(post.headers.contains { $0.0.lowercased() == "authorization" && $0.1 == "Bearer token" })
        #expect(lookups.count.withLock { $0 } == 1, "one resolution per call: the connection never resolves the name again")
        // The next call resolves again and gets the internal address: refused before any connection.
        await #expect(throws: MastodonAdminAPI.Failure.self) {
            _ = try await api.call(.POST, "/api/v1/admin/accounts/8/action", form: [("type", "suspend")])
        }
        #expect(peer.inboxPosts.count == 1, "nothing reached the peer for the refused call")
    }
}
