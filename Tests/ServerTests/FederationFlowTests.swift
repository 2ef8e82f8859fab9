import ActivityStreams
import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Server
import ServiceLifecycle
import Store
import Testing

/// A remote Mastodon account (real actor document, served on loopback) follows a hosted account, gets its `Accept`,
/// receives its posts and its `Delete`; failed deliveries are retried or drop the follower as the answers say.
@Suite(.serialized) struct FederationFlowTests {
    let bobKey = try! SigningKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem"))
    let bobPEM = try! Fixtures.text("keys/mastodon-remote-domain-bob.public.pem")

    struct Running {
        let live: ServerHarness.Live
        let peer: FixturePeer
        var harness: ServerHarness { live.harness }
        var port: Int { live.port }

        var base: String { harness.configuration.effectiveBaseURL.absoluteString }
        var follower: String { peer.origin + "/users/Gargron" }
    }

    func start() async throws -> Running {
        let peer = FixturePeer()
        try await peer.start(documents: [
            "/users/Gargron": ("activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social", "", bobPEM)
        ])
        let harness = try ServerHarness("federation-flow") { $0.federation.allowPrivateAddresses = true }
        let store = try harness.openStore()
        _ = try await HostedAccounts(
            accounts: store, keys: store, followers: store, baseURL: harness.configuration.effectiveBaseURL, now: { Date() }
        ).create(name: "alice", displayName: "Alice", summary: nil)
        try store.close()
        return Running(live: await harness.startServer(), peer: peer)
    }

    func stop(_ running: Running) async throws {
        try await running.live.stop()
        await running.peer.stop()
    }

    /// A real activity from Pleroma's fixtures, re-addressed: Mastodon's admin becomes the peer's Gargron, lain becomes alice.
    func activity(_ fixture: String, _ running: Running) throws -> Data {
        let text = try Fixtures.text("activitystreams/pleroma/" + fixture)
            .replacingOccurrences(of: "http://mastodon.example.org/users/admin", with: running.follower)
            .replacingOccurrences(of: "http://localtesting.pleroma.lol/users/lain", with: running.base + "/users/alice")
        return Data(text.utf8)
    }

