import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// Runs `palisade serve` in this process: installs the log and metrics backends, then runs `PalisadeServer`
/// in a `ServiceGroup` that turns SIGTERM/SIGINT into a graceful shutdown.
public enum ServiceRunner {
    /// How long in-flight work may take to finish after SIGTERM before it is cancelled.
    public static let shutdownGrace: Duration = .seconds(30)

    /// Serves until a signal; throws when start-up fails (database, key, address in use).
    public static func serve(_ configuration: PalisadeConfiguration) async throws {
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, level: configuration.log.level, format: configuration.log.format, sink: .standardError)
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "palisade")
        var groupConfiguration = ServiceGroupConfiguration(
            services: [PalisadeServer(configuration: configuration, registry: registry, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = shutdownGrace
        logger.info("starting", metadata: ["version": .string(PalisadeVersion.current), "data_dir": .string(configuration.dataDirectory)])
        try await ServiceGroup(configuration: groupConfiguration).run()
    }
}
