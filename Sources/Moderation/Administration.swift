import Foundation

/// The admin operations the CLI (`palisade admin …`) and the admin API share, validated here once: who may do
/// what (operators make tenants; a tenant's admins attach instances and add moderators up to their own role), and
/// what a valid slug, domain, role or setting is. Tokens come from the injected generator and are returned once.
public struct Administration: Sendable {
    private let directory: any TenantDirectory
    private let cases: any CaseStore
    private let newToken: @Sendable () -> ModeratorToken
    private let now: @Sendable () -> Date
    private let auditKey: AuditKey?
    private let checkpoints: (any AuditCheckpointLog)?

    /// Administration over the stores; `newToken` is `{ ModeratorToken.generate(using: &SystemRandomNumberGenerator()) }` in production.
    /// `auditKey` checks the audit chains (the key the store MACs rows with); `checkpoints` keeps their heads outside the
    /// database (verification checks against the last one and, when intact, writes a new one).
    public init(
        directory: any TenantDirectory, cases: any CaseStore, newToken: @escaping @Sendable () -> ModeratorToken, now: @escaping @Sendable () -> Date,
        auditKey: AuditKey? = nil, checkpoints: (any AuditCheckpointLog)? = nil
    ) {
        self.auditKey = auditKey
        self.checkpoints = checkpoints
        self.directory = directory
        self.cases = cases
        self.newToken = newToken
        self.now = now
    }

    /// Tokens from the system's CSPRNG.
    public static let systemTokens: @Sendable () -> ModeratorToken = {
        var generator = SystemRandomNumberGenerator()
        return ModeratorToken.generate(using: &generator)
    }

    /// Creates a tenant (operators only).
    public func createTenant(
        slug: String, name: String?, defaultQueue: String?, unsolicitedQueue: String?, approvalRequired: [String], claimLeaseSeconds: Int?,
        slaSeconds: Int?, forwardReports: Bool = false, flagsFrom: FlagSenders = .any, by principal: Principal
    ) async throws -> Tenant {
        try CaseDesk.require(principal, .operator, to: "creating a tenant")
        guard let slug = Tenant.validSlug(slug) else {
            throw ModerationError.invalid("a tenant slug is 1–40 lower-case letters, digits or '-', starting with a letter: '\(slug)'")
        }
        for queue in [defaultQueue, unsolicitedQueue].compactMap({ $0 }) where Tenant.validQueue(queue) == nil {
            throw ModerationError.invalid("a queue name is 1–60 lower-case letters, digits, '-', '_' or '.': '\(queue)'")
        }
        let unknown = approvalRequired.filter { !DecisionAction.names.contains($0) || $0 == "dismiss" }
        guard unknown.isEmpty else {
            throw ModerationError.invalid("approval can be required for mark_sensitive, silence, suspend, defederate; not \(unknown.joined(separator: ", "))")
        }
        if let lease = claimLeaseSeconds, !(60...86_400).contains(lease) { throw ModerationError.invalid("the claim lease is 60–86400 seconds") }
        if let sla = slaSeconds, !(60...(90 * 86_400)).contains(sla) { throw ModerationError.invalid("the SLA is 60 seconds to 90 days") }
        let tenant = Tenant(
            id: 0, slug: slug, name: (name?.isEmpty == false ? name : nil) ?? slug, defaultQueue: defaultQueue ?? "reports",
            unsolicitedQueue: unsolicitedQueue, approvalRequired: Set(approvalRequired), claimLease: TimeInterval(claimLeaseSeconds ?? 900),
            sla: TimeInterval(slaSeconds ?? 86_400), forwardReports: forwardReports, flagsFrom: flagsFrom)
        return try await directory.createTenant(tenant, by: principal.moderator.name, at: now())
    }

