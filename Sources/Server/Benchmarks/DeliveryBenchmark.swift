import ActivityStreams
import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import NIOCore
import Store

/// `palisade bench delivery`: signed deliveries per second from the durable queue to a loopback sink that accepts
/// everything, beside the machine's RSA-2048 signing rate (the floor of a delivery's cost).
public enum DeliveryBenchmark {
    /// What one run measured.
    public struct Report: Sendable {
        /// Deliveries in the run.
        public let deliveries: Int
        /// Delivered per second (queue → sign → POST → 2xx → recorded).
        public let rate: Double
        /// RSA-2048 signatures per second on all cores (the higher of the runs before and after the deliveries).
        public let signRate: Double
        /// POSTs the sink received.
        public let received: Int
        /// Jobs left not delivered.
        public let undelivered: Int
    }

    /// Runs the benchmark with `deliveries` queued jobs and `concurrency` deliveries in flight.
    public static func run(deliveries: Int, concurrency: Int, progress: @Sendable (String) -> Void) async throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-bench-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("palisade.sqlite").path)
        try store.migrate()
        let baseURL = URL(string: "https://mod.example.org")!
        _ = try await HostedAccounts(accounts: store, keys: store, followers: store, baseURL: baseURL, now: { Date() })
            .create(name: "bench", displayName: nil, summary: nil)

        // The sign rate is measured before and after the deliveries; the higher one is the comparison (the
        // stricter one, should the machine be busier at one of the two moments).
        let signRateBefore = try await BenchmarkSupport.rsaSignRate()
        let sink = try await AcceptingSink()

        let activityID = baseURL.absoluteString + "/users/bench/statuses/1/activity"
        let body = LocalActivities.create(
            noteID: baseURL.absoluteString + "/users/bench/statuses/1", accountID: baseURL.absoluteString + "/users/bench",
            text: "A benchmark post to many followers.", published: Date()
        ).serialized()
        let warmup = 200
        try await store.enqueue(
            (0..<(deliveries + warmup)).map {
                Delivery(activityID: activityID, sender: .account("bench"), inbox: "http://127.0.0.1:\(sink.port)/users/f\($0)/inbox", body: body)
            }, at: Date())

        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                redirectConfiguration: .disallow,
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
        var settings = DeliveryWorker.Settings()
        settings.concurrency = concurrency
        settings.perHostConcurrency = concurrency
        let worker = DeliveryWorker(
            queue: store, keys: store,
            client: DeliveryClient(client: client, addressPolicy: AddressPolicy(allowPrivateAddresses: true), userAgent: "Palisade/bench"),
            baseURL: baseURL, settings: settings, now: { Date() })
        let clock = ContinuousClock()
        let task = Task { await worker.run() }
        // Warm-up: the first deliveries open connections and load the key.
        while sink.received < warmup { try await Task.sleep(for: .milliseconds(5)) }
        progress("delivering \(deliveries) activities with \(concurrency) in flight…")
        let start = clock.now
        let startCount = sink.received
        // Watch the sink (a counter) while POSTs arrive; only then read the store until every result is recorded.
        // Counting rows by state scans the table, which would tax the worker if done every few milliseconds.
        while sink.received < deliveries + warmup { try await Task.sleep(for: .milliseconds(5)) }
        while (try await store.deliveryCounts()[.delivered] ?? 0) < deliveries + warmup {
            try await Task.sleep(for: .milliseconds(2))
        }
        let elapsed = clock.now - start
        task.cancel()
        await task.value
        try await client.shutdown()
        try await sink.stop()
        let counts = try await store.deliveryCounts()
        try store.close()

        let signRateAfter = try await BenchmarkSupport.rsaSignRate()
        let seconds = elapsed.seconds
        return Report(
            deliveries: deliveries, rate: Double(deliveries + warmup - startCount) / seconds, signRate: max(signRateBefore, signRateAfter),
            received: sink.received, undelivered: (counts[.pending] ?? 0) + (counts[.dead] ?? 0))
    }
}
