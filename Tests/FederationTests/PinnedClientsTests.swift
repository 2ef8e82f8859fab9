import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Testing

@testable import Federation

/// Issue 16, item 3: a delivery connects to the address its host was checked at, never to a second DNS answer.
@Suite(.serialized) struct PinnedClientsTests {
    @Test func aPinnedClientConnectsToTheCheckedAddressWithoutResolvingTheName() async throws {
        let peer = FixturePeer()
        try await peer.start(documents: [:])
        let pinned = PinnedClients(eventLoopGroup: HTTPClient.shared.eventLoopGroup)
        // `inbox.invalid` resolves nowhere: the request can only arrive because the connection goes to the pinned address.
        let client = pinned.client(host: "inbox.invalid", address: "127.0.0.1")
        var request = HTTPClientRequest(url: "http://inbox.invalid:\(peer.port)/inbox")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "{}"))
        let response = try await client.execute(request, timeout: .seconds(10))
        #expect(response.status.code == 202)
        _ = try await response.body.collect(upTo: 1 << 16)
        let post = try #require(peer.inboxPosts.first)
        #expect(post.headers.contains { $0.0 == "host" && $0.1.hasPrefix("inbox.invalid") }, "the Host header still names the host: \(post.headers)")
        #expect(pinned.client(host: "INBOX.invalid", address: "127.0.0.1") === client, "one client per host and address keeps its pool")
        // The one-off client a key fetch makes is built the same way (a lower-case host once crashed it: duplicate keys).
        let single = PinnedClients.makeClient(host: "key.invalid", address: "127.0.0.1", eventLoopGroup: HTTPClient.shared.eventLoopGroup, timeout: .seconds(5))
        let answer = try await single.execute(HTTPClientRequest(url: "http://key.invalid:\(peer.port)/missing"), timeout: .seconds(10))
        #expect(answer.status.code == 404)
        _ = try await answer.body.collect(upTo: 1 << 16)
        try await single.shutdown()
        await pinned.shutdown()
        await peer.stop()
    }
}
