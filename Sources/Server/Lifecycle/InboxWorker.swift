import Federation
import Logging
import ServiceLifecycle

/// Runs the `InboxProcessor` until graceful shutdown, on every start first processing whatever was accepted before a
/// crash or restart. Actors are processed concurrently (up to `lanes` at once), each actor's activities in arrival
/// order and one at a time: an actor whose activity waits on a slow remote server (a Flag naming statuses on a server
/// that never answers) holds up only its own later activities, never another actor's.
struct InboxWorker: Service {
    let processor: InboxProcessor
    let logger: Logger
    var idleInterval: Duration = .milliseconds(200)
    /// Actors processed at once.
    var lanes = 16

    /// The actors being processed now; a finished lane rings the bell.
    actor Busy {
        private(set) var actors: Set<String> = []
        let bell = Doorbell()

        func begin(_ actor: String) { actors.insert(actor) }

        func end(_ actor: String) async {
            actors.remove(actor)
            await bell.ring()
        }
    }

    func run() async throws {
        let busy = Busy()
        await withDiscardingTaskGroup { group in
            // Stops on graceful shutdown and on cancellation alike (an enclosing group may cancel instead); lanes in
            // flight are cancelled, and what they did not mark processed waits for the next start.
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let running = await busy.actors
                var started = 0
                if running.count < lanes {
                    do {
                        let waiting = try await processor.pendingByActor(limit: 200, excludingActors: running)
                        for (actor, entries) in waiting.prefix(lanes - running.count) {
                            await busy.begin(actor)
                            started += 1
                            group.addTask {
                                do {
                                    // A stop cancels what still waits on remote servers: whatever is not marked
                                    // processed is processed again after the restart (every effect is idempotent).
                                    try await cancelWhenGracefulShutdown { try await processor.process(entries) }
                                } catch is CancellationError {
                                } catch {
                                    logger.error(
                                        "inbox processing failed; retrying",
                                        metadata: ["actor": .string(actor), "error": .string(String(describing: error))])
                                }
                                await busy.end(actor)
                            }
                        }
                    } catch {
                        logger.error("inbox processing failed; retrying", metadata: ["error": .string(String(describing: error))])
                    }
                }
                if started == 0 {
                    // Nothing new to start: wait for a lane to finish or for new entries to be stored.
                    await cancelWhenGracefulShutdown { await busy.bell.wait(upTo: idleInterval) }
                }
            }
        }
    }
}
