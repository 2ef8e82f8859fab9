import ActivityStreams
import AsyncHTTPClient
import Federation
import Foundation
import Logging
import Moderation
import NIOCore
import NIOHTTP1
import Store

/// Opens the configured database for a `palisade admin` moderation command (run as the operator, on the file) and
/// closes it afterwards.
public enum ModerationContext {
    /// What an admin command works with.
    public struct Services: Sendable {
        /// The validated admin operations.
        public let administration: Administration
        /// Tenants, instances, moderators.
        public let directory: any TenantDirectory
        /// Cases (for the audit chain).
        public let cases: any CaseStore
        /// Decisions out and the admin-API jobs.
        public let outbox: any DecisionOutbox
        /// The signed-delivery queue.
        public let deliveries: any DeliveryQueue
        /// The operator the command acts as.
        public let principal: Principal

        /// The tenant with `slug`, or a clear error.
        public func tenant(_ slug: String) async throws -> Tenant {
            guard let tenant = try await directory.tenant(slug: slug) else { throw ModerationError.noSuchTenant(slug) }
            return tenant
        }
    }

    /// Runs `body` against the configured data directory.
    public static func with(_ configuration: PalisadeConfiguration, _ body: (Services) async throws -> Void) async throws {
        let store = try PalisadeServer.openExistingStore(configuration, logger: Logger(label: "palisade", factory: { _ in SwiftLogNoOpLogHandler() }))
        let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "cli"
        let principal = Principal(moderator: Moderator(id: 0, tenantID: nil, name: "operator:\(user)", role: .operator), tenantID: nil)
        do {
            try await body(Services(
                administration: Administration(
                    directory: store, cases: store, newToken: Administration.systemTokens, now: SystemClock.now, auditKey: store.auditKey,
                    checkpoints: AuditCheckpointFile(path: configuration.auditCheckpointsPath)),
                directory: store, cases: store, outbox: store, deliveries: store, principal: principal))
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
    }

    /// The instance actor of `domain`, found through WebFinger (`acct:DOMAIN@DOMAIN`, as Mastodon and GoToSocial
    /// publish it); plain HTTP only for loopback hosts when `federation.allow_private_addresses` is set.
    public static func discoverInstanceActor(_ domain: InstanceDomain, configuration: PalisadeConfiguration) async throws -> String {
        var clientConfiguration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        clientConfiguration.timeout = .init(connect: .seconds(5), read: .seconds(15))
        // One attempt: a refused connection is the answer the operator needs now, not after retries until the timeout.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let policy = AddressPolicy(allowPrivateAddresses: configuration.federation.allowPrivateAddresses)
        var settings = RemoteKeyDirectory.Settings(addressPolicy: policy)
        if configuration.federation.allowPrivateAddresses, domain.isLoopback { settings.webFingerScheme = "http" }
        let directory = RemoteKeyDirectory(client: client, signer: nil, settings: settings, now: SystemClock.now)
        do {
            let actor = try await directory.actor(account: "\(domain.value)@\(domain.value)")
            try await client.shutdown()
            return actor.id
        } catch {
            // A TLS failure against a server that answers plain HTTP is named as such, not as the TLS library's error.
            var plainOnly = false
            if case RemoteFetchError.transport(let url, let detail)? = error as? RemoteFetchError, settings.webFingerScheme == "https",
                url.contains("/.well-known/webfinger"), Self.isHandshakeFailure(detail)
            {
                plainOnly = await answersPlainHTTP(domain, client: client, policy: policy)
            }
            try? await client.shutdown()
            if plainOnly {
                throw ModerationError.invalid(
                    "\(domain.value) speaks only plain http: it answered http:// but not https://. ActivityPub between servers needs https: put TLS in front of it (a loopback test instance on 127.0.0.1 or localhost is reached over http when federation.allow_private_addresses is set)")
            }
            throw ModerationError.invalid(
                "could not discover the instance actor of \(domain.value) through WebFinger (\(String(describing: error))); give --actor URL")
        }
    }

    /// Whether a transport error is TLS failing to start (the peer does not speak TLS there), not a timeout, a refused
    /// connection or a certificate problem.
    static func isHandshakeFailure(_ detail: String) -> Bool {
        let lower = detail.lowercased()
        let tls = lower.contains("ssl") || lower.contains("tls") || lower.contains("handshake")
        let certificate = lower.contains("certificate") || lower.contains("verify")
        return tls && !certificate
    }

    /// Whether `domain` answers WebFinger over plain HTTP: a 200 with a JSON object (a redirect to https, or an
    /// error page on a TLS port, is not). Asked only after the TLS handshake failed, and only of an address the
    /// federation's address policy allows.
    static func answersPlainHTTP(_ domain: InstanceDomain, client: HTTPClient, policy: AddressPolicy) async -> Bool {
        do {
            _ = try await policy.checkedAddresses(host: domain.host)
            let request = HTTPClientRequest(url: "http://\(domain.value)/.well-known/webfinger?resource=acct:\(domain.value)@\(domain.value)")
            let response = try await client.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 64 << 10)
            guard response.status == .ok else { return false }
            return (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) is [String: Any]
        } catch {
            return false
        }
    }
}
