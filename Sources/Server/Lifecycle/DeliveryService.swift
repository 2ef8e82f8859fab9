import Federation
import Foundation
import Logging
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

    /// Logs each finished attempt: delivered at debug, retries at info, dead letters at warning.
    static func observer(_ logger: Logger) -> DeliveryWorker.Observer {
        { job, result in
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
