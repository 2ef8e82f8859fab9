import Foundation
import Logging

/// The effective configuration of a Palisade process: defaults, then the YAML file, then `PALISADE_*` variables.
public struct PalisadeConfiguration: Sendable, Equatable {
    /// The public URL in every id Palisade mints; nil means `http://` + `listen`.
    public var baseURL: URL?
    /// Where the HTTP server listens.
    public var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8080)
    /// The directory holding the database and other state.
    public var dataDirectory: String = "./data"
    /// Where `dataDirectory` came from, for messages (`palisade.yml:3`, `env PALISADE_DATA_DIR`, `the default, beside
    /// FILE`); nil when not loaded from a file system (`ConfigurationLoader.parse`).
    public var dataDirectoryOrigin: String?
    /// The directory of rule files.
    public var rulesDirectory: String = "./rules"
    /// Tenant overlays: `overlaysDirectory/SLUG` holds rules that add to, replace or disable global ones for that tenant.
    public var overlaysDirectory: String = "./overlays"
    /// Logging.
    public var log = LogSettings()
    /// Request limits.
    public var limits = Limits()
    /// Signature verification policy.
    public var signatures = SignatureSettings()
    /// Outgoing federation policy.
    public var federation = FederationSettings()
    /// Outgoing deliveries.
    public var delivery = DeliverySettings()
    /// The admin API.
    public var admin = AdminSettings()
    /// Loading rules.
    public var rules = RulesSettings()
    /// The `/metrics` endpoint.
    public var metrics = MetricsSettings()
    /// The audit chain's key and checkpoints.
    public var audit = AuditSettings()

    /// The built-in defaults.
    public init() {}

    /// The base URL in use: the configured one, or one derived from `listen`.
    public var effectiveBaseURL: URL {
        if let baseURL { return baseURL }
        return URL(string: "http://\(listen)")!
    }

    /// The `Host` values signed requests must name: the base URL's authority (any port while `listen` picks one).
    public var servedHosts: Set<String> {
        let url = effectiveBaseURL
        guard var host = url.host else { return [] }
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        if baseURL == nil, listen.port == 0 { return [host + ":*"] }
        return [url.port.map { "\(host):\($0)" } ?? host]
    }

    /// The SQLite database file inside the data directory.
    public var databasePath: String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("palisade.sqlite").path
    }

    /// `log.*`
    public struct LogSettings: Sendable, Equatable {
        /// The lowest level written.
        public var level: Logger.Level = .info
        /// One line per event as text or as a JSON object.
        public var format: LogFormat = .text
    }

    /// `limits.*`
    public struct Limits: Sendable, Equatable {
        /// The largest request body accepted; larger ones get 413.
        public var bodyBytes: Int = 1_048_576
        /// Connections open at once over all clients; more are answered 503 and closed (kept below the file limit).
        public var connections: Int = 4096
        /// Connections open at once from one address; more are answered 503 and closed.
        public var connectionsPerAddress: Int = 128
        /// Seconds a client has to send a request's head and body, plus the body's length at `bodyBytesPerSecond`.
        public var requestSeconds: Int = 30
        /// The slowest upload rate allowed for a body (a slow-loris body is cut off).
        public var bodyBytesPerSecond: Int = 16_384
    }

    /// `signatures.*`
    public struct SignatureSettings: Sendable, Equatable {
        /// How far in the past a signature's creation time may lie beyond its validity, in seconds.
        public var clockSkewPastSeconds: Int = 3600
        /// How far in the future a signature's creation time may lie, in seconds.
        public var clockSkewFutureSeconds: Int = 3600
    }

    /// `federation.*`
    public struct FederationSettings: Sendable, Equatable {
        /// Whether Palisade may fetch from private, loopback and link-local addresses (tests on loopback set it).
        public var allowPrivateAddresses: Bool = false
    }

    /// `delivery.*`
    public struct DeliverySettings: Sendable, Equatable {
        /// Deliveries in flight at once.
        public var concurrency: Int = 16
        /// Deliveries in flight to one host at once.
        public var perHostConcurrency: Int = 4
    }

    /// `admin.*`
    public struct AdminSettings: Sendable, Equatable {
        /// When set, the admin API answers requests bearing this token; unset, it is off (404).
        public var token: String?
    }

    /// `rules.*`
    public struct RulesSettings: Sendable, Equatable {
        /// Whether a start or reload takes a rule set whose own tests fail (else it is refused, the running set stays).
        public var allowFailingTests = false
    }

    /// `audit.*`
    public struct AuditSettings: Sendable, Equatable {
        /// The HMAC key's file; nil: `audit.key` in the data directory, created on first start.
        public var keyFile: String?
        /// Seconds between checkpoints of the chains' heads.
        public var checkpointIntervalSeconds: Int = 60
    }

    /// The audit key's file in use: the configured one, or `audit.key` in the data directory.
    public var auditKeyPath: String {
        audit.keyFile ?? URL(fileURLWithPath: dataDirectory).appendingPathComponent("audit.key").path
    }

    /// The append-only file of signed audit checkpoints, in the data directory.
    public var auditCheckpointsPath: String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("audit.checkpoints").path
    }

    /// `metrics.*`
    public struct MetricsSettings: Sendable, Equatable {
        /// When set, `/metrics` on the main listener requires `Authorization: Bearer` with this token; unset, it is
        /// not served there at all.
        public var token: String?
        /// A loopback address serving `/metrics` without a token, for a local Prometheus; nil: none.
        public var listen: ListenAddress?
    }
}

/// How log lines are written.
public enum LogFormat: String, Sendable, Equatable, CaseIterable {
    /// `2026-11-27T12:00:00.000Z info palisade: message key=value`
    case text
    /// One JSON object per line.
    case json
}

/// A host and port to listen on; port 0 asks the system for a free one.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// An IPv4 address, a host name, or an IPv6 address (without brackets).
    public var host: String
    /// The TCP port, 0–65535.
    public var port: Int

    /// Makes an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
