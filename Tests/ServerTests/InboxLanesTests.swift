import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import Moderation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Server
import Store
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, item 5: one slow server cannot stall everyone. Flags naming statuses on a server that accepts connections
/// and never answers used to hold the single in-order inbox worker for their whole fetch timeouts, so an unrelated
/// Follow waited 30 s for its Accept; actors are now processed concurrently, each in its own order.
@Suite(.serialized) struct InboxLanesTests {
    let bobKey = try! SigningKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem"))
    let bobPEM = try! Fixtures.text("keys/mastodon-remote-domain-bob.public.pem")

    /// A listening socket that never accepts: connections are made and requests never answered.
    final class BlackHole {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.descriptor = descriptor
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(descriptor, 64) == 0 else {
                close(descriptor)
                throw HarnessError("black hole: \(errno)")
            }
            var actual = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
            port = Int(UInt16(bigEndian: actual.sin_port))
        }

        deinit { close(descriptor) }
    }

    func deliver(_ json: String, keyID: String, path: String, port: Int) async throws -> Int {
        var message = HTTPMessage(
            method: "POST", target: path, scheme: "http",
            fields: [.init("Host", "127.0.0.1:\(port)"), .init("Content-Type", "application/activity+json")], body: Data(json.utf8))
        try MessageSigner(key: bobKey, keyID: keyID).signCavage(&message, now: Date())
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        for field in message.fields where field.name != "Host" { request.headers.add(name: field.name, value: field.value) }
        request.body = .bytes(ByteBuffer(bytes: message.body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        _ = try await response.body.collect(upTo: 1 << 16)
        return Int(response.status.code)
    }

    @Test func flagsWaitingOnASilentServerDoNotDelayAnotherActorsFollow() async throws {
        let hole = try BlackHole()
        let peer = FixturePeer()
        try await peer.start(documents: [
            "/users/Gargron": ("activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social", "", bobPEM),
            "/actor": ("activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social/users/Gargron", "/actor", bobPEM),
        ])
        let harness = try ServerHarness("inbox-lanes") { $0.federation.allowPrivateAddresses = true }
        let store = try harness.openStore()
        let base = harness.configuration.effectiveBaseURL
        _ = try await HostedAccounts(accounts: store, keys: store, followers: store, baseURL: base, now: { Date() })
            .create(name: "alice", displayName: "Alice", summary: nil)
        let tenant = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: Date())
        _ = try await store.attach(
            AttachedInstance(
                id: 0, tenantID: tenant.id, domain: InstanceDomain("127.0.0.1:\(peer.port)")!, actorID: peer.origin + "/actor", webhookSecret: nil,
                decisionRoute: .none),
            by: "operator", at: Date())
        try store.close()
        let live = await harness.startServer()
        let silent = "http://127.0.0.1:\(hole.port)/users/spammer"
        for index in 1...3 {
            let flag = """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "\(peer.origin)/flags/\(index)", "type": "Flag",
                 "actor": "\(peer.origin)/actor", "content": "spam", "object": ["\(silent)", "\(silent)/statuses/\(index)"]}
                """
            #expect(try await deliver(flag, keyID: peer.origin + "/actor#main-key", path: "/inbox", port: live.port) == 202)
        }
        let follower = peer.origin + "/users/Gargron"
        let follow = """
            {"@context": "https://www.w3.org/ns/activitystreams", "id": "\(follower)#follows/1", "type": "Follow",
             "actor": "\(follower)", "object": "\(base.absoluteString)/users/alice"}
            """
        let sent = Date()
        #expect(try await deliver(follow, keyID: follower + "#main-key", path: "/users/alice/inbox", port: live.port) == 202)
        let accept = try #require(try await peer.waitForPosts(1, seconds: 30).first)
        let waited = Date().timeIntervalSince(sent)
        #expect(accept.activityType == "Accept")
        #expect(waited < 5, "the Follow's Accept waited \(waited) s behind Flags of another actor")
        try await live.stop()
        await peer.stop()
    }
}
