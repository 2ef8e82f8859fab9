import Foundation

/// Runs blocking work (waiting for a child process, reading its pipes) on a thread of its own. Swift's tasks share as
/// many threads as the machine has cores (two here); a test that blocks one while a server runs in the same process
/// (`ServerHarness`) can starve that server, and its peers then time out. The async forms of the process helpers
/// (`PalisadeCLI.run`, `PythonPeer.run`, `SQLiteShell.query`) go through this.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
