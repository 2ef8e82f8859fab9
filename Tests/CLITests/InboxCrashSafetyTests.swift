import AsyncHTTPClient
import Foundation
import HTTPSignatures
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Testing

/// Nothing acknowledged is lost: `palisade serve` is killed (SIGKILL) while signed activities pour in; after a
/// restart every activity that got a `202` is in the store, exactly once.
@Suite(.serialized) struct InboxCrashSafetyTests {
    @Test func everyAcknowledgedActivitySurvivesSIGKILL() async throws {
        let directory = try TemporaryDirectory("crash")
        defer { directory.remove() }
        let peer = FixturePeer()
        try await peer.start(documents: [
            "/actor": ("activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social/users/Gargron", "/actor",
                       try Fixtures.text("keys/mastodon-remote-domain-bob.public.pem"))
        ])
        defer { Task { await peer.stop() } }
        let key = try SigningKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem"))
        let environment = ["PALISADE_LISTEN": "127.0.0.1:0", "PALISADE_FEDERATION__ALLOW_PRIVATE_ADDRESSES": "true"]

        let first = try PalisadeCLI.launch(["serve"], in: directory.url, environment: environment)
        let port = try #require(try await first.waitForLogLine(containing: "notice palisade: listening").firstMatch(of: /:(\d+) base_url/).map { Int($0.1)! })

        let acknowledged = AcknowledgedIDs()
        let senders = (0..<4).map { sender in
            Task {
                for index in 0..<200 {
                    let id = "\(peer.origin)/activities/\(sender)-\(index)"
                    let body = Data(#"{"@context":"https://www.w3.org/ns/activitystreams","id":"\#(id)","type":"Like","actor":"\#(peer.origin)/actor","object":"https://x.example/notes/\#(index)"}"#.utf8)
                    var message = HTTPMessage(method: "POST", target: "/inbox", scheme: "http", fields: [.init("Host", "127.0.0.1:\(port)"), .init("Content-Type", "application/activity+json")], body: body)
                    try MessageSigner(key: key, keyID: peer.origin + "/actor#main-key").signCavage(&message, now: Date())
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/inbox")
                    request.method = .POST
                    for field in message.fields where field.name != "Host" { request.headers.add(name: field.name, value: field.value) }
                    request.body = .bytes(ByteBuffer(bytes: body))
                    guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)) else { return }
                    if response.status.code == 202 { await acknowledged.add(id) }
                }
            }
        }
        // Let some activities through, then kill the server mid-stream.
        while await acknowledged.count < 50 { try await Task.sleep(for: .milliseconds(5)) }
        first.send(SIGKILL)
        #expect(await first.waitForExit(timeout: 10))
        for sender in senders { _ = await sender.result }
        let acked = await acknowledged.all
        #expect(acked.count >= 50)
        #expect(acked.count < 800, "the kill must land while activities are still arriving")

        // Restart on the same data directory and read what it holds.
        let second = try PalisadeCLI.launch(["serve"], in: directory.url, environment: environment)
        _ = try await second.waitForLogLine(containing: "notice palisade: listening")
        second.send(SIGTERM)
        #expect(await second.waitForExit(timeout: 30))
        // Read with the sqlite3 shell, one id per row, duplicates kept.
        let stored = try await SQLiteShell.query(directory.path("data/palisade.sqlite"), "SELECT activity_id FROM inbox_activities")
        #expect(acked.subtracting(Set(stored)).isEmpty, "acknowledged but lost: \(acked.subtracting(Set(stored)).prefix(5))")
        #expect(stored.count == Set(stored).count, "an activity is stored at most once")
    }
}

actor AcknowledgedIDs {
    private var ids: Set<String> = []
    func add(_ id: String) { ids.insert(id) }
    var count: Int { ids.count }
    var all: Set<String> { ids }
}
