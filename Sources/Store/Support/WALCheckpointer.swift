import Foundation
import GRDB

/// Checkpoints the write-ahead log in the background instead of inside whichever commit crosses SQLite's automatic
/// threshold (the store turns automatic checkpoints off). Each round first copies committed pages into the database
/// file from a connection of its own, while writers go on (a passive checkpoint); then, between two writes, it copies
/// the few pages appended meanwhile on the writer connection, so the log is wholly checkpointed and the next write
/// starts it again from the beginning instead of growing the file (appending to a growing file is what made writes
/// slow). Runs until the store that owns it closes or goes away.
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>

    /// Starts checkpointing `pool`'s database every `interval` while `owner` lives.
    init(pool: DatabasePool, path: String, interval: Duration = .milliseconds(250), owner: some AnyObject & Sendable) {
        weak let owner = owner
        task = Task.detached(priority: .utility) {
            var configuration = SQLiteStore.configuration(readonly: false)
            configuration.label = "palisade-checkpoint"
            // Automatic checkpoints are off, so the log must be checkpointed by someone: if a connection of its own cannot
            // be opened, every pass runs on the writer connection (as SQLite's own checkpoint would).
            let queue = try? DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue?.close() }
            @Sendable func passive() async -> (Int, Int)? {
                if let queue { return try? await queue.writeWithoutTransaction { db in try db.checkpoint(.passive) } }
                return try? await pool.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            }
            while !Task.isCancelled, owner != nil {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, owner != nil else { return }
                // Passive: never waits for readers or writers. Passes repeat while writers append faster than a few pages
                // per pass (each copies only what was appended since the last).
                guard var (logged, copied) = await passive(), logged > 0 else { continue }
                var passes = 1
                while logged - copied > 16, passes < 8, !Task.isCancelled {
                    guard let next = await passive() else { break }
                    (logged, copied) = next
                    passes += 1
                }
                // Pages appended during the last pass (few) are copied between two writes: the log is then wholly copied
                // and the next write starts it again from the beginning instead of making the file longer. (Waiting for
                // a longer log before doing so measured worse: more pages to copy in that pause.)
                if copied < logged {
                    _ = try? await pool.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                }
            }
        }
    }

    /// Stops checkpointing.
    func stop() {
        task.cancel()
    }
}