    func deliver(_ body: Data, to path: String, _ running: Running) async throws -> Int {
        var message = HTTPMessage(
            method: "POST", target: path, scheme: "http",
            fields: [.init("Host", "127.0.0.1:\(running.port)"), .init("Content-Type", "application/activity+json")], body: body)
        try MessageSigner(key: bobKey, keyID: running.follower + "#main-key").signCavage(&message, now: Date())
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(running.port)\(path)")
        request.method = .POST
        for field in message.fields where field.name != "Host" { request.headers.add(name: field.name, value: field.value) }
        request.body = .bytes(ByteBuffer(bytes: message.body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        _ = try await response.body.collect(upTo: 1 << 16)
        return Int(response.status.code)
    }

    /// Checks a delivery's draft-cavage signature with alice's public key and its digest.
    func verifyFromAlice(_ post: FixturePeer.Post, _ running: Running) async throws {
        let store = try SQLiteStore(path: running.harness.configuration.databasePath)
        defer { try? store.close() }
        let key = try #require(try await store.key(for: .account("alice")))
        let message = HTTPMessage(
            method: "POST", target: post.path, scheme: "http", fields: post.headers.map { HTTPMessage.Field($0.0, $0.1) }, body: post.body)
        let verifier = SignatureVerifier(policy: .mastodon)
        let candidate = try verifier.candidate(in: message)
        #expect(candidate.keyID == running.base + "/users/alice#main-key")
        _ = try verifier.verify(message, candidate: candidate, key: try VerificationKey(pem: key.keyPair.publicKeyPEM), now: Date())
    }

    func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aFollowIsAcceptedThenPostsAndTheAccountsDeletionAreDelivered() async throws {
        let running = try await start()
        do {
            #expect(try await deliver(try activity("mastodon-follow.json", running), to: "/users/alice/inbox", running) == 202)
            let accept = try #require(try await running.peer.waitForPosts(1).first)
            #expect(accept.path == "/users/Gargron/inbox", "an Accept goes to the follower's own inbox")
            #expect(accept.activityType == "Accept")
            let object = try #require(try json(accept.body)["object"] as? [String: Any])
            #expect(object["id"] as? String == running.follower + "#follows/2")
            try await verifyFromAlice(accept, running)

            let followers = try await LoopbackHTTP.get("http://127.0.0.1:\(running.port)/users/alice/followers?page=1")
            #expect(followers.body.contains(#""orderedItems":["\#(running.follower)"]"#))

            let store = try SQLiteStore(path: running.harness.configuration.databasePath)
            let outbox = Outbox(baseURL: running.harness.configuration.effectiveBaseURL, accounts: store, posts: store, followers: store, now: { Date() })
            let post = try await outbox.post(account: "alice", text: "Hello, fediverse & friends")
            let create = try #require(try await running.peer.waitForPosts(2).last)
            #expect(create.path == "/inbox", "posts go to the follower's shared inbox")
            #expect(create.activityType == "Create")
            #expect(try json(create.body)["id"] as? String == post.activityID)
            try await verifyFromAlice(create, running)
            let note = try await LoopbackHTTP.get(post.id.replacingOccurrences(of: running.base, with: "http://127.0.0.1:\(running.port)"))
            #expect(note.status == 200)
            #expect(note.body.contains(#""content":"<p>Hello, fediverse &amp; friends</p>""#))
            let outboxPage = try await LoopbackHTTP.get("http://127.0.0.1:\(running.port)/users/alice/outbox?page=1")
            #expect(outboxPage.body.contains(post.activityID))

            let queued = try await HostedAccounts(
                accounts: store, keys: store, followers: store, baseURL: running.harness.configuration.effectiveBaseURL, now: { Date() }
            ).delete(name: "alice")
            try store.close()
            #expect(queued == 1)
            let delete = try #require(try await running.peer.waitForPosts(3).last)
            #expect(delete.activityType == "Delete")
            #expect(try json(delete.body)["object"] as? String == running.base + "/users/alice")
        } catch {
            try await stop(running)
            throw error
        }
        try await stop(running)
    }

    @Test func undoRemovesTheFollowerAndFailedDeliveriesAreRetriedOrDropTheFollower() async throws {
        let running = try await start()
        do {
            #expect(try await deliver(try activity("mastodon-follow.json", running), to: "/inbox", running) == 202)
            _ = try await running.peer.waitForPosts(1)
            let store = try SQLiteStore(path: running.harness.configuration.databasePath)
            defer { try? store.close() }
            let outbox = Outbox(baseURL: running.harness.configuration.effectiveBaseURL, accounts: store, posts: store, followers: store, now: { Date() })

            // 503 with Retry-After: 120 → still pending, next attempt two minutes later.
            running.peer.answerNextPosts(with: [503])
            let first = try await outbox.post(account: "alice", text: "one")
            _ = try await running.peer.waitForPosts(2)
            var status = try await waitForAttempt(first.activityID, store)
            #expect(status.state == .pending)
            #expect(status.lastError == "503")
            #expect(status.nextAttemptAt.timeIntervalSinceNow > 100)

            // 410 → dead, and the follower reached through that inbox is removed.
            running.peer.answerNextPosts(with: [410])
            let second = try await outbox.post(account: "alice", text: "two")
            _ = try await running.peer.waitForPosts(3)
            status = try await waitForAttempt(second.activityID, store)
            #expect(status.state == .dead)
            #expect(try await store.followerCount(of: "alice", state: .accepted) == 0)

            // Follow again (a new Follow, so a new id), then Undo it: no follower is left.
            let again = Data(String(decoding: try activity("mastodon-follow.json", running), as: UTF8.self)
                .replacingOccurrences(of: "#follows/2", with: "#follows/3").utf8)
            #expect(try await deliver(again, to: "/inbox", running) == 202)
            _ = try await running.peer.waitForPosts(4)
            #expect(try await store.followerCount(of: "alice", state: .accepted) == 1)
            #expect(try await deliver(try activity("mastodon-undo-follow.json", running), to: "/inbox", running) == 202)
            for _ in 0..<200 where try await store.followerCount(of: "alice", state: .accepted) > 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await store.followerCount(of: "alice", state: .accepted) == 0)
        } catch {
            try await stop(running)
            throw error
        }
        try await stop(running)
    }

    func waitForAttempt(_ activityID: String, _ store: SQLiteStore) async throws -> DeliveryStatus {
        for _ in 0..<250 {
            if let status = try await store.deliveries(of: activityID).first, status.attempts > 0 { return status }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("no attempt was recorded for \(activityID)")
    }
}
