import GRDB

/// Group commit: writes submitted while a transaction is being committed are gathered into the next one, so many
/// concurrent callers share one fsync. Each write runs in its own savepoint: one failing write is rolled back and
/// reported to its caller alone. A caller resumes only after the transaction holding its write is durable.
actor GroupCommit {
    private struct Item: @unchecked Sendable {
        let apply: (Database) -> Void
        let finish: (_ commitError: (any Error)?) -> Void
    }

    private let pool: DatabasePool
    private var pending: [Item] = []
    private var flushing = false

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `work` in the next group transaction and returns its result once that transaction has committed.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Outcome<T>()
            pending.append(Item(
                apply: { db in
                    do {
                        try db.inSavepoint {
                            outcome.result = .success(try work(db))
                            return .commit
                        }
                    } catch {
                        outcome.result = .failure(error)
                    }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.result ?? .failure(CancellationError()))
                    }
                }))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            do {
                try await pool.write { db in
                    for item in batch { item.apply(db) }
                }
                for item in batch { item.finish(nil) }
            } catch {
                for item in batch { item.finish(error) }
            }
        }
        flushing = false
    }
}

/// One write's result, set inside the transaction and read after it commits (never concurrently).
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
