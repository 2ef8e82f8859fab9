import ActivityStreams
import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import Logging
import Moderation
import NIOCore
import NIOHTTP1
import Rules
import Store

#if canImport(Glibc)
import Glibc
#endif

/// One line of `palisade doctor`: what was checked, how it went, and what was found.
public struct DeploymentCheck: Sendable, Equatable {
    /// How a check went.
    public enum Outcome: String, Sendable {
        /// Works.
        case ok
        /// Works, but something deserves a look (no exit status of its own).
        case warning = "warn"
        /// Broken: `doctor` exits 1.
        case failure = "FAIL"
    }

    /// The check's name, e.g. `database`, `webfinger`, `instance mastodon.example`.
    public let name: String
    /// How it went.
    public let outcome: Outcome
    /// What was found, in a sentence an operator can act on.
    public let detail: String

    /// A check's result.
    public init(_ name: String, _ outcome: Outcome, _ detail: String) {
        self.name = name
        self.outcome = outcome
        self.detail = detail
    }

    /// `ok   database: …`, padded so the names line up.
    public var line: String {
        outcome.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0) + name + ": " + detail
    }
}

/// The self-check of a deployment (`palisade doctor`): the database, the rules, the public URL from outside, the
/// service key against the published actor, every attached instance's actor and key, and free disk space. It never
/// creates or migrates anything.
public enum DeploymentChecks {
    /// What `run` may wait for and how much it needs.
    public struct Settings: Sendable {
        /// Free space below this on `data_dir`'s file system fails the disk check.
        public var minimumFreeBytes: UInt64 = 1 << 30
        /// Each HTTP request's limit.
        public var timeout: TimeAmount = .seconds(10)
        /// The public URL to check, when not `base_url` (a check from inside a private network).
        public var baseURL: URL?

        /// The defaults: 1 GiB free, 10 s per request, `base_url`.
        public init() {}
    }

    /// Runs every check in order, handing each to `report` as it finishes (an operator watching a slow instance sees
    /// the lines before it); a check whose prerequisite failed says so instead of running.
    @discardableResult
    public static func run(
        _ configuration: PalisadeConfiguration, settings: Settings = Settings(), report: (DeploymentCheck) -> Void = { _ in }
    ) async -> [DeploymentCheck] {
        var checks: [DeploymentCheck] = []
        func add(_ check: DeploymentCheck) {
            checks.append(check)
            report(check)
        }
        let database = await checkDatabase(configuration)
        add(database.check)
        add(await checkRules(configuration))
        var clientConfiguration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        clientConfiguration.timeout = .init(connect: settings.timeout, read: settings.timeout)
        // One attempt: a refused connection is the answer the operator needs now, not after retries until the timeout.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let base = settings.baseURL ?? configuration.effectiveBaseURL
        add(await checkHealth(base, client: client, timeout: settings.timeout))
        let webFinger = await checkWebFinger(base, client: client, timeout: settings.timeout)
        add(webFinger.check)
        if let store = database.store {
            add(await checkServiceKey(actorID: webFinger.actorID, base: base, store: store, client: client, timeout: settings.timeout))
            await checkInstances(configuration, store: store, client: client, timeout: settings.timeout, report: add)
            try? store.close()
        } else {
            add(DeploymentCheck("service key", .failure, "not checked: the database is not usable"))
            add(DeploymentCheck("instances", .failure, "not checked: the database is not usable"))
        }
        try? await client.shutdown()
        add(checkDisk(configuration.dataDirectory, minimumFree: settings.minimumFreeBytes))
        return checks
    }

