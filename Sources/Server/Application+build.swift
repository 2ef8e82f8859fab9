import ActivityStreams
import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Federation
import Logging
import Moderation
import NIOCore
import Prometheus
import Rules
import ServiceLifecycle
import Store

/// What the HTTP application is built from; the executable and the tests fill it the same way.
public struct ApplicationDependencies: Sendable {
    /// The checked configuration.
    public var configuration: PalisadeConfiguration
    /// The open, migrated database.
    public var store: SQLiteStore
    /// Where metrics are collected and `/metrics` reads them.
    public var registry: PrometheusCollectorRegistry
    /// The root logger; each request gets a child with its `request_id`.
    public var logger: Logger
    /// The service actor, with the key created on first start.
    public var serviceActor: ServiceActor
    /// Where signature keys of remote actors are found.
    public var remoteKeys: RemoteKeyDirectory
    /// What signs and sends deliveries.
    public var deliveryClient: DeliveryClient
    /// The HTTP client (redirects off) for instances' admin APIs.
    public var httpClient: HTTPClient
    /// The wall clock (fixed in tests).
    public var now: @Sendable () -> Date
    /// The rule set in use, reloaded on SIGHUP and by the admin API.
    public var rules: ActiveRules
    /// Live case changes, fanned out to the moderation API's event streams.
    public var changes: CaseChanges
    /// The service's own secret (`data_dir/palisade.key`), from which domain proofs are derived.
    public var secret: ServiceSecret
    /// Wakes the delivery worker, the decision dispatcher and the admin-API enforcer when work was stored for them.
    let doorbells = (deliveries: Doorbell(), decisions: Doorbell(), enforcement: Doorbell())

    /// Collects the dependencies.
    public init(
        configuration: PalisadeConfiguration, store: SQLiteStore, registry: PrometheusCollectorRegistry, logger: Logger,
        serviceActor: ServiceActor, remoteKeys: RemoteKeyDirectory, deliveryClient: DeliveryClient, httpClient: HTTPClient,
        now: @escaping @Sendable () -> Date = SystemClock.now, rules: ActiveRules? = nil, secret: ServiceSecret = ServiceSecret(key: SymmetricKey(size: .bits256))
    ) {
        self.secret = secret
        self.httpClient = httpClient
        self.rules = rules ?? ActiveRules(
            directory: configuration.rulesDirectory, overlaysDirectory: configuration.overlaysDirectory,
            cache: PrefilterCache(directory: configuration.dataDirectory + "/cache/prefilter"),
                    allowFailingTests: configuration.rules.allowFailingTests, logger: logger)
        self.changes = CaseChanges(observer: CaseLog.observer(logger, registry: registry))
        self.deliveryClient = deliveryClient
        self.configuration = configuration
        self.store = store
        self.registry = registry
        self.logger = logger
        self.serviceActor = serviceActor
        self.remoteKeys = remoteKeys
        self.now = now
    }
}

