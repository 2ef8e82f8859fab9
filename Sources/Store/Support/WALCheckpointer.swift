import Foundation
import GRDB

/// Checkpoints the write-ahead log from a connection of its own, in the background, instead of inside whichever
/// commit crosses SQLite's automatic threshold: a passive checkpoint copies committed pages into the database file
/// while writers go on, so no request pays for it (the store turns automatic checkpoints off). Runs until the store
/// that owns it closes or goes away.
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>

    /// Starts checkpointing the database at `path` every `interval` while `owner` lives.
    init(path: String, interval: Duration = .milliseconds(250), owner: some AnyObject & Sendable) {
        weak let owner = owner
        task = Task.detached(priority: .utility) {
            var configuration = SQLiteStore.configuration(readonly: false)
            configuration.label = "palisade-checkpoint"
            guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return }
            defer { try? queue.close() }
            while !Task.isCancelled, owner != nil {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                // Passive: never waits for readers or writers; what it cannot copy now, the next round copies.
                _ = try? await queue.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            }
        }
    }

    /// Stops checkpointing.
    func stop() {
        task.cancel()
    }
}