    /// Attaches an instance to a tenant: by an operator, or by the tenant's admin once `proof` says the domain shows the
    /// tenant's `DomainProof` token. The instance actor must live on the domain; a domain belongs to one tenant.
    public func attachInstance(
        domain: String, actorID: String, webhookSecret: String?, route: DecisionRoute, mastodonAPIToken: String? = nil, tenant: Tenant,
        by principal: Principal, proof: (@Sendable (InstanceDomain) async -> DomainProofCheck)? = nil
    ) async throws -> AttachedInstance {
        try requireAdmin(principal, of: tenant, to: "attaching an instance")
        guard let host = InstanceDomain(domain) else {
            throw ModerationError.invalid("'\(domain)' is not an instance domain: give its host, with :port for a non-default port")
        }
        guard let url = URLComponents(string: actorID), ["https", "http"].contains(url.scheme ?? ""), url.host != nil else {
            throw ModerationError.invalid("the instance actor must be an http(s) URL: '\(actorID)'")
        }
        // Signed Flags and Blocks go to the actor's inbox: it must be the attached domain's, not any host's.
        guard InstanceDomain(url: actorID) == host else { throw ModerationError.actorNotOnDomain(actor: actorID, domain: host.value) }
        if principal.moderator.role != .operator {
            guard let proof else { throw ModerationError.forbidden("attaching an instance without proof of its domain needs an operator") }
            let check = await proof(host)
            guard check.proven else {
                throw ModerationError.domainNotProven(domain: host.value, wellKnownURL: check.wellKnownURL, token: check.token)
            }
        }
        if let secret = webhookSecret, !(16...512).contains(secret.count) {
            throw ModerationError.invalid("a webhook secret is 16–512 characters (Mastodon generates 64)")
        }
        if let token = mastodonAPIToken { try Self.checkAPIToken(token) }
        return try await directory.attach(
            AttachedInstance(
                id: 0, tenantID: tenant.id, domain: host, actorID: actorID, webhookSecret: webhookSecret, decisionRoute: route,
                mastodonAPIToken: mastodonAPIToken),
            by: principal.moderator.name, at: now())
    }

    /// How an update treats the instance's admin-API token.
    public enum TokenChange: Sendable, Equatable {
        case keep, set(String), remove
    }

    /// Changes how decisions reach an instance of the tenant: its route, its Mastodon admin-API token.
    public func updateInstance(
        domain: String, route: DecisionRoute?, mastodonAPIToken: TokenChange, tenant: Tenant, by principal: Principal
    ) async throws -> AttachedInstance {
        try requireAdmin(principal, of: tenant, to: "changing an instance")
        guard let host = InstanceDomain(domain), var instance = try await directory.instance(domain: host), instance.tenantID == tenant.id else {
            throw ModerationError.noSuchInstance(domain)
        }
        if let route { instance.decisionRoute = route }
        switch mastodonAPIToken {
        case .keep: break
        case .remove: instance.mastodonAPIToken = nil
        case .set(let token):
            try Self.checkAPIToken(token)
            instance.mastodonAPIToken = token
        }
        try await directory.update(instance, by: principal.moderator.name, at: now())
        return instance
    }

