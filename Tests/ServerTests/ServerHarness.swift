import AsyncHTTPClient
import Federation
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PalisadeTesting
import Prometheus
import Server
import ServiceLifecycle
import Store

/// A real server set-up on a temporary data directory: SQLite file, metrics registry, and a log that tests read.
struct ServerHarness {
    let directory: TemporaryDirectory
    var configuration: PalisadeConfiguration
    let registry = PrometheusCollectorRegistry()
    let sink = LogSink.capturing(now: { Date(timeIntervalSince1970: 1_795_000_000) })

    init(_ name: String = "server", configure: (inout PalisadeConfiguration) -> Void = { _ in }) throws {
        directory = try TemporaryDirectory(name)
        var configuration = PalisadeConfiguration()
        configuration.dataDirectory = directory.path("data")
        configuration.listen = ListenAddress(host: "127.0.0.1", port: 0)
        configure(&configuration)
        self.configuration = configuration
    }

    func logger(format: LogFormat = .text) -> Logger {
        let sink = self.sink
        return Logger(label: "palisade") { label in
            LineLogHandler(label: label, level: .debug, format: format, sink: sink)
        }
    }

    /// Opens and migrates the store the way `serve` does.
    func openStore() throws -> SQLiteStore {
        try PalisadeServer.openStore(configuration, logger: logger())
    }

    /// A fixed key for the service actor (Mastodon's published test key), so route tests need no key generation.
    static let serviceKeyPEM = try! Fixtures.text("keys/mastodon-remote-domain-bob.public.pem")

    /// A key directory that fetches nothing (route tests that reach it fail with "unresolvable").
    static let offlineClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    func dependencies(store: SQLiteStore, format: LogFormat = .text) -> ApplicationDependencies {
        ApplicationDependencies(
            configuration: configuration, store: store, registry: registry, logger: logger(format: format),
            serviceActor: ServiceActor(baseURL: configuration.effectiveBaseURL, publicKeyPEM: Self.serviceKeyPEM),
            remoteKeys: RemoteKeyDirectory(
                client: Self.offlineClient, signer: nil,
                settings: .init(addressPolicy: AddressPolicy(allowPrivateAddresses: false)), now: { Date() }),
            deliveryClient: DeliveryClient(
                client: Self.offlineClient, addressPolicy: AddressPolicy(allowPrivateAddresses: configuration.federation.allowPrivateAddresses),
                userAgent: "Palisade/test"),
            httpClient: Self.offlineClient)
    }

    /// Opens the store, builds the application and drives it with HummingbirdTesting (`.router` in memory,
    /// `.live` on a loopback port); closes the store afterwards.
    func withApplication(
        _ mode: TestingSetup, format: LogFormat = .text,
        _ test: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let store = try openStore()
        defer { try? store.close() }
        try await buildApplication(dependencies(store: store, format: format)).test(mode, test)
    }

    /// A `PalisadeServer` (every lifecycle service: HTTP, inbox worker, delivery worker) running on this harness's
    /// configuration and a loopback port, until `stop`.
    struct Live {
        let harness: ServerHarness
        let port: Int
        let group: ServiceGroup
        let task: Task<Void, any Error>

        /// Shuts the server down gracefully and waits for it.
        func stop() async throws {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }

    /// Starts the server as `palisade serve` runs it and returns once it listens.
    func startServer(extraRoutes: @escaping @Sendable (Router<PalisadeRequestContext>) -> Void = { _ in }) async -> Live {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = PalisadeServer(
            configuration: configuration, registry: registry, logger: logger(), extraRoutes: extraRoutes, onListening: { continuation.yield($0) })
        let group = ServiceGroup(services: [server], logger: logger())
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        return Live(harness: self, port: await iterator.next() ?? 0, group: group, task: task)
    }

    /// Log lines that contain `text`.
    func logLines(containing text: String) -> [String] {
        sink.lines.filter { $0.contains(text) }
    }
}
