import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import Logging
import Moderation
import ModerationAPI
import NIOCore
import NIOHTTP1
import Prometheus
import ServiceLifecycle

/// Applies decisions through the Mastodon admin API of instances that granted a token (the way FediCheck and
/// FediBlockHole apply lists): account actions (`sensitive`, `silence`, `suspend`, with `report_id` and `text`), domain
/// blocks, and the resolution of the instance's own reports; a reversal undoes exactly what was applied. What the
/// instance had already done itself (an account already suspended, a domain already blocked) is left alone and never
/// reversed. Jobs of one instance run in order; 429, 5xx and transport failures are retried through the durable job
/// queue (after `Retry-After` when given), keeping what earlier attempts applied.
struct MastodonEnforcer: Service {
    let outbox: any DecisionOutbox
    let instances: any TenantDirectory
    let client: HTTPClient
    let addressPolicy: AddressPolicy
    /// Clients pinned to the address each instance's host was checked at (a second DNS answer is never used).
    let pinned: PinnedClients
    /// The `preferredUsername` of an account URI (its last path segment when the actor cannot be fetched).
    let username: @Sendable (String) async -> String?
    let logger: Logger
    let now: @Sendable () -> Date
    /// Where `palisade_deliveries_total{kind="admin_api",outcome}` is counted (none: not counted).
    var registry: PrometheusCollectorRegistry?
    var random: @Sendable () -> Double = { Double.random(in: 0..<1) }
    var schedule = RetrySchedule()
    /// Rung when jobs were queued.
    var doorbell = Doorbell()
    var interval: Duration = .seconds(1)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let done = await runDue()
            if done > 0 { continue }
            await cancelWhenGracefulShutdown { await doorbell.wait(upTo: interval) }
        }
        await pinned.shutdown()
    }

    /// Runs the due jobs (one per instance, concurrently) and records their results; returns how many ran.
    @discardableResult
    func runDue() async -> Int {
        let jobs: [EnforcementJob]
        do {
            jobs = try await outbox.dueEnforcement(at: now(), limit: 16, excluding: [])
        } catch {
            logger.error("reading admin-API jobs failed", metadata: ["error": .string(String(describing: error))])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask {
                    let (result, applied) = await perform(job)
                    do {
                        try await outbox.finishEnforcement(job.id, result: result, applied: applied, at: now())
                    } catch {
                        logger.error("recording an admin-API job failed", metadata: ["job": .stringConvertible(job.id), "error": .string(String(describing: error))])
                    }
                    log(job, result)
                }
            }
        }
        return jobs.count
    }

    private func log(_ job: EnforcementJob, _ result: DeliveryResult) {
        registry.map { DeliveryOutcomeCounter.count(result, kind: "admin_api", in: $0) }
        let metadata: Logger.Metadata = ["job": .stringConvertible(job.id), "instance": .string(job.instance), "decision": .stringConvertible(job.decisionID)]
        switch result {
        case .delivered: logger.info("applied through the Mastodon admin API", metadata: metadata)
        case .retry(_, let error): logger.info("Mastodon admin API failed; will retry", metadata: metadata.merging(["error": .string(error)]) { $1 })
        case .dead(let error), .gone(let error):
            logger.warning("Mastodon admin API refused; given up", metadata: metadata.merging(["error": .string(error)]) { $1 })
        }
    }

    /// One attempt at a job: its result and what has been applied so far.
    func perform(_ job: EnforcementJob) async -> (DeliveryResult, MastodonApplied?) {
        var progress = job.applied ?? MastodonApplied()
        let found: AttachedInstance?
        do {
            if let domain = InstanceDomain(job.instance) { found = try await instances.instance(domain: domain) } else { found = nil }
        } catch {
            return (retryLater(job, because: "reading the instance: \(error)"), progress)
        }
        guard let instance = found, let token = instance.mastodonAPIToken else {
            return (.dead(error: "\(job.instance) is no longer attached, or withdrew its admin-API token"), progress)
        }
        guard let api = MastodonAdminAPI(instance: instance, token: token, client: client, pinned: pinned, addressPolicy: addressPolicy) else {
            return (.dead(error: "the instance actor \(instance.actorID) gives no API origin"), progress)
        }
        do {
            switch job.operation {
            case .apply(let enforcement):
                try await apply(enforcement, on: api, instance: instance, progress: &progress)
            case .reverse(let original):
                guard let applied = try await outbox.appliedEnforcement(job: original) else {
                    progress.leftAlone.append("nothing was applied, so nothing is reversed")
                    return (.delivered, progress)
                }
                try await reverse(applied, on: api, progress: &progress)
            }
            return (.delivered, progress)
        } catch let failure as MastodonAdminAPI.Failure {
            let result = schedule.result(for: failure.answer, attempts: job.attempts + 1, createdAt: job.createdAt, now: now(), jitter: random())
            switch result {
            case .retry(let at, let error): return (.retry(at: at, error: "\(failure.call): \(error)\(failure.detail)"), progress)
            case .dead(let error), .gone(let error): return (.dead(error: "\(failure.call): \(error)\(failure.detail)"), progress)
            case .delivered: return (.delivered, progress)
            }
        } catch {
            // Not an answer from the instance (the store could not be read): a passing failure, tried again later.
            return (retryLater(job, because: String(describing: error)), progress)
        }
    }

    private func retryLater(_ job: EnforcementJob, because reason: String) -> DeliveryResult {
        schedule.result(for: .transport(reason), attempts: job.attempts + 1, createdAt: job.createdAt, now: now(), jitter: random())
    }

    private func apply(_ enforcement: MastodonEnforcement, on api: MastodonAdminAPI, instance: AttachedInstance, progress: inout MastodonApplied) async throws {
        if !enforcement.accountActions.isEmpty {
            if let account = try await findAccount(enforcement.account, on: api, instance: instance) {
                progress.accountID = account.id
                for action in enforcement.accountActions where !progress.accountActions.contains(action) {
                    if account.has(action) {
                        note("account \(enforcement.account) was already \(Self.pastTense(action)) on the instance", in: &progress)
                        continue
                    }
                    var form = [("type", action), ("text", enforcement.text), ("send_email_notification", "false")]
                    if let report = enforcement.reportIDs.first { form.append(("report_id", report)) }
                    _ = try await api.call(.POST, "/api/v1/admin/accounts/\(account.id)/action", form: form)
                    progress.accountActions.append(action)
                }
            } else {
                note("account \(enforcement.account) is not known to the instance", in: &progress)
            }
        }
        if !enforcement.domainBlocks.isEmpty {
            let pending = enforcement.domainBlocks.filter { request in
                !progress.domainBlocks.contains { $0.domain == request.domain } && !progress.leftAlone.contains { $0.hasPrefix("domain \(request.domain) ") }
            }
            let existing = pending.isEmpty ? [:] : try await api.domainBlocks()
            for request in pending {
                if let id = existing[request.domain] {
                    note("domain \(request.domain) was already blocked by the instance (block #\(id))", in: &progress)
                    continue
                }
                let (status, body) = try await api.call(
                    .POST, "/api/v1/admin/domain_blocks",
                    form: [
                        ("domain", request.domain), ("severity", request.severity), ("reject_media", String(request.rejectMedia)),
                        ("reject_reports", String(request.rejectReports)), ("public_comment", request.publicComment),
                        ("private_comment", String(enforcement.text.prefix(1000))),
                    ], accepting: [422])
                if status == 422 {
                    note("domain \(request.domain) was already blocked by the instance", in: &progress)
                } else if let id = MastodonAdminAPI.id(in: body) {
                    progress.domainBlocks.append(AppliedDomainBlock(domain: request.domain, id: id))
                }
            }
        }
        for report in enforcement.reportIDs where !progress.resolvedReports.contains(report) {
            let (status, _) = try await api.call(.POST, "/api/v1/admin/reports/\(report)/resolve", form: [], accepting: [404])
            if status == 404 { note("report \(report) is gone from the instance", in: &progress) } else { progress.resolvedReports.append(report) }
        }
    }

    private func reverse(_ applied: MastodonApplied, on api: MastodonAdminAPI, progress: inout MastodonApplied) async throws {
        if let id = applied.accountID {
            progress.accountID = id
            for action in applied.accountActions.reversed() where !progress.accountActions.contains("un" + action) {
                _ = try await api.call(.POST, "/api/v1/admin/accounts/\(id)/un\(action)", form: [], accepting: [404])
                progress.accountActions.append("un" + action)
            }
        }
        for block in applied.domainBlocks where !progress.removedDomainBlocks.contains(block) {
            // 404: the instance removed it already.
            _ = try await api.call(.DELETE, "/api/v1/admin/domain_blocks/\(block.id)", form: [], accepting: [404])
            progress.removedDomainBlocks.append(block)
        }
        if applied.accountActions.isEmpty && applied.domainBlocks.isEmpty { note("nothing was applied, so nothing is reversed", in: &progress) }
    }

    /// The account on the instance: looked up by the URI's last path segment (Mastodon's, GoToSocial's and Pleroma's
    /// `/users/NAME`), then, when that finds nothing, by the actor's `preferredUsername` (Misskey's ids).
    private func findAccount(_ uri: String, on api: MastodonAdminAPI, instance: AttachedInstance) async throws -> MastodonAdminAPI.Account? {
        guard let components = URLComponents(string: uri), let host = components.host?.lowercased() else { return nil }
        let domain = components.port.map { "\(host):\($0)" } ?? host
        let scope = domain == instance.domain.value ? [("local", "true")] : [("remote", "true"), ("by_domain", domain)]
        func lookUp(_ name: String) async throws -> MastodonAdminAPI.Account? {
            let accounts = try await api.accounts(query: [("username", name)] + scope)
            return accounts.first { $0.uri == uri } ?? accounts.first { $0.uri == nil && $0.username.lowercased() == name.lowercased() }
        }
        let segment = components.path.split(separator: "/").last.map(String.init)
        if let segment, !segment.isEmpty, let account = try await lookUp(segment) { return account }
        guard let name = await username(uri), name != segment, !name.isEmpty else { return nil }
        return try await lookUp(name)
    }

    private func note(_ text: String, in progress: inout MastodonApplied) {
        if !progress.leftAlone.contains(text) { progress.leftAlone.append(text) }
    }

    static func pastTense(_ action: String) -> String {
        switch action {
        case "sensitive": return "marked sensitive"
        case "silence": return "limited (silenced)"
        default: return action + "ed"
        }
    }
}

