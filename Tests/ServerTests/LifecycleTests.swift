import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import Federation
import HTTPSignatures
import Moderation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Server
import ServiceLifecycle
import Store
import Testing

/// The whole service on a real loopback port, started and stopped the way `palisade serve` does.
@Suite struct LifecycleTests {
    /// Runs a `PalisadeServer` in a `ServiceGroup`; returns the group, its running task and the bound port.
    private func start(
        _ harness: ServerHarness,
        extraRoutes: @escaping @Sendable (Router<PalisadeRequestContext>) -> Void = { _ in }
    ) async throws -> (ServiceGroup, Task<Void, any Error>, Int) {
        let live = await harness.startServer(extraRoutes: extraRoutes)
        guard live.port != 0 else { throw HarnessError("server did not start") }
        return (live.group, live.task, live.port)
    }

    @Test func servesHealthzAndMetricsOnAnEphemeralPort() async throws {
        let metricsPort = Int.random(in: 30_000...50_000)
        let harness = try ServerHarness("lifecycle") { $0.metrics.listen = ListenAddress(host: "127.0.0.1", port: metricsPort) }
        let (group, task, port) = try await start(harness)
        #expect(port != 0)
        // The public listener does not serve metrics without a token; the loopback metrics listener does.
        let closed = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(10))
        #expect(closed.status == .notFound)
        _ = try await closed.body.collect(upTo: 1 << 16)
        try await Task.sleep(for: .milliseconds(300))

        let health = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(10))
        #expect(health.status == .ok)
        #expect(String(buffer: try await health.body.collect(upTo: 1 << 16)).contains(#""database":"ok""#))

        let metrics = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(metricsPort)/metrics"), timeout: .seconds(10))
        #expect(metrics.status == .ok)
        let text = String(buffer: try await metrics.body.collect(upTo: 1 << 20))
        #expect(text.contains(#"palisade_http_requests_total{method="GET",route="/healthz",status="200"} 1"#))

        await group.triggerGracefulShutdown()
        try await task.value
        #expect(harness.logLines(containing: "stopped: requests drained, database closed").count == 1)
    }

    @Test func firstStartCreatesTheServiceKeyAndLaterStartsKeepIt() async throws {
        let harness = try ServerHarness("service-key")
        for _ in 0..<2 {
            let (group, task, _) = try await start(harness)
            await group.triggerGracefulShutdown()
            try await task.value
        }
        #expect(harness.logLines(containing: "created the service actor's RSA-2048 key").count == 1)
        #expect(harness.logLines(containing: "applied migrations").count == 1)
        let store = try SQLiteStore(path: harness.configuration.databasePath)
        let key = try #require(try await store.key(for: .service))
        try store.close()
        #expect(key.keyPair.bitCount == 2048)

        // The actor document publishes exactly the stored key.
        let (group, task, port) = try await start(harness)
        let (status, body) = try await LoopbackHTTP.get("http://127.0.0.1:\(port)/actor", headers: [("Accept", "application/activity+json")])
        await group.triggerGracefulShutdown()
        try await task.value
        #expect(status == 200)
        let document = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let publicKey = document?["publicKey"] as? [String: Any]
        #expect(publicKey?["publicKeyPem"] as? String == key.keyPair.publicKeyPEM)
    }

    @Test func theServerCheckpointsTheAuditChainsOutsideTheDatabaseWithItsKey() async throws {
        let harness = try ServerHarness("audit-checkpoints") { $0.audit.checkpointIntervalSeconds = 1 }
        let (group, task, _) = try await start(harness)
        let path = harness.configuration.auditCheckpointsPath
        var waited = 0
        while !FileManager.default.fileExists(atPath: path), waited < 100 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        await group.triggerGracefulShutdown()
        try await task.value
        #expect(harness.logLines(containing: "created the audit chain's key").count == 1)
        var generator = SystemRandomNumberGenerator()
        let key = try AuditKeyFile.loadOrCreate(path: harness.configuration.auditKeyPath, create: false, using: &generator).key
        let checkpoint = try #require(try await AuditCheckpointFile(path: path).last(), "a checkpoint within a second or two")
        #expect(checkpoint.isAuthentic(key: key))
        #expect(checkpoint.head(of: 0) != nil, "the service chain's head")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
    }

    @Test func aConfiguredAuditKeyFileMustExist() async throws {
        let harness = try ServerHarness("audit-key-file") { $0.audit.keyFile = "/nonexistent/audit.key" }
        #expect(throws: AuditKeyFileError.missing("/nonexistent/audit.key")) { try harness.openStore() }
        #expect(AuditKeyFileError.missing("/nonexistent/audit.key").description.contains("head -c 32 /dev/urandom"))
    }

    @Test func gracefulShutdownLetsASlowInFlightRequestComplete() async throws {
        let harness = try ServerHarness("graceful")
        let (arrivals, arrived) = AsyncStream.makeStream(of: Void.self)
        let (group, task, port) = try await start(harness) { router in
            router.get("/test/slow") { _, _ -> String in
                arrived.yield()
                try await Task.sleep(for: .milliseconds(1500))
                return "finished"
            }
        }
        let slow = Task {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/test/slow"), timeout: .seconds(30))
            return (response.status, String(buffer: try await response.body.collect(upTo: 1024)))
        }
        var iterator = arrivals.makeAsyncIterator()
        await iterator.next()  // the request is inside the handler now

        await group.triggerGracefulShutdown()
        let (status, body) = try await slow.value
        #expect(status == .ok)
        #expect(body == "finished")
        try await task.value

        // Stopped: nothing listens any more, and the database was closed cleanly.
        await #expect(throws: (any Error).self) {
            _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(5))
        }
        #expect(harness.logLines(containing: "stopped: requests drained, database closed").count == 1)
        // A clean stop checkpoints the WAL: the database file alone holds everything.
        let wal = harness.configuration.databasePath + "-wal"
        let walBytes = FileManager.default.fileExists(atPath: wal) ? try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int : 0
        #expect(walBytes == 0)
    }

    @Test func anAddressInUseFailsStartupWithAClearError() async throws {
        let first = try ServerHarness("port-a")
        let (group, task, port) = try await start(first)
        defer { Task { await group.triggerGracefulShutdown() } }
        let second = try ServerHarness("port-b") { $0.listen = ListenAddress(host: "127.0.0.1", port: port) }
        let server = PalisadeServer(configuration: second.configuration, logger: second.logger())
        let error = await #expect(throws: (any Error).self) {
            try await ServiceGroup(services: [server], logger: second.logger()).run()
        }
        // Named before the second server opens its database (issue 18).
        #expect((error as? ListenError) == .inUse(ListenAddress(host: "127.0.0.1", port: port)), "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: second.configuration.databasePath))
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