    static func checkAPIToken(_ token: String) throws {
        guard (8...512).contains(token.count), token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ModerationError.invalid("a Mastodon admin-API token is 8–512 printable characters without spaces (Mastodon's are 43)")
        }
    }

    /// Detaches an instance of the tenant.
    public func detachInstance(domain: String, tenant: Tenant, by principal: Principal) async throws {
        try requireAdmin(principal, of: tenant, to: "detaching an instance")
        guard let host = InstanceDomain(domain) else { throw ModerationError.noSuchInstance(domain) }
        try await directory.detach(domain: host, tenant: tenant.id, by: principal.moderator.name, at: now())
    }

    /// Adds a moderator (to a tenant; with `tenant` nil, an operator) and returns them with their first token.
    public func addModerator(name: String, role: Role, tenant: Tenant?, by principal: Principal) async throws -> (Moderator, ModeratorToken) {
        if let tenant {
            try requireAdmin(principal, of: tenant, to: "adding a moderator")
            guard role != .operator else { throw ModerationError.invalid("operators belong to no tenant: add them without a tenant") }
        } else {
            try CaseDesk.require(principal, .operator, to: "adding an operator")
            guard role == .operator else { throw ModerationError.invalid("a moderator without a tenant must be an operator") }
        }
        guard role <= principal.moderator.role else { throw ModerationError.forbidden("nobody grants a role above their own") }
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !name.hasPrefix("rule:"),
            !["system", "operator"].contains(name)
        else { throw ModerationError.invalid("a moderator name is 1–64 letters, digits, '-', '_' or '.' (not 'system' or 'operator')") }
        let token = newToken()
        let moderator = try await directory.addModerator(name: name, tenant: tenant?.id, role: role, token: token, by: principal.moderator.name, at: now())
        return (moderator, token)
    }

    /// Issues another token to a moderator of the tenant.
    public func issueToken(to name: String, tenant: Tenant?, by principal: Principal) async throws -> ModeratorToken {
        if let tenant { try requireAdmin(principal, of: tenant, to: "issuing a token") } else {
            try CaseDesk.require(principal, .operator, to: "issuing a token")
        }
        let token = newToken()
        try await directory.issueToken(token, to: name, tenant: tenant?.id, by: principal.moderator.name, at: now())
        return token
    }

    /// Revokes a token (by id) or all of a moderator's tokens (by name); returns how many.
    public func revoke(_ idOrName: String, tenant: Tenant?, by principal: Principal) async throws -> Int {
        if let tenant { try requireAdmin(principal, of: tenant, to: "revoking a token") } else {
            try CaseDesk.require(principal, .operator, to: "revoking a token")
        }
        return try await directory.revokeTokens(matching: idOrName, tenant: tenant?.id, by: principal.moderator.name, at: now())
    }

    /// Makes the tenant's blocklist feeds private with a new token (returned once; only its hash is stored), or public
    /// again with `enabled` false.
    public func setFeedToken(enabled: Bool, tenant: Tenant, by principal: Principal) async throws -> String? {
        try requireAdmin(principal, of: tenant, to: "setting the feed token")
        let secret = enabled ? newToken().secret.replacingOccurrences(of: "pal_", with: "feed_") : nil
        try await directory.setFeedToken(hash: secret.map(ModeratorToken.hash), tenant: tenant.id, by: principal.moderator.name, at: now())
        return secret
    }

    /// Replaces the reasons the tenant's moderators pick from: at most 50, each 1–300 characters of text.
    public func setReasonTemplates(_ templates: [String], tenant: Tenant, by principal: Principal) async throws -> [String] {
        try requireAdmin(principal, of: tenant, to: "setting reason templates")
        let cleaned = templates.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard cleaned.count <= 50 else { throw ModerationError.invalid("at most 50 reason templates") }
        for template in cleaned {
            guard (1...300).contains(template.count), template.unicodeScalars.allSatisfy({ $0.value >= 0x20 && !(0x7F..<0xA0).contains($0.value) }) else {
                throw ModerationError.invalid("a reason template is 1–300 characters of text, without control characters")
            }
        }
        try await directory.setReasonTemplates(cleaned, tenant: tenant.id, by: principal.moderator.name, at: now())
        return cleaned
    }

    /// Mutes or unmutes a reporter for the tenant.
    public func setReporterMuted(_ reporter: String, muted: Bool, tenant: Tenant, by principal: Principal) async throws {
        try requireAdmin(principal, of: tenant, to: "muting a reporter")
        guard (1...2_000).contains(reporter.count) else { throw ModerationError.invalid("give the reporter's actor URI") }
        try await directory.setReporterMuted(reporter, muted: muted, tenant: tenant.id, by: principal.moderator.name, at: now())
    }

    /// Verifies the audit chains — the tenant's, or with nil every tenant's and the service chain — against their keys,
    /// the rows they are about and the last checkpoint; when all are intact, checkpoints their heads. Returns the rows
    /// checked and every problem found.
    public func verifyAudit(tenant: Tenant?) async throws -> (rows: Int, problems: [AuditProblem]) {
        let chains: [(TenantID, String)] = if let tenant { [(tenant.id, tenant.slug)] } else {
            [(0, "service")] + (try await directory.tenants()).map { ($0.id, $0.slug) }
        }
        var problems: [AuditProblem] = []
        var checkpoint: AuditCheckpoint?
        do {
            checkpoint = try await checkpoints?.last()
        } catch {
            problems.append(AuditProblem(chain: "checkpoints", message: String(describing: error)))
        }
        if let found = checkpoint, let auditKey, !found.isAuthentic(key: auditKey) {
            problems.append(AuditProblem(chain: "checkpoints", message: "the last checkpoint is not signed with the audit key (forged, or the key changed)"))
            checkpoint = nil
        }
        var rows = 0
        for (id, name) in chains {
            let chain = try await cases.auditChain(tenant: id)
            rows += chain.rows.count
            problems += AuditChain.verify(chain, chain: name, key: auditKey, checkpoint: checkpoint?.head(of: id), checkpointAt: checkpoint?.at)
        }
        if problems.isEmpty, checkpoints != nil {
            do {
                _ = try await checkpointAudit()
            } catch {
                // A refusal names every chain's problems: only a verification of every chain reports it (a tenant's admin
                // must not read another tenant's); the server's checkpointer logs it either way.
                if tenant == nil { problems.append(AuditProblem(chain: "checkpoints", message: String(describing: error))) }
            }
        }
        return (rows, problems)
    }

    /// Exports every chain's head to the checkpoint log, signed with the audit key, after checking the rows written since
    /// the last checkpoint continue it (a chain truncated or rewritten is refused, not blessed). Writes nothing when no
    /// head moved; returns the checkpoint in force (nil without a log or a key).
    @discardableResult
    public func checkpointAudit() async throws -> AuditCheckpoint? {
        guard let checkpoints, let auditKey else { return nil }
        let previous = try await checkpoints.last()
        if let previous, !previous.isAuthentic(key: auditKey) { throw AuditCheckpointError.notAuthentic(path: "the checkpoint log") }
        let chains: [(TenantID, String)] = [(0, "service")] + (try await directory.tenants()).map { ($0.id, $0.slug) }
        var heads: [AuditCheckpoint.Head] = []
        var problems: [AuditProblem] = []
        for (id, name) in chains {
            let last = previous?.head(of: id)
            let (rows, legacyThrough) = try await cases.auditRows(tenant: id, from: max(last?.sequence ?? 1, 1))
            switch AuditChain.advance(from: last, rows: rows, tenantID: id, legacyThrough: legacyThrough, chain: name, key: auditKey) {
            case .success(let head): heads.append(head)
            case .failure(let problem): problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw AuditCheckpointError.diverged(problems) }
        let next = AuditCheckpoint.signed(heads: heads, at: now(), key: auditKey)
        if let previous, previous.sameHeads(as: next) { return previous }
        try await checkpoints.append(next)
        return next
    }

    private func requireAdmin(_ principal: Principal, of tenant: Tenant, to what: String) throws(ModerationError) {
        try CaseDesk.require(principal, .admin, to: what)
        guard principal.moderator.role == .operator || principal.tenantID == tenant.id else { throw .noSuchTenant(tenant.slug) }
    }
}

/// What checking a domain for its proof found.
public struct DomainProofCheck: Sendable, Equatable {
    /// Whether the token was shown.
    public let proven: Bool
    /// The token looked for.
    public let token: String
    /// Where it was looked for first.
    public let wellKnownURL: String

    /// A result.
    public init(proven: Bool, token: String, wellKnownURL: String) {
        self.proven = proven
        self.token = token
        self.wellKnownURL = wellKnownURL
    }
}