/// The few admin-API calls enforcement makes, with the instance's token, over HTTP(S) to the instance actor's origin.
struct MastodonAdminAPI: Sendable {
    /// A call that did not succeed: the answer the retry schedule judges, and the peer's words.
    struct Failure: Error {
        let call: String
        let answer: DeliveryAnswer
        let detail: String
    }

    /// An account as the admin API shows it.
    struct Account: Sendable {
        let id: String
        let username: String
        let uri: String?
        let silenced: Bool
        let suspended: Bool
        let sensitized: Bool

        func has(_ action: String) -> Bool {
            switch action {
            case "sensitive": return sensitized
            case "silence": return silenced
            case "suspend": return suspended
            default: return false
            }
        }
    }

    let origin: String
    let host: String
    let token: String
    let client: HTTPClient
    let pinned: PinnedClients
    let addressPolicy: AddressPolicy

    init?(instance: AttachedInstance, token: String, client: HTTPClient, pinned: PinnedClients, addressPolicy: AddressPolicy) {
        guard let components = URLComponents(string: instance.actorID), let scheme = components.scheme, let host = components.host else { return nil }
        self.origin = "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
        self.host = host
        self.token = token
        self.client = client
        self.pinned = pinned
        self.addressPolicy = addressPolicy
    }

    /// Makes the call; a 2xx answer or one of `accepting` is returned, anything else thrown as a `Failure`.
    func call(_ method: HTTPMethod, _ path: String, form: [(String, String)], query: [(String, String)] = [], accepting: Set<Int> = []) async throws
        -> (Int, Data)
    {
        let name = "\(method.rawValue) \(path)"
        let sender: HTTPClient
        do {
            // Sent to the address just checked, never to whatever a second resolution would answer.
            sender = try await pinned.client(for: host, policy: addressPolicy, shared: client)
        } catch {
            throw Failure(call: name, answer: .refused(error.description), detail: "")
        }
        var components = URLComponents(string: origin + path)
        if !query.isEmpty { components?.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        var request = HTTPClientRequest(url: components?.string ?? origin + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if !form.isEmpty || method == .POST {
            var encoder = URLComponents()
            encoder.queryItems = form.map { URLQueryItem(name: $0.0, value: $0.1) }
            // URLComponents leaves "+" alone, which a form decoder reads as a space.
            let body = (encoder.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let status: Int
        let data: Data
        let retryAfter: String?
        do {
            let response = try await sender.execute(request, timeout: .seconds(15))
            status = Int(response.status.code)
            // Mastodon's throttle says when it resets (X-RateLimit-Reset, ISO 8601); Retry-After wins when both are sent.
            retryAfter = response.headers.first(name: "retry-after")
                ?? response.headers.first(name: "x-ratelimit-reset").flatMap(Date.init(iso8601:)).map(HTTPDate.format)
            data = Data(try await response.body.collect(upTo: 4 << 20).readableBytesView)
        } catch {
            throw Failure(call: name, answer: .transport(String(describing: error).prefix(300).description), detail: "")
        }
        guard (200..<300).contains(status) || accepting.contains(status) else {
            let words = String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure(call: name, answer: .status(status, retryAfter: retryAfter), detail: words.isEmpty ? "" : " — \(words)")
        }
        return (status, data)
    }

    /// Accounts matching the admin list filters.
    func accounts(query: [(String, String)]) async throws -> [Account] {
        let (_, body) = try await call(.GET, "/api/v1/admin/accounts", form: [], query: query)
        guard let list = try? JSONSerialization.jsonObject(with: body) as? [[String: Any]] else { return [] }
        return list.compactMap { entry in
            guard let id = Self.string(entry["id"]), let username = entry["username"] as? String else { return nil }
            let account = entry["account"] as? [String: Any]
            return Account(
                id: id, username: username, uri: (account?["uri"] as? String) ?? (account?["url"] as? String),
                silenced: entry["silenced"] as? Bool ?? false, suspended: entry["suspended"] as? Bool ?? false,
                sensitized: entry["sensitized"] as? Bool ?? false)
        }
    }

    /// The instance's domain blocks, by domain (following `Link: rel="next"` pages).
    func domainBlocks() async throws -> [String: String] {
        var blocks: [String: String] = [:]
        var query = [("limit", "200")]
        for _ in 0..<50 {
            let (_, body) = try await call(.GET, "/api/v1/admin/domain_blocks", form: [], query: query)
            let list = (try? JSONSerialization.jsonObject(with: body) as? [[String: Any]]) ?? []
            for entry in list {
                if let domain = entry["domain"] as? String, let id = Self.string(entry["id"]) { blocks[domain.lowercased()] = id }
            }
            guard list.count == 200, let last = list.last.flatMap({ Self.string($0["id"]) }) else { break }
            query = [("limit", "200"), ("max_id", last)]
        }
        return blocks
    }

    /// The `id` of a JSON object answer.
    static func id(in body: Data) -> String? {
        (try? JSONSerialization.jsonObject(with: body) as? [String: Any]).flatMap { string($0["id"]) }
    }

    private static func string(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        return nil
    }
}
