import Federation
import Foundation
import Logging
import Moderation
import Rules
import Store

/// `palisade bench queue`: the moderation store at scale. Seeds open cases across tenants and queues in a fresh SQLite
/// file (through the same intake code the server uses, in batches), then measures claim-next + decide round trips
/// (each two fsync'd transactions, as a moderator's client makes them) at one and at several concurrent moderators,
/// and Flag → case intake through the pipeline (rules included) with concurrent producers.
public enum QueueBenchmark {
    /// What one run measured.
    public struct Report: Sendable {
        public var seedSeconds: Double
        public var casesSeeded: Int
        public var roundTrips: [(moderators: Int, count: Int, p50: Double, p99: Double, perSecond: Double)] = []
        public var intakePerSecond: Double = 0
        public var flags: Int = 0
        public var casesFromFlags: Int = 0
        public var databaseMegabytes: Double = 0
        /// Milliseconds for the queue overview and for the first page of a queue (what a moderator's screen loads).
        public var overviewMilliseconds: Double = 0
        public var firstPageMilliseconds: Double = 0
    }

    /// Runs the benchmark in `directory` (a new database is created there).
    public static func run(
        directory: String, cases: Int, tenants tenantCount: Int, queues queueCount: Int, rounds: Int, moderatorCounts: [Int], flags: Int,
        producers: Int, ruleSet: RuleSet, progress: @Sendable (String) -> Void
    ) async throws -> Report {
        let store = try SQLiteStore(path: directory + "/queue-bench.sqlite")
        try store.migrate()
        defer { try? store.close() }
        let clock = SystemClock.now
        let start = clock()
        var tenants: [Tenant] = []
        for index in 0..<tenantCount {
            tenants.append(try await store.createTenant(Tenant(id: 0, slug: "tenant-\(index)", name: "Tenant \(index)"), by: "bench", at: start))
        }
        // Queue q goes to tenant q % tenants.
        let queues = (0..<queueCount).map { (name: String(format: "q%02d", $0), tenant: tenants[$0 % tenantCount]) }

        var random = SplitMix64(seed: 42)
        let seedStart = ContinuousClock.now
        let batch = 20_000
        var seeded = 0
        while seeded < cases {
            let count = min(batch, cases - seeded)
            var byTenant: [TenantID: [IntakeItem]] = [:]
            for offset in 0..<count {
                let index = seeded + offset
                let queue = queues[index % queueCount]
                let account = "https://host\(index % 997).example/users/u\(index)"
                let report = IncomingReport(
                    source: .flag, sourceKey: "https://reporter\(index % 31).example/flags/\(index)", reporter: "https://reporter\(index % 31).example/actor",
                    account: account, statuses: [ReportedStatus(id: account + "/statuses/1", text: nil)], comment: "seeded report \(index)")
                let signal = Signal(queue: queue.name, priority: Int(random.next() % 101))
                byTenant[queue.tenant.id, default: []].append(IntakeItem(account: account, report: report, hits: [], signals: [signal]))
            }
            for tenant in tenants {
                _ = try await store.record(batch: byTenant[tenant.id] ?? [], tenant: tenant, ruleSetVersion: ruleSet.version, at: clock())
            }
            seeded += count
            if seeded % 200_000 == 0 || seeded == cases { progress("  seeded \(seeded) cases") }
        }
        var report = Report(seedSeconds: (ContinuousClock.now - seedStart).seconds, casesSeeded: cases)
        // Measure the steady state, not the background copy of the bulk load's log.
        try await store.checkpointNow()
        var overview: [Double] = []
        var firstPage: [Double] = []
        for round in 0..<20 {
            let queue = queues[round % queueCount]
            var begin = ContinuousClock.now
            _ = try await store.queues(tenant: queue.tenant.id, for: "bench", at: clock())
            overview.append((ContinuousClock.now - begin).seconds * 1000)
            var filter = CaseFilter()
            filter.queue = queue.name
            filter.phases = [.open, .escalated, .reopened]
            filter.limit = 50
            begin = ContinuousClock.now
            _ = try await store.cases(tenant: queue.tenant.id, filter: filter, at: clock())
            firstPage.append((ContinuousClock.now - begin).seconds * 1000)
        }
        report.overviewMilliseconds = percentile(overview.sorted(), 0.5)
        report.firstPageMilliseconds = percentile(firstPage.sorted(), 0.5)

        // claim-next + decide, as moderators do it.
        var roundsDone = 0
        for moderators in moderatorCounts {
            let perModerator = max(1, rounds / moderators)
            let started = ContinuousClock.now
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for worker in 0..<moderators {
                    let offset = roundsDone
                    group.addTask {
                        var samples: [Double] = []
                        samples.reserveCapacity(perModerator)
                        let moderator = ModeratorID("bench-\(moderators)-\(worker)")
                        for round in 0..<perModerator {
                            let queue = queues[(offset + worker * perModerator + round) % queueCount]
                            let begin = ContinuousClock.now
                            let claimed = try await store.claimNext(
                                queue: queue.name, tenant: queue.tenant.id, moderator: moderator, role: .moderator, lease: 900, at: clock())
                            let decision = Decision(actions: [.silence], reason: "bench", category: "spam", by: moderator)
                            _ = try await store.apply(
                                .decide(decision, needsApproval: false), to: claimed.caseID, tenant: queue.tenant.id, decisionID: nil,
                                actor: moderator.rawValue, ruleSetVersion: ruleSet.version, at: clock())
                            samples.append((ContinuousClock.now - begin).seconds * 1000)
                        }
                        return samples
                    }
                }
                var all: [Double] = []
                for try await samples in group { all += samples }
                return all.sorted()
            }
            roundsDone += perModerator * moderators
            let elapsed = (ContinuousClock.now - started).seconds
            report.roundTrips.append((
                moderators, latencies.count, percentile(latencies, 0.50), percentile(latencies, 0.99), Double(latencies.count) / elapsed))
        }

