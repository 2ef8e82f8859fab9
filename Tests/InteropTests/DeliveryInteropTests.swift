import ActivityStreams
import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import PalisadeTesting
import Store
import Testing

/// Deliveries as an independent implementation sees them: Python's `httpsig` verifies each signed POST the
/// `DeliveryWorker` makes (with the sender's published key) and answers 200, or 401 with its reason.
@Suite(.serialized) struct DeliveryInteropTests {
    @Test func pythonVerifiesEveryDeliveryAHostedAccountSigns() async throws {
        let directory = try TemporaryDirectory("delivery-interop")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("palisade.sqlite"))
        defer { try? store.close() }
        try store.migrate()
        let baseURL = URL(string: "https://mod.example.org")!
        _ = try await HostedAccounts(accounts: store, keys: store, followers: store, baseURL: baseURL, now: { Date() })
            .create(name: "alice", displayName: nil, summary: nil)
        let key = try #require(try await store.key(for: .account("alice")))
        let publicKey = directory.path("alice.pem")
        try key.keyPair.publicKeyPEM.write(toFile: publicKey, atomically: true, encoding: .utf8)
        let peer = try await PythonPeer.Server.start("Tests/InteropTests/peers/signature_peer.py", ["serve", "--public-key", publicKey])
        defer { peer.stop() }

        let body = LocalActivities.create(
            noteID: baseURL.absoluteString + "/users/alice/statuses/1", accountID: baseURL.absoluteString + "/users/alice",
            text: "Ünïcode, \"quotes\" & <tags>", published: Date()
        ).serialized()
        let inboxes = (0..<6).map { "http://127.0.0.1:\(peer.port)/users/follower\($0)/inbox?x=\($0)" }
        try await store.enqueue(inboxes.map { Delivery(activityID: "https://mod.example.org/users/alice/statuses/1/activity", sender: .account("alice"), inbox: $0, body: body) }, at: Date())

        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let worker = DeliveryWorker(
            queue: store, keys: store,
            client: DeliveryClient(client: client, addressPolicy: AddressPolicy(allowPrivateAddresses: true), userAgent: "Palisade/test"),
            baseURL: baseURL, now: { Date() })
        let run = Task { await worker.run() }
        var statuses: [DeliveryStatus] = []
        for _ in 0..<250 {
            statuses = try await store.deliveries(of: "https://mod.example.org/users/alice/statuses/1/activity")
            if statuses.allSatisfy({ $0.state != .pending }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        run.cancel()
        await run.value
        try await client.shutdown()
        #expect(statuses.count == 6)
        #expect(statuses.allSatisfy { $0.state == .delivered }, "\(statuses.map { $0.lastError ?? "" })")
    }
}
