import Foundation
import Moderation
import PalisadeTesting
import Store
import Testing

/// SQLite's automatic checkpoint is off; the store's background checkpointer must keep the write-ahead log from
/// growing: after each pause the log is wholly copied and the next writes reuse it from the beginning.
@Suite struct WALCheckpointTests {
    @Test func theLogStopsGrowingUnderSteadyWrites() async throws {
        let directory = try TemporaryDirectory("wal")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("palisade.sqlite"))
        try store.migrate()
        defer { try? store.close() }
        let tenant = try await store.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "test", at: Date())
        var sizes: [Int] = []
        for round in 0..<5 {
            for index in 0..<150 {
                let account = "https://bad.example/users/r\(round)-\(index)"
                let report = IncomingReport(
                    source: .flag, sourceKey: "https://a.example/flags/\(round)-\(index)", reporter: "https://a.example/actor", account: account,
                    statuses: [ReportedStatus(id: account + "/statuses/1", text: String(repeating: "evidence ", count: 50))], comment: "spam")
                _ = try await store.record(
                    IntakeItem(account: account, report: report, hits: [], signals: [Signal(queue: "reports", priority: 50)]), tenant: tenant,
                    ruleSetVersion: nil, at: Date())
            }
            try await Task.sleep(for: .milliseconds(700))
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.path("palisade.sqlite-wal"))
            sizes.append((attributes[.size] as? NSNumber)?.intValue ?? 0)
        }
        // Without checkpoints the log would hold all five rounds (about five times the first); restarted, it holds about one.
        #expect(sizes[4] < sizes[0] * 2, "WAL sizes after each round: \(sizes)")
    }
}