/// Builds the router with every controller and the middleware every request passes through.
/// `extraRoutes` mounts additional routes behind the same middleware (tests use it for a deliberately slow route).
public func buildRouter(
    _ dependencies: ApplicationDependencies,
    extraRoutes: (Router<PalisadeRequestContext>) -> Void = { _ in }
) -> Router<PalisadeRequestContext> {
    let router = Router(context: PalisadeRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: RequestMetricsMiddleware(factory: PrometheusMetricsFactory(registry: dependencies.registry)))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: BodyLimitMiddleware(maxBytes: dependencies.configuration.limits.bodyBytes))
    HealthController(store: dependencies.store).addRoutes(to: router)
    MetricsController(
        registry: dependencies.registry, token: dependencies.configuration.metrics.token,
        gauges: MemoryGauges(registry: dependencies.registry, directory: dependencies.remoteKeys),
        moderation: ModerationGauges(registry: dependencies.registry, store: dependencies.store, now: dependencies.now, logger: dependencies.logger)
    ).addRoutes(to: router)
    let configuration = dependencies.configuration
    let store = dependencies.store
    let baseURL = configuration.effectiveBaseURL
    let accounts = HostedAccounts(accounts: store, keys: store, followers: store, baseURL: baseURL, now: dependencies.now)
    DiscoveryController(serviceActor: dependencies.serviceActor, accounts: accounts, posts: store).addRoutes(to: router)
    UsersController(accounts: accounts, posts: store, followers: store, baseURL: baseURL).addRoutes(to: router)
    AdminRulesController(rules: dependencies.rules, token: configuration.admin.token).addRoutes(to: router)
    AdminAccountsController(
        outbox: Outbox(baseURL: baseURL, accounts: store, posts: store, followers: store, now: dependencies.now),
        deliveries: store, token: configuration.admin.token
    ).addRoutes(to: router)
    InboxController(
        gate: InboxGate(
            policy: configuration.verificationPolicy, maximumBodyBytes: configuration.limits.bodyBytes, servedHosts: configuration.servedHosts),
        keys: dependencies.remoteKeys, store: dependencies.store, received: dependencies.store, accounts: accounts,
        scheme: configuration.effectiveBaseURL.scheme ?? "https", now: dependencies.now
    ).addRoutes(to: router)
    let access = ModerationAccess(tenants: store, adminToken: configuration.admin.token)
    ModerationController(
        access: access, desk: caseDesk(dependencies), cases: store, outbox: store, changes: dependencies.changes, now: dependencies.now,
        retried: { [doorbells = dependencies.doorbells] in
            await doorbells.deliveries.ring()
            await doorbells.decisions.ring()
            await doorbells.enforcement.ring()
        },
        ruleQueues: { [rules = dependencies.rules] slug in Set(rules.ruleSet(tenant: slug).rules.compactMap(\.definition.action.queue)) }
    ).addRoutes(to: router)
    AdminModerationController(
        access: access, administration: administration(dependencies),
        tenants: store,
        proofs: DomainProofChecker(
            secret: dependencies.secret.key(for: "domain-proof"), directory: dependencies.remoteKeys,
            plainHTTPForLoopback: configuration.federation.allowPrivateAddresses)
    ).addRoutes(to: router)
    MastodonWebhookController(tenants: store, intake: intake(dependencies), now: dependencies.now).addRoutes(to: router)
    BlocklistController(tenants: store, cases: store, now: dependencies.now).addRoutes(to: router)
    ModerationVocabularyController(baseURL: baseURL).addRoutes(to: router)
    extraRoutes(router)
    return router
}

/// The ingest pipeline over the application's store and rule sets (each tenant's: global plus its overlay).
func intake(_ dependencies: ApplicationDependencies) -> Intake {
    let rules = dependencies.rules
    return Intake(
        tenants: dependencies.store, cases: dependencies.store, ruleSet: { rules.ruleSet(tenant: $0.slug) }, changes: dependencies.changes,
        statusLookup: RemoteStatusLookup(directory: dependencies.remoteKeys), windows: dependencies.store, logger: dependencies.logger,
        now: dependencies.now)
}

/// The admin operations over the application's store, checking and checkpointing the audit chains with its key.
func administration(_ dependencies: ApplicationDependencies) -> Administration {
    Administration(
        directory: dependencies.store, cases: dependencies.store, newToken: Administration.systemTokens, now: dependencies.now,
        auditKey: dependencies.store.auditKey, checkpoints: AuditCheckpointFile(path: dependencies.configuration.auditCheckpointsPath))
}

/// The moderators' operations over the application's store.
func caseDesk(_ dependencies: ApplicationDependencies) -> CaseDesk {
    let rules = dependencies.rules
    return CaseDesk(
        cases: dependencies.store, changes: dependencies.changes, ruleSetVersion: { rules.ruleSet.version }, now: dependencies.now,
        decisionsOut: dependencies.doorbells.decisions)
}

/// Builds the Hummingbird application listening on `configuration.listen`; `onListening` gets the bound port.
public func buildApplication(
    _ dependencies: ApplicationDependencies,
    extraRoutes: (Router<PalisadeRequestContext>) -> Void = { _ in },
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let listen = dependencies.configuration.listen
    let logger = dependencies.logger
    let limits = dependencies.configuration.limits
    let connections = ConnectionCount(total: FileLimit.connectionCap(configured: limits.connections), perAddress: limits.connectionsPerAddress)
    return Application(
        router: buildRouter(dependencies, extraRoutes: extraRoutes),
        // A connection that sends nothing for a minute is closed (idle keep-alives); one whose request trickles in is
        // closed when its time is up (slow loris); connections beyond the caps are answered 503 and closed.
        server: .http1(configuration: .init(
            additionalChannelHandlers: [
                ConnectionGuard(
                    count: connections, requestTime: .seconds(Int64(limits.requestSeconds)), minimumBytesPerSecond: limits.bodyBytesPerSecond)
            ],
            idleTimeout: .seconds(60))),
        configuration: .init(
            address: .hostname(listen.host, port: listen.port),
            serverName: "Palisade/\(PalisadeVersion.current)"
        ),
        services: [
            InboxWorker(processor: inboxProcessor(dependencies), logger: logger),
            DeliveryService(worker: deliveryWorker(dependencies), client: dependencies.deliveryClient),
            HeapTrimService(),
            RulesReloadService(rules: dependencies.rules),
            SanctionExpiryService(cases: dependencies.store, logger: logger, now: dependencies.now),
            AuditCheckpointService(
                administration: administration(dependencies), interval: .seconds(dependencies.configuration.audit.checkpointIntervalSeconds),
                logger: logger),
            decisionDispatcher(dependencies),
            mastodonEnforcer(dependencies),
        ] + metricsListener(dependencies),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? listen.port
            logger.notice(
                "listening",
                metadata: [
                    "address": .string(ListenAddress(host: listen.host, port: port).description),
                    "base_url": .string(dependencies.configuration.effectiveBaseURL.absoluteString),
                ])
            await onListening(port)
        },
        logger: logger
    )
}

