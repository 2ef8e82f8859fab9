import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import Moderation
import NIOCore
import Store

/// `palisade bench decisions`: a mass defederation decided in a tenant with many attached instances, through the real
/// path — the transition writes its dispatch, the dispatcher plans a `Flag` and a `Block` per instance and queues them,
/// the delivery worker signs and posts them to a loopback sink that accepts everything — timed from the decision until
/// every delivery is recorded as delivered, beside the machine's RSA-2048 signing rate.
public enum DecisionBenchmark {
    /// What one run measured.
    public struct Report: Sendable {
        /// Attached instances the decision went to.
        public let instances: Int
        /// Signed deliveries it made (a Flag and a Block each).
        public let deliveries: Int
        /// Milliseconds from the decision to every delivery queued (dispatch: read, plan, store).
        public let dispatchMilliseconds: Double
        /// Milliseconds from the decision to every delivery accepted by the sink and recorded.
        public let totalMilliseconds: Double
        /// Deliveries per second over `total`.
        public let rate: Double
        /// RSA-2048 signatures per second on all cores (best of before and after).
        public let signRate: Double
        /// Deliveries not recorded as delivered at the end.
        public let undelivered: Int
    }

    /// Runs the benchmark with `instances` attached instances and `concurrency` deliveries in flight.
    public static func run(instances: Int, concurrency: Int, progress: @Sendable (String) -> Void) async throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-bench-decisions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("palisade.sqlite").path)
        try store.migrate()
        let baseURL = URL(string: "https://mod.example.org")!
        let signRateBefore = try await BenchmarkSupport.rsaSignRate()
        let sink = try await AcceptingSink()
        let sinkHost = "127.0.0.1:\(sink.port)"

        progress("attaching \(instances) instances…")
        let tenant = try await store.createTenant(Tenant(id: 0, slug: "bench", name: "Bench"), by: "bench", at: Date())
        for index in 0..<instances {
            let name = String(format: "i%05d.bench.example", index)
            _ = try await store.attach(
                AttachedInstance(
                    id: 0, tenantID: tenant.id, domain: InstanceDomain(name)!, actorID: "https://\(name)/actor", webhookSecret: nil,
                    decisionRoute: .activitypub, inbox: "http://\(sinkHost)/\(name)/inbox"), by: "bench", at: Date())
        }
        // The case: a report about an account of the domain to defederate (the sink, so that the dispatcher's
        // WebFinger lookup of its instance actor gets a quick, real answer: not a JRD).
        let account = "http://\(sinkHost)/users/spammer"
        let report = IncomingReport(
            source: .flag, sourceKey: "bench-report", reporter: "https://i00000.bench.example/actor", account: account,
            statuses: [ReportedStatus(id: account + "/statuses/1", text: "spam", contentWarning: nil, mediaCount: 0)], comment: "a spam farm",
            category: "spam")
        guard case .recorded(let caseID, _) = try await store.record(
            IntakeItem(account: account, report: report, hits: [], signals: [Signal(queue: "reports", priority: 50)]), tenant: tenant,
            ruleSetVersion: nil, at: Date())
        else { throw BenchmarkError("the benchmark's report was not recorded") }
        let moderator = ModeratorID("bench")
        _ = try await store.apply(.claim(by: moderator, lease: 900), to: caseID, tenant: tenant.id, decisionID: nil, actor: "bench", ruleSetVersion: nil, at: Date())

        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                redirectConfiguration: .disallow,
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
        var directorySettings = RemoteKeyDirectory.Settings(addressPolicy: AddressPolicy(allowPrivateAddresses: true))
        directorySettings.webFingerScheme = "http"
        // As in `serve`: the dispatcher rings the worker's doorbell when it has queued deliveries.
        let doorbell = Doorbell()
        let dispatcher = DecisionDispatcher(
            outbox: store, activities: DecisionActivities(baseURL: baseURL),
            directory: RemoteKeyDirectory(client: client, signer: nil, settings: directorySettings, now: { Date() }), logger: BenchmarkSupport.silent,
            now: { Date() }, deliveries: doorbell)
        var settings = DeliveryWorker.Settings()
        settings.concurrency = concurrency
        // The sink is one host standing for every instance: the per-host limit would otherwise measure itself.
        settings.perHostConcurrency = concurrency
        let worker = DeliveryWorker(
            queue: store, keys: store,
            client: DeliveryClient(client: client, addressPolicy: AddressPolicy(allowPrivateAddresses: true), userAgent: "Palisade/bench"),
            baseURL: baseURL, settings: settings, now: { Date() }, doorbell: doorbell)
        // The service key is made before the clock starts, as a running server has it.
        _ = try await LocalActorKey.loadOrCreate(in: store, now: Date())
        let delivering = Task { await worker.run() }

        progress("deciding: defederate \(sinkHost) (suspend) for \(instances) instances, \(concurrency) deliveries in flight…")
        let clock = ContinuousClock()
        let start = clock.now
        let decision = Decision(
            actions: [.defederate(domain: sinkHost, severity: .suspend, rejectMedia: true, rejectReports: true)], reason: "a spam farm",
            category: "spam", ruleIDs: [], by: moderator)
        _ = try await store.apply(
            .decide(decision, needsApproval: false), to: caseID, tenant: tenant.id, decisionID: nil, actor: "bench", ruleSetVersion: nil, at: Date())
        while await dispatcher.dispatchDue() == 0 {}
        let dispatched = clock.now - start
        let expected = instances * 2
        while sink.received < expected { try await Task.sleep(for: .milliseconds(5)) }
        while (try await store.deliveryCounts()[.delivered] ?? 0) < expected {
            try await Task.sleep(for: .milliseconds(2))
        }
        let total = clock.now - start
        delivering.cancel()
        await delivering.value
        let tracked = try await store.decisionDeliveries(case: caseID, tenant: tenant.id)
        try await client.shutdown()
        try await sink.stop()
        try store.close()
        let signRateAfter = try await BenchmarkSupport.rsaSignRate()
        return Report(
            instances: instances, deliveries: expected, dispatchMilliseconds: dispatched.seconds * 1000, totalMilliseconds: total.seconds * 1000, rate: Double(expected) / total.seconds,
            signRate: max(signRateBefore, signRateAfter), undelivered: tracked.filter { $0.state != .delivered }.count + max(0, expected - tracked.count))
    }
}
