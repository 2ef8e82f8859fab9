import Foundation
import Logging
import Moderation
import ServiceLifecycle

/// Exports the audit chains' heads outside the database every `interval` (and once more at shutdown): a checkpoint is
/// written only when a head moved, and refused (logged as an error) when a chain no longer continues the last one.
struct AuditCheckpointService: Service {
    let administration: Administration
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: interval)
            }
            await checkpoint()
        }
    }

    private func checkpoint() async {
        do {
            if let written = try await administration.checkpointAudit() {
                logger.debug("audit checkpoint", metadata: ["at": .string(written.at.formatted(.iso8601)), "chains": .stringConvertible(written.heads.count)])
            }
        } catch {
            logger.error("audit checkpoint refused", metadata: ["error": .string(String(describing: error))])
        }
    }
}