        // Flag → case through the intake pipeline: each tenant has an attached instance; producers send its Flags.
        for tenant in tenants {
            _ = try await store.attach(
                AttachedInstance(
                    id: 0, tenantID: tenant.id, domain: InstanceDomain("\(tenant.slug).example")!, actorID: "https://\(tenant.slug).example/actor",
                    webhookSecret: nil, decisionRoute: .activitypub), by: "bench", at: clock())
        }
        let intake = Intake(
            tenants: store, cases: store, ruleSet: { _ in ruleSet }, changes: CaseChanges(),
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }), now: clock)
        let attached = tenants
        let intakeStart = ContinuousClock.now
        let opened = try await withThrowingTaskGroup(of: Int.self) { group in
            for producer in 0..<producers {
                group.addTask {
                    var newCases = 0
                    var index = producer
                    while index < flags {
                        let tenant = attached[index % tenantCount]
                        let account = "https://flagged\(index % 5_000).example/users/x\(index % 20_000)"
                        let results = try await intake.receive(flag: ReceivedFlag(
                            activityID: "https://\(tenant.slug).example/flags/\(index)", reporterID: "https://\(tenant.slug).example/actor",
                            objectIDs: [account, account + "/statuses/\(index)"], comment: "free crypto giveaway spam, flag \(index)",
                            receivedAt: clock()))
                        if results.contains(where: { if case .recorded(_, true) = $0.result { true } else { false } }) { newCases += 1 }
                        index += producers
                    }
                    return newCases
                }
            }
            var total = 0
            for try await count in group { total += count }
            return total
        }
        report.flags = flags
        report.casesFromFlags = opened
        report.intakePerSecond = Double(flags) / (ContinuousClock.now - intakeStart).seconds
        let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/queue-bench.sqlite")
        report.databaseMegabytes = Double((attributes?[.size] as? NSNumber)?.intValue ?? 0) / 1_000_000
        return report
    }

    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }
}

/// A small seeded generator (SplitMix64), so every run seeds the same priorities.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