/// The inbox worker's processor over the application's store.
func inboxProcessor(_ dependencies: ApplicationDependencies) -> InboxProcessor {
    let store = dependencies.store
    return InboxProcessor(
        stores: .init(
            inbox: store,
            flags: ModeratedFlagStore(
                received: store, intake: intake(dependencies), ownActorID: LocalActor.service.id(baseURL: dependencies.configuration.effectiveBaseURL)),
            received: store, accounts: store,
            followers: store),
        directory: dependencies.remoteKeys, baseURL: dependencies.configuration.effectiveBaseURL, now: dependencies.now)
}

/// The delivery worker over the application's store, with the configured concurrency.
func deliveryWorker(_ dependencies: ApplicationDependencies) -> DeliveryWorker {
    var settings = DeliveryWorker.Settings()
    settings.concurrency = dependencies.configuration.delivery.concurrency
    settings.perHostConcurrency = dependencies.configuration.delivery.perHostConcurrency
    return DeliveryWorker(
        queue: dependencies.store, keys: dependencies.store, client: dependencies.deliveryClient,
        baseURL: dependencies.configuration.effectiveBaseURL, settings: settings, now: dependencies.now,
        observe: DeliveryService.observer(dependencies.logger, registry: dependencies.registry),
        reportFailure: { what, error in
            dependencies.logger.error("delivery queue failure", metadata: ["while": .string(what), "error": .string(String(describing: error))])
        }, doorbell: dependencies.doorbells.deliveries)
}

/// The dispatcher of decisions over the application's store and key directory.
func decisionDispatcher(_ dependencies: ApplicationDependencies) -> DecisionDispatcher {
    DecisionDispatcher(
        outbox: dependencies.store, activities: DecisionActivities(baseURL: dependencies.configuration.effectiveBaseURL),
        directory: dependencies.remoteKeys, logger: dependencies.logger, now: dependencies.now, doorbell: dependencies.doorbells.decisions,
        deliveries: dependencies.doorbells.deliveries, enforcement: dependencies.doorbells.enforcement)
}

/// The admin-API enforcer over the application's store.
func mastodonEnforcer(_ dependencies: ApplicationDependencies) -> MastodonEnforcer {
    let directory = dependencies.remoteKeys
    return MastodonEnforcer(
        outbox: dependencies.store, instances: dependencies.store, client: dependencies.httpClient,
        addressPolicy: AddressPolicy(allowPrivateAddresses: dependencies.configuration.federation.allowPrivateAddresses),
        pinned: PinnedClients(eventLoopGroup: dependencies.httpClient.eventLoopGroup),
        username: { uri in try? await directory.actor(uri).username }, logger: dependencies.logger, now: dependencies.now,
        registry: dependencies.registry, doorbell: dependencies.doorbells.enforcement)
}

/// `metrics.listen`: a second, loopback-only listener serving `/metrics` without a token (nothing else), for a
/// Prometheus on the same host; none when unset.
func metricsListener(_ dependencies: ApplicationDependencies) -> [any Service] {
    guard let listen = dependencies.configuration.metrics.listen else { return [] }
    let registry = dependencies.registry
    let gauges = MemoryGauges(registry: registry, directory: dependencies.remoteKeys)
    let moderation = ModerationGauges(registry: registry, store: dependencies.store, now: dependencies.now, logger: dependencies.logger)
    let logger = dependencies.logger
    let router = Router()
    router.get("/metrics") { _, _ in await MetricsController.exposition(registry, gauges: gauges, moderation: moderation) }
    return [
        Application(
            router: router, configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "Palisade/\(PalisadeVersion.current)"),
            onServerRunning: { channel in
                logger.notice(
                    "metrics listening",
                    metadata: ["address": .string(ListenAddress(host: listen.host, port: channel.localAddress?.port ?? listen.port).description)])
            }, logger: logger)
    ]
}
