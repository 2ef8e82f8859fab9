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

/// `POST /inbox` end to end: a real remote actor on loopback, a signed Flag from it, the durable row.
@Suite(.serialized) struct InboxTests {
    let bobKey = try! SigningKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem"))
    let bobPEM = try! Fixtures.text("keys/mastodon-remote-domain-bob.public.pem")

    struct Running {
        let live: ServerHarness.Live
        let peer: FixturePeer
        var harness: ServerHarness { live.harness }
        var port: Int { live.port }
    }

    func start() async throws -> Running {
        let peer = FixturePeer()
        try await peer.start(documents: [
            "/actor": ("activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social/users/Gargron", "/actor", bobPEM)
        ])
        let harness = try ServerHarness("inbox") { $0.federation.allowPrivateAddresses = true }
        return Running(live: await harness.startServer(), peer: peer)
    }

    /// Stops the server and returns what is still unprocessed in its inbox.
    func stop(_ running: Running) async throws -> [InboxEntry] {
        try await running.live.stop()
        await running.peer.stop()
        let store = try SQLiteStore(path: running.harness.configuration.databasePath)
        defer { try? store.close() }
        return try await store.unprocessed(limit: 100)
    }

    /// Mastodon's forwarded-report shape, from the peer's instance actor.
    func flag(_ running: Running) throws -> Data {
        let text = try Fixtures.text("activitystreams/gotosocial/captured-flags/mastodon-flag-account-and-status.json")
        return Data(text.replacingOccurrences(of: "https://example.org", with: running.peer.origin).utf8)
    }

    func post(_ body: Data, to running: Running, sign: Bool = true, contentType: String = "application/activity+json",
              tamper: ((inout HTTPMessage) -> Void)? = nil) async throws -> (Int, String) {
        var message = HTTPMessage(
            method: "POST", target: "/inbox", scheme: "http",
            fields: [.init("Host", "127.0.0.1:\(running.port)"), .init("Content-Type", contentType)], body: body)
        if sign { try MessageSigner(key: bobKey, keyID: running.peer.origin + "/actor#main-key").signCavage(&message, now: Date()) }
        tamper?(&message)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(running.port)/inbox")
        request.method = .POST
        for field in message.fields where field.name != "Host" { request.headers.add(name: field.name, value: field.value) }
        request.body = .bytes(ByteBuffer(bytes: message.body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 16)))
    }

    @Test func aSignedFlagIsStoredOnceAndAcknowledgedWith202() async throws {
        let running = try await start()
        let body = try flag(running)
        let (status, _) = try await post(body, to: running)
        let (replayStatus, _) = try await post(body, to: running)
        // The worker hands the Flag on to moderation while the server runs.
        let reader = try SQLiteStore(path: running.harness.configuration.databasePath)
        var flags: [ReceivedFlag] = []
        for _ in 0..<100 where flags.isEmpty {
            flags = try await reader.receivedFlags()
            try await Task.sleep(for: .milliseconds(50))
        }
        try reader.close()
        #expect(flags.count == 1)
        #expect(flags.first?.objectIDs.first == "https://bad.instance/users/tobi")
        let entries = try await stop(running)
        #expect(status == 202)
        #expect(replayStatus == 202, "a replay is acknowledged and changes nothing")
        #expect(entries.isEmpty, "the stored Flag was processed")
        #expect(running.peer.requests.filter { $0.path == "/actor" }.count == 1, "the key is fetched once, then cached")
        #expect(running.peer.requests.first?.signature?.contains("keyId=\"http://127.0.0.1:") == true, "the key fetch is signed by the service actor")
    }

    @Test func refusedRequestsGetTheirStatusAndStoreNothing() async throws {
        let running = try await start()
        let body = try flag(running)
        let unsigned = try await post(body, to: running, sign: false)
        let tampered = try await post(body, to: running) { $0.body = Data(String(decoding: $0.body, as: UTF8.self).replacingOccurrences(of: "misinfo", with: "praise").utf8) }
        let wrongType = try await post(body, to: running, contentType: "text/plain")
        let garbage = try await post(Data("{not json".utf8), to: running)
        let foreign = try await post(Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: running.peer.origin + "/341e", with: "https://elsewhere.example/341e").utf8), to: running)
        let health = try await LoopbackHTTP.get("http://127.0.0.1:\(running.port)/healthz")
        let entries = try await stop(running)
        let reader = try SQLiteStore(path: running.harness.configuration.databasePath)
        let flags = try await reader.receivedFlags()
        try reader.close()
        #expect(flags.isEmpty, "no refused Flag reached moderation")
        #expect(unsigned.0 == 401)
        #expect(unsigned.1.contains("no HTTP signature"))
        #expect(tampered.0 == 401)
        #expect(tampered.1.contains("does not match its SHA-256 digest"))
        #expect(wrongType.0 == 415)
        #expect(garbage.0 == 400)
        #expect(foreign.0 == 403)
        #expect(health.status == 200, "the server stays healthy")
        #expect(entries.isEmpty, "nothing refused is stored")
    }
}
