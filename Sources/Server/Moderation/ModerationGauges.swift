import Federation
import Foundation
import Logging
import Moderation
import Prometheus
import Store
import Synchronization

/// The gauges on `/metrics` that answer "is the team keeping up?", read from the database when scraped:
/// `palisade_cases_open{tenant,queue}`, `palisade_cases_sla_breached{tenant,queue}`, `palisade_delivery_queue_depth`
/// (signed deliveries and admin-API jobs waiting) and `palisade_inbox_backlog` (activities acknowledged, not yet
/// processed). Label sets are bounded by the tenants and their queues; a queue that empties reads 0.
final class ModerationGauges: Sendable {
    let registry: PrometheusCollectorRegistry
    let store: SQLiteStore
    let now: @Sendable () -> Date
    let logger: Logger
    /// The (tenant, queue) pairs set at the last scrape, so one that is gone is set to 0 rather than left stale.
    private let seen = Mutex<Set<[String]>>([])

    init(registry: PrometheusCollectorRegistry, store: SQLiteStore, now: @escaping @Sendable () -> Date, logger: Logger) {
        (self.registry, self.store, self.now, self.logger) = (registry, store, now, logger)
    }

    /// Reads the figures now into the gauges (a failed read leaves them as they were).
    func refresh() async {
        let date = now()
        var current: [[String]: QueueSummary] = [:]
        do {
            for tenant in try await store.tenants() {
                for queue in try await store.queues(tenant: tenant.id, for: "", at: date) { current[[tenant.slug, queue.name]] = queue }
            }
            let previous = seen.withLock { seen in
                defer { seen = Set(current.keys) }
                return seen
            }
            for key in previous.union(current.keys) {
                let labels = [("tenant", key[0]), ("queue", key[1])]
                registry.makeGauge(name: "palisade_cases_open", labels: labels, help: "Cases waiting for a moderator (open, escalated, reopened; claimed ones included), by tenant and queue")
                    .set(Double(current[key]?.open ?? 0))
                registry.makeGauge(name: "palisade_cases_sla_breached", labels: labels, help: "Open cases past their SLA")
                    .set(Double(current[key]?.slaBreached ?? 0))
            }
            let deliveries = try await store.deliveryCounts()[.pending] ?? 0
            let jobs = try await store.enforcementCounts()["pending"] ?? 0
            registry.makeGauge(name: "palisade_delivery_queue_depth", help: "Signed deliveries and admin-API jobs waiting to be sent")
                .set(Double(deliveries + jobs))
            registry.makeGauge(name: "palisade_inbox_backlog", help: "Inbox activities acknowledged and not yet processed")
                .set(Double(try await store.inboxBacklog()))
        } catch {
            // The gauges keep their last figures; the scrape still answers, and the log says why they are stale.
            logger.warning("moderation gauges not refreshed", metadata: ["error": .string(String(describing: error))])
        }
    }
}
