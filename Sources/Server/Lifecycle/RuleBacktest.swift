import Foundation
import Logging
import Moderation
import Rules
import Store

/// `palisade rules replay`: a candidate rule set and the active one over the stored history of the configured
/// database, read only — every report (the report, then each reported status with text, as intake evaluates them)
/// and, without a tenant, every `Create` and `Update` the inbox holds.
public enum RuleBacktest {
    /// The tally of `candidate` against `active` over the items received since `since` (all when nil), of `tenant`'s
    /// reports only when given, on `workers` threads; `progress` hears the running count.
    public static func run(
        _ configuration: PalisadeConfiguration, active: RuleSet, candidate: RuleSet, since: Date?, tenant: String?, examples: Int,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount, progress: (Int) -> Void
    ) async throws -> RuleReplay {
        let workers = max(1, workers)
        let store = try PalisadeServer.openExistingStore(configuration, logger: Logger(label: "palisade", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { try? store.close() }
        var tenantID: TenantID?
        if let tenant {
            guard let found = try await store.tenant(slug: tenant) else { throw ModerationError.noSuchTenant(tenant) }
            tenantID = found.id
        }
        let slugs = Dictionary(try await store.tenants().map { ($0.id, $0.slug) }, uniquingKeysWith: { first, _ in first })
        var replay = RuleReplay(examples: examples)
        // A page's entries are made into subjects and evaluated on every core (each thread with its own matcher),
        // then tallied in order.
        func evaluate<Entry: Sendable>(_ entries: [Entry], subjects: @escaping @Sendable (Entry) -> [(item: String, subject: Subject)]) {
            let results = ResultsBuffer(count: entries.count)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in stride(from: worker, to: entries.count, by: workers) {
                    results.set(index, subjects(entries[index]).map { item, subject in
                        (item, active.evaluate(subject).hits.map(\.rule), candidate.evaluate(subject).hits.map(\.rule))
                    })
                }
            }
            for index in entries.indices {
                for result in results.get(index) { replay.add(item: result.item, active: result.active, candidate: result.candidate) }
            }
            progress(replay.items)
        }
        var lastReport: Int64 = 0
        while true {
            let page = try await store.reports(after: lastReport, since: since, tenant: tenantID, limit: 1000)
            guard let last = page.last else { break }
            lastReport = last.report.id
            evaluate(page.map { (slugs[$0.tenant] ?? "-", $0.report) }) { slug, stored in
                Intake.subjects(of: stored.report, tenant: slug).map { subjectID, subject in
                    (subjectID == stored.report.sourceKey ? "report \(stored.id)" : "report \(stored.id) status \(subjectID)", subject)
                }
            }
        }
        guard tenant == nil else { return replay }
        var lastActivity: Int64 = 0
        let now = Date()
        while true {
            let page = try await store.inboxActivities(after: lastActivity, since: since, limit: 1000)
            guard let last = page.last else { break }
            lastActivity = last.sequence
            evaluate(page) { activity in
                RuleTestRunner.subject(fromJSON: activity.body, now: now).subject.map { [("activity \(activity.activityID)", $0)] } ?? []
            }
        }
        return replay
    }
}

/// Each entry's items and their hits, written by the worker threads at their own indexes and read once they are done.
private final class ResultsBuffer: @unchecked Sendable {
    typealias Result = (item: String, active: [String], candidate: [String])
    private var slots: [[Result]]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ index: Int, _ results: [Result]) { lock.withLock { slots[index] = results } }

    func get(_ index: Int) -> [Result] { lock.withLock { slots[index] } }
}
