import AsyncHTTPClient
import Federation
import Foundation
import PalisadeTesting
import Store
import Synchronization
import Testing

/// The delivery worker against a real loopback peer and a real SQLite queue: results are recorded together, a job
/// stays in flight until its result is stored, and a worker stopped mid-delivery leaves the cut-short job pending
/// with no attempt counted.
@Suite(.serialized) struct DeliveryWorkerTests {
    @Test func stoppingMidDeliveryKeepsRecordedResultsAndLeavesTheCutShortJobPending() async throws {
        let directory = try TemporaryDirectory("delivery-worker")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("palisade.sqlite"))
        defer { try? store.close() }
        try store.migrate()
        let baseURL = URL(string: "https://mod.example.org")!
        _ = try await HostedAccounts(accounts: store, keys: store, followers: store, baseURL: baseURL, now: { Date() })
            .create(name: "alice", displayName: nil, summary: nil)
        let peer = FixturePeer()
        try await peer.start(documents: [:])

        let activityID = "https://mod.example.org/users/alice/statuses/1/activity"
        let fast = (0..<5).map { "\(peer.origin)/users/f\($0)/inbox" }
        let slow = "\(peer.origin)/slow/inbox"
        try await store.enqueue((fast + [slow]).map { Delivery(activityID: activityID, sender: .account("alice"), inbox: $0, body: Data("{}".utf8)) }, at: Date())

        let observed = Mutex<[DeliveryResult]>([])
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        var settings = DeliveryWorker.Settings()
        settings.perHostConcurrency = 8
        let worker = DeliveryWorker(
            queue: store, keys: store,
            client: DeliveryClient(client: client, addressPolicy: AddressPolicy(allowPrivateAddresses: true), userAgent: "Palisade/test"),
            baseURL: baseURL, settings: settings, now: { Date() }, observe: { _, result in observed.withLock { $0.append(result) } })
        let run = Task { await worker.run() }

        var statuses: [DeliveryStatus] = []
        for _ in 0..<250 {
            statuses = try await store.deliveries(of: activityID)
            if statuses.filter({ $0.state == .delivered }).count == fast.count { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(peer.inboxPosts.contains { $0.path == "/slow/inbox" }, "the slow delivery is in flight")
        run.cancel()
        await run.value
        try await client.shutdown()
        await peer.stop()

        statuses = try await store.deliveries(of: activityID)
        for status in statuses where status.inbox != slow {
            #expect(status.state == .delivered && status.attempts == 1, "\(status)")
        }
        let cutShort = try #require(statuses.first { $0.inbox == slow })
        #expect(cutShort.state == .pending && cutShort.attempts == 0 && cutShort.lastError == nil, "\(cutShort)")
        #expect(observed.withLock { $0 } == Array(repeating: .delivered, count: fast.count))
        // The cut-short job is due again and goes to the next worker.
        #expect(try await store.due(at: Date(), limit: 10, excluding: []).map(\.delivery.inbox) == [slow])
    }
}
