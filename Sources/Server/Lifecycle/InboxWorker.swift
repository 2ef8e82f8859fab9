import Federation
import Logging
import ServiceLifecycle

/// Runs the `InboxProcessor` until graceful shutdown: drains what is stored, then polls. On start it first processes
/// whatever was accepted before a crash or restart.
struct InboxWorker: Service {
    let processor: InboxProcessor
    let logger: Logger
    var idleInterval: Duration = .milliseconds(200)

    func run() async throws {
        // Stops on graceful shutdown and on cancellation alike (an enclosing group may cancel instead).
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let processed: Int
            do {
                processed = try await processor.processBatch()
            } catch is CancellationError {
                return
            } catch {
                logger.error("inbox processing failed; retrying", metadata: ["error": .string(String(describing: error))])
                processed = 0
            }
            if processed == 0 {
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: idleInterval) }
                } catch {
                    return
                }
            }
        }
    }
}