    /// The database exists, answers, and has every migration this build knows (and none it does not).
    static func checkDatabase(_ configuration: PalisadeConfiguration) async -> (check: DeploymentCheck, store: SQLiteStore?) {
        let path = URL(fileURLWithPath: configuration.databasePath).standardizedFileURL.path
        let origin = configuration.dataDirectoryOrigin ?? "the configuration"
        guard FileManager.default.fileExists(atPath: path) else {
            return (DeploymentCheck("database", .failure, "no Palisade database at \(path) (data_dir from \(origin)): run palisade admin init or serve"), nil)
        }
        let plan: MigrationPlan
        do {
            plan = try SQLiteStore.migrationPlan(path: path)
        } catch {
            return (DeploymentCheck("database", .failure, "cannot read \(path): \(error)"), nil)
        }
        if !plan.unknown.isEmpty {
            return (DeploymentCheck(
                "database", .failure,
                "\(path) has migrations this build does not know (\(plan.unknown.joined(separator: ", "))): it was written by a newer Palisade"), nil)
        }
        if !plan.pending.isEmpty {
            return (DeploymentCheck(
                "database", .failure,
                "\(path) lacks \(plan.pending.count) migration\(plan.pending.count == 1 ? "" : "s") (\(plan.pending.first!)…): restart serve or run palisade admin migrate"),
                nil)
        }
        do {
            // Read-only beside the running server: no checkpoint, no write, nothing left behind.
            let store = try SQLiteStore(readingOnly: path)
            do {
                try await store.checkHealth()
            } catch {
                try? store.close()
                return (DeploymentCheck("database", .failure, "\(path) does not answer: \(error)"), nil)
            }
            return (DeploymentCheck("database", .ok, "\(path), \(plan.applied.count) migrations applied, none pending"), store)
        } catch {
            return (DeploymentCheck("database", .failure, "cannot open \(path): \(error)"), nil)
        }
    }

