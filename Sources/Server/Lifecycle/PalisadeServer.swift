import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import Hummingbird
import Logging
import Prometheus
import Rules
import ServiceLifecycle
import Store

/// The whole service as one `Service`: prepares the data directory, opens and migrates the database, makes sure
/// the service actor has a key, then serves HTTP until graceful shutdown, and closes the database last.
public struct PalisadeServer: Service {
    private let configuration: PalisadeConfiguration
    private let registry: PrometheusCollectorRegistry
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let extraRoutes: @Sendable (Router<PalisadeRequestContext>) -> Void
    private let onListening: @Sendable (Int) async -> Void

    /// Prepares a server; nothing happens until `run()`.
    public init(
        configuration: PalisadeConfiguration,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = SystemClock.now,
        extraRoutes: @escaping @Sendable (Router<PalisadeRequestContext>) -> Void = { _ in },
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.now = now
        self.extraRoutes = extraRoutes
        self.onListening = onListening
    }

    /// Runs until graceful shutdown (SIGTERM/SIGINT through the enclosing `ServiceGroup`): in-flight requests
    /// finish, then the database closes.
    public func run() async throws {
        AllocatorTuning.apply()
        let files = try FileLimit.raiseOrRefuse()
        logger.debug("open-file limit", metadata: ["limit": .stringConvertible(files)])
        // Before anything is created or migrated: a port in use is named as such.
        try ListenProbe.check(configuration.listen)
        let store = try Self.openStore(configuration, logger: logger)
        do {
            let key = try await LocalActorKey.loadOrCreate(in: store, now: now())
            switch key {
            case .created:
                logger.notice("created the service actor's RSA-2048 key", metadata: ["actor": "\(configuration.effectiveBaseURL.absoluteString)/actor"])
            case .loaded:
                logger.debug("loaded the service actor's key")
            }
            let serviceActor = ServiceActor(baseURL: configuration.effectiveBaseURL, publicKeyPEM: key.key.keyPair.publicKeyPEM)
            // Redirects are followed by the directory itself, so each hop passes the address check.
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            // A client dropped without shutdown traps: every path after this point shuts it down.
            do {
                let remoteKeys = RemoteKeyDirectory(
                    client: client,
                    signer: MessageSigner(key: try SigningKey(key.key.keyPair), keyID: serviceActor.keyID),
                    settings: .init(addressPolicy: AddressPolicy(allowPrivateAddresses: configuration.federation.allowPrivateAddresses)),
                    now: now)
                let rules = ActiveRules(
                    directory: configuration.rulesDirectory, overlaysDirectory: configuration.overlaysDirectory,
                    cache: PrefilterCache(directory: configuration.dataDirectory + "/cache/prefilter"),
                    allowFailingTests: configuration.rules.allowFailingTests, logger: logger)
                await rules.reload(reason: "start")
                let app = buildApplication(
                    ApplicationDependencies(
                        configuration: configuration, store: store, registry: registry, logger: logger,
                        serviceActor: serviceActor, remoteKeys: remoteKeys,
                        deliveryClient: DeliveryClient(
                            client: client, addressPolicy: AddressPolicy(allowPrivateAddresses: configuration.federation.allowPrivateAddresses),
                            userAgent: "Palisade/\(PalisadeVersion.current) (+\(configuration.effectiveBaseURL.absoluteString))"),
                        httpClient: client, now: now, rules: rules,
                        secret: try ServiceSecret.loadOrCreate(dataDirectory: configuration.dataDirectory)),
                    extraRoutes: extraRoutes,
                    onListening: onListening
                )
                try await app.run()
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
        logger.notice("stopped: requests drained, database closed")
    }

    /// Opens the database of a deployment that exists (for every command but `serve` and `admin init`) and applies
    /// pending migrations; a missing database is an error naming where the path came from, never a new empty one.
    public static func openExistingStore(_ configuration: PalisadeConfiguration, logger: Logger) throws -> SQLiteStore {
        guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
            throw DataDirectoryError.noDatabase(
                URL(fileURLWithPath: configuration.databasePath).standardizedFileURL.path, origin: configuration.dataDirectoryOrigin ?? "the configuration")
        }
        return try openStore(configuration, logger: logger)
    }

    /// Creates the data directory (mode 0700) when missing, opens the database (creating it) and applies pending
    /// migrations: `serve` and `admin init`.
    public static func openStore(_ configuration: PalisadeConfiguration, logger: Logger) throws -> SQLiteStore {
        try DataDirectory.prepare(configuration.dataDirectory)
        // The service secret and the audit key live beside the database, outside it: the store seals secrets with
        // the one and keys the audit chain with the other.
        _ = try ServiceSecret.loadOrCreate(dataDirectory: configuration.dataDirectory)
        let auditKey = try AuditKeyFile.load(configuration)
        if case .created = auditKey {
            logger.notice("created the audit chain's key", metadata: ["file": .string(configuration.auditKeyPath)])
        }
        let store = try SQLiteStore(path: configuration.databasePath, auditKey: auditKey.key)
        do {
            let applied = try store.migrate()
            if !applied.isEmpty {
                logger.notice("applied migrations", metadata: ["migrations": .string(applied.joined(separator: ",")), "database": .string(store.path)])
            }
            let sealed = try store.sealPlaintextSecrets()
            if sealed > 0 { logger.notice("sealed secrets stored in plaintext", metadata: ["count": .stringConvertible(sealed)]) }
            return store
        } catch {
            try? store.close()
            throw error
        }
    }
}
