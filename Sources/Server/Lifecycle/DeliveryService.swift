import Federation
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// Runs the `DeliveryWorker` until graceful shutdown; deliveries still in flight then stay queued for the next start.
struct DeliveryService: Service {
    let worker: DeliveryWorker
    /// Its client, whose pinned connections close when the service ends.
    let client: DeliveryClient

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await worker.run()
        }
        await client.shutdown()
    }

    /// Logs each finished attempt (delivered at debug, retries at info, dead letters at warning) and, with `registry`,
    /// counts it in `palisade_deliveries_total{kind="activitypub",outcome}`.
    static func observer(_ logger: Logger, registry: PrometheusCollectorRegistry? = nil) -> DeliveryWorker.Observer {
        { job, result in
            registry.map { DeliveryOutcomeCounter.count(result, kind: "activitypub", in: $0) }
            var metadata: Logger.Metadata = [
                "activity": .string(job.delivery.activityID), "inbox": .string(job.delivery.inbox), "attempt": .stringConvertible(job.attempts + 1),
            ]
            switch result {
            case .delivered:
                logger.debug("delivered", metadata: metadata)
            case .retry(let at, let error):
                metadata["error"] = .string(error)
                metadata["next_attempt"] = .string(at.formatted(.iso8601))
                logger.info("delivery failed; will retry", metadata: metadata)
            case .dead(let error), .gone(let error):
                metadata["error"] = .string(error)
                logger.warning("delivery dead-lettered", metadata: metadata)
            }
        }
    }
}

/// `palisade_deliveries_total{kind,outcome}`: finished attempts of signed deliveries (`activitypub`) and admin-API jobs
/// (`admin_api`), by outcome (`delivered`, `retry`, `dead`).
enum DeliveryOutcomeCounter {
    static func count(_ result: DeliveryResult, kind: String, in registry: PrometheusCollectorRegistry) {
        let outcome: String
        switch result {
        case .delivered: outcome = "delivered"
        case .retry: outcome = "retry"
        case .dead, .gone: outcome = "dead"
        }
        registry.makeCounter(
            name: "palisade_deliveries_total", labels: [("kind", kind), ("outcome", outcome)],
            help: "Finished delivery attempts: signed ActivityPub deliveries and Mastodon admin-API jobs, by outcome").increment()
    }
}