    /// The rules (and every tenant overlay) compile and their own tests pass, as a start or reload would require.
    static func checkRules(_ configuration: PalisadeConfiguration) async -> DeploymentCheck {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: configuration.rulesDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            let path = URL(fileURLWithPath: configuration.rulesDirectory).standardizedFileURL.path
            return DeploymentCheck("rules", .warning, "no rules directory at \(path): no rules are evaluated")
        }
        // No prefilter cache: the check compiles in memory and writes nothing under data_dir.
        let rules = ActiveRules(
            directory: configuration.rulesDirectory, overlaysDirectory: configuration.overlaysDirectory, cache: nil,
            allowFailingTests: configuration.rules.allowFailingTests, logger: Logger(label: "palisade", factory: { _ in SwiftLogNoOpLogHandler() }))
        switch await rules.reload(reason: "doctor") {
        case .loaded(let set, _, let warnings):
            let cost = warnings.isEmpty ? "" : ", \(warnings.count) warning\(warnings.count == 1 ? "" : "s") (palisade rules check shows them)"
            let tests = configuration.rules.allowFailingTests ? "serve takes them (rules.allow_failing_tests)" : "their tests pass"
            return DeploymentCheck("rules", .ok, "\(set.rules.count) rules load and \(tests), version \(set.version)\(cost)")
        case .refused(let load):
            let errors = load.diagnostics.filter { $0.severity == .error }
            let first = errors.first.map { ": " + $0.rendered(source: nil).split(separator: "\n").first.map(String.init)! } ?? ""
            return DeploymentCheck("rules", .failure, "\(errors.count) error\(errors.count == 1 ? "" : "s") in the rules or a tenant overlay\(first)")
        case .testsFailed(let failing):
            return DeploymentCheck(
                "rules", .failure,
                "\(failing.count) of the rules' own tests fail, so serve would refuse them: \(failing.prefix(3).map(ActiveRules.line).joined(separator: "; "))")
        }
    }

    /// `base_url/healthz` answers 200.
    static func checkHealth(_ base: URL, client: HTTPClient, timeout: TimeAmount) async -> DeploymentCheck {
        let url = base.absoluteString + "/healthz"
        switch await get(url, accept: "application/json", client: client, timeout: timeout) {
        case .success((200, _)): return DeploymentCheck("health", .ok, "\(url) answers 200")
        case .success((let status, _)): return DeploymentCheck("health", .failure, "\(url) answered \(status)")
        case .failure(let error): return DeploymentCheck("health", .failure, "\(url) is not reachable: \(error.reason)")
        }
    }

    /// WebFinger for the service actor (`acct:HOST@HOST`) answers with a `self` link.
    static func checkWebFinger(_ base: URL, client: HTTPClient, timeout: TimeAmount) async -> (check: DeploymentCheck, actorID: String?) {
        let service = ServiceActor(baseURL: base, publicKeyPEM: "")
        let url = base.absoluteString + "/.well-known/webfinger?resource=" + service.account
        switch await get(url, accept: "application/jrd+json", client: client, timeout: timeout) {
        case .success((200, let body)):
            let links = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["links"] as? [[String: Any]] ?? []
            guard let actor = links.first(where: { $0["rel"] as? String == "self" })?["href"] as? String else {
                return (DeploymentCheck("webfinger", .failure, "\(url) has no self link"), nil)
            }
            guard actor == service.id else {
                // The href is not followed: what base_url should publish is checked, nothing else.
                return (DeploymentCheck("webfinger", .failure, "\(service.account) points at \(actor), not \(service.id): is base_url right?"), nil)
            }
            return (DeploymentCheck("webfinger", .ok, "\(service.account) → \(actor)"), actor)
        case .success((let status, _)):
            return (DeploymentCheck("webfinger", .failure, "\(url) answered \(status)"), nil)
        case .failure(let error):
            return (DeploymentCheck("webfinger", .failure, "\(url) is not reachable: \(error.reason)"), nil)
        }
    }

    /// The actor published at `base_url/actor` carries the key this database signs with.
    static func checkServiceKey(actorID: String?, base: URL, store: SQLiteStore, client: HTTPClient, timeout: TimeAmount) async -> DeploymentCheck {
        let stored: StoredActorKey
        do {
            guard let key = try await store.key(for: .service) else {
                return DeploymentCheck("service key", .failure, "the database holds no service key yet: start serve once")
            }
            stored = key
        } catch {
            return DeploymentCheck("service key", .failure, "cannot read the service key: \(error)")
        }
        let url = actorID ?? ServiceActor(baseURL: base, publicKeyPEM: "").id
        switch await get(url, accept: "application/activity+json", client: client, timeout: timeout) {
        case .success((200, let body)):
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            guard let published = (object?["publicKey"] as? [String: Any])?["publicKeyPem"] as? String else {
                return DeploymentCheck("service key", .failure, "\(url) publishes no publicKey.publicKeyPem")
            }
            let local = stored.keyPair.publicKeyPEM
            guard Self.samePEM(published, local) else {
                return DeploymentCheck(
                    "service key", .failure,
                    "\(url) publishes a different key than this database holds: base_url serves another deployment, or another database")
            }
            return DeploymentCheck("service key", .ok, "\(url) publishes this database's key")
        case .success((let status, _)):
            return DeploymentCheck("service key", .failure, "\(url) answered \(status)")
        case .failure(let error):
            return DeploymentCheck("service key", .failure, "\(url) is not reachable: \(error.reason)")
        }
    }

    /// Each attached instance's actor is reachable (a signed GET, as deliveries make) and its key fetches.
    static func checkInstances(
        _ configuration: PalisadeConfiguration, store: SQLiteStore, client: HTTPClient, timeout: TimeAmount, report: (DeploymentCheck) -> Void
    ) async {
        let instances: [AttachedInstance]
        let slugs: [TenantID: String]
        do {
            instances = try await store.instances(tenant: nil)
            slugs = Dictionary(uniqueKeysWithValues: try await store.tenants().map { ($0.id, $0.slug) })
        } catch {
            report(DeploymentCheck("instances", .failure, "cannot list attached instances: \(error)"))
            return
        }
        guard !instances.isEmpty else {
            report(DeploymentCheck("instances", .ok, "none attached"))
            return
        }
        var signer: MessageSigner?
        if let key = try? await store.key(for: .service), let signing = try? SigningKey(key.keyPair) {
            signer = MessageSigner(key: signing, keyID: ServiceActor(baseURL: configuration.effectiveBaseURL, publicKeyPEM: "").keyID)
        }
        var settings = RemoteKeyDirectory.Settings(addressPolicy: AddressPolicy(allowPrivateAddresses: configuration.federation.allowPrivateAddresses))
        settings.timeout = timeout
        let directory = RemoteKeyDirectory(client: client, signer: signer, settings: settings, now: SystemClock.now)
        for instance in instances {
            let name = "instance \(instance.domain.value) (\(slugs[instance.tenantID] ?? "?"))"
            do {
                let actor = try await directory.actor(instance.actorID)
                guard let keyID = actor.publicKeys.first?.id else {
                    report(DeploymentCheck(name, .failure, "its actor \(instance.actorID) publishes no key: its Flags cannot be verified"))
                    continue
                }
                _ = try await directory.resolve(keyID)
                report(DeploymentCheck(name, .ok, "actor \(instance.actorID) and its key \(keyID) fetch"))
            } catch {
                let refused = Self.isRefusal(error)
                report(DeploymentCheck(name, .failure, "actor \(instance.actorID): " + (refused ? "\(instance.actorID) refused the connection" : "\(error)")))
            }
        }
    }

    /// Free space on the file system of `data_dir`, for an unprivileged writer.
    static func checkDisk(_ directory: String, minimumFree: UInt64) -> DeploymentCheck {
        // A data_dir not made yet is checked where it will be made.
        var existing = URL(fileURLWithPath: directory).standardizedFileURL
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" { existing.deleteLastPathComponent() }
        var stats = statvfs()
        guard statvfs(existing.path, &stats) == 0 else {
            return DeploymentCheck("disk", .failure, "cannot read the file system of \(directory): \(String(cString: strerror(errno)))")
        }
        let free = UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
        let total = UInt64(stats.f_blocks) * UInt64(stats.f_frsize)
        let text = "\(bytes(free)) free of \(bytes(total)) on \(existing.path)"
        guard free >= minimumFree else { return DeploymentCheck("disk", .failure, text + ", under the \(bytes(minimumFree)) asked for") }
        return DeploymentCheck("disk", .ok, text)
    }

    /// `1.5 GiB`, `300 MiB`.
    static func bytes(_ count: UInt64) -> String {
        let gib = Double(count) / Double(1 << 30)
        if gib >= 1 { return String(format: "%.1f GiB", gib) }
        return String(format: "%.0f MiB", Double(count) / Double(1 << 20))
    }

    /// Two PEMs with the same base64 body (line breaks and surrounding space aside).
    static func samePEM(_ a: String, _ b: String) -> Bool {
        func body(_ pem: String) -> String { pem.split(whereSeparator: \.isWhitespace).joined() }
        return body(a) == body(b)
    }

    /// Why a GET failed, shown to the operator.
    struct GetFailure: Error {
        let reason: String
    }

    /// A GET of `url`: status and at most 1 MiB of body.
    static func get(_ url: String, accept: String, client: HTTPClient, timeout: TimeAmount) async -> Result<(Int, Data), GetFailure> {
        // The whole exchange, body included, within the timeout: a server trickling a byte at a time does not hold
        // the check (the client's own deadline ends with the response head).
        await withTaskGroup(of: Result<(Int, Data), GetFailure>?.self) { group in
            group.addTask { await fetch(url, accept: accept, client: client, timeout: timeout) }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(timeout.nanoseconds))
                return Task.isCancelled ? nil : .failure(GetFailure(reason: "no whole answer within \(timeout.nanoseconds / 1_000_000_000) s"))
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(GetFailure(reason: "no answer"))
        }
    }

    private static func fetch(_ url: String, accept: String, client: HTTPClient, timeout: TimeAmount) async -> Result<(Int, Data), GetFailure> {
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: accept)
            request.headers.add(name: "User-Agent", value: "Palisade/\(PalisadeVersion.current) (doctor)")
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 1 << 20)
            return .success((Int(response.status.code), Data(body.readableBytesView)))
        } catch {
            return .failure(GetFailure(reason: reason(error, timeout: timeout)))
        }
    }

    /// Whether the error is a refused TCP connection (the networking libraries report it only in their text).
    static func isRefusal(_ error: any Error) -> Bool {
        String(describing: error).contains("Connection refused")
    }

    /// A transport error in words: the common ones plainly, the rest as the library says.
    static func reason(_ error: any Error, timeout: TimeAmount) -> String {
        if isRefusal(error) { return "connection refused (is serve running, and is base_url right?)" }
        if let error = error as? HTTPClientError, [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
            return "no answer within \(timeout.nanoseconds / 1_000_000_000) s"
        }
        return String(describing: error)
    }
}
