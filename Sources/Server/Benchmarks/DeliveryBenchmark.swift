import ActivityStreams
import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import Hummingbird
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
        /// RSA-2048 signatures per second on all cores.
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

        let sink = SinkCounter()
        let router = Router()
        router.post("**") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            sink.increment()
            return Response(status: .accepted)
        }
        let server = await BenchmarkSupport.LoopbackServer(router)

        let activityID = baseURL.absoluteString + "/users/bench/statuses/1/activity"
        let body = LocalActivities.create(
            noteID: baseURL.absoluteString + "/users/bench/statuses/1", accountID: baseURL.absoluteString + "/users/bench",
            text: "A benchmark post to many followers.", published: Date()
        ).serialized()
        let warmup = 200
        try await store.enqueue(
            (0..<(deliveries + warmup)).map {
                Delivery(activityID: activityID, sender: .account("bench"), inbox: "http://127.0.0.1:\(server.port)/users/f\($0)/inbox", body: body)
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
        while sink.count < warmup { try await Task.sleep(for: .milliseconds(5)) }
        progress("delivering \(deliveries) activities with \(concurrency) in flight…")
        let start = clock.now
        let startCount = sink.count
        var delivered = 0
        while true {
            delivered = try await store.deliveryCounts()[.delivered] ?? 0
            if delivered >= deliveries + warmup { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let elapsed = clock.now - start
        task.cancel()
        await task.value
        try await client.shutdown()
        await server.stop()
        let counts = try await store.deliveryCounts()
        try store.close()

        let signingKey = try SigningKey(RSAKeyPair.generate())
        let data = Data("(request-target): post /inbox\nhost: mastodon.example\ndate: Fri, 27 Nov 2026 12:00:00 GMT\ndigest: SHA-256=abc".utf8)
        let signRate = try await BenchmarkSupport.parallelRate(cores: BenchmarkSupport.cores, seconds: 2) {
            _ = try SignatureAlgorithm.rsaV15SHA256.sign(data, with: signingKey)
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Report(
            deliveries: deliveries, rate: Double(deliveries + warmup - startCount) / seconds, signRate: signRate,
            received: sink.count, undelivered: (counts[.pending] ?? 0) + (counts[.dead] ?? 0))
    }

    /// Counts POSTs the sink accepted.
    final class SinkCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        var count: Int { lock.withLock { value } }
        func increment() { lock.withLock { value += 1 } }
    }
}
