import Foundation
import Moderation
import PalisadeTesting
import Store
import Testing

/// SQLite's automatic checkpoint is off; the store's background checkpointer must keep the write-ahead log from
/// growing: once it has caught up, the next write starts the log again from its beginning.
@Suite struct WALCheckpointTests {
    /// The number of frames in the log, from the wal-index header in the `-shm` file (SQLite's file format: `mxFrame`,
    /// a native-order u32 at offset 16). Reading it changes nothing, unlike a checkpoint call would.
    func framesInLog(_ directory: TemporaryDirectory) throws -> UInt32 {
        let header = try Data(contentsOf: URL(fileURLWithPath: directory.path("palisade.sqlite-shm"))).prefix(20)
        return header.suffix(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }

    @Test func theLogStartsAgainOnceTheCheckpointerHasCaughtUp() async throws {
        let directory = try TemporaryDirectory("wal")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("palisade.sqlite"))
        try store.migrate()
        defer { try? store.close() }
        let tenant = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "test", at: Date())
        var written = 0
        func write(_ count: Int) async throws {
            for _ in 0..<count {
                written += 1
                let account = "https://bad.example/users/u\(written)"
                let report = IncomingReport(
                    source: .flag, sourceKey: "https://a.example/flags/\(written)", reporter: "https://a.example/actor", account: account,
                    statuses: [ReportedStatus(id: account + "/statuses/1", text: String(repeating: "evidence ", count: 50))], comment: "spam")
                _ = try await store.record(
                    IntakeItem(account: account, report: report, hits: [], signals: [Signal(queue: "reports", priority: 50)]), tenant: tenant,
                    ruleSetVersion: nil, at: Date())
            }
        }
        try await write(300)  // thousands of pages of log
        let grown = try framesInLog(directory)
        // Without a checkpointer the log only grows; with it, a write after it caught up starts from the beginning.
        var frames = grown
        for _ in 0..<100 where frames >= 100 {
            try await Task.sleep(for: .milliseconds(100))
            try await write(1)
            frames = try framesInLog(directory)
        }
        #expect(frames < 100, "frames in the log after the checkpointer caught up: \(frames) (\(grown) before)")
    }
}
