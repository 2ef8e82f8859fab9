import Foundation

/// Tenants, attached instances, moderators and their tokens, muted reporters: what the admin commands change.
public protocol TenantDirectory: Sendable {
    /// Creates a tenant (audited in the service chain).
    func createTenant(_ tenant: Tenant, by actor: String, at date: Date) async throws -> Tenant
    /// Every tenant, by slug.
    func tenants() async throws -> [Tenant]
    /// The tenant with `slug`, or nil.
    func tenant(slug: String) async throws -> Tenant?
    /// The tenant with `id`, or nil.
    func tenant(id: TenantID) async throws -> Tenant?
    /// Attaches an instance to its tenant (audited).
    func attach(_ instance: AttachedInstance, by actor: String, at date: Date) async throws -> AttachedInstance
    /// Stores a changed instance's decision route and admin-API token (audited; the token itself never is).
    func update(_ instance: AttachedInstance, by actor: String, at date: Date) async throws
    /// Detaches the instance with `domain` from `tenant` (audited).
    func detach(domain: InstanceDomain, tenant: TenantID, by actor: String, at date: Date) async throws
    /// The tenant's instances (every instance when nil).
    func instances(tenant: TenantID?) async throws -> [AttachedInstance]
    /// The instance with `domain`, in any tenant.
    func instance(domain: InstanceDomain) async throws -> AttachedInstance?
    /// Adds a moderator with a first token (audited; the token's hash alone is stored).
    func addModerator(name: String, tenant: TenantID?, role: Role, token: ModeratorToken, by actor: String, at date: Date) async throws -> Moderator
    /// Moderators of `tenant` (every moderator when nil).
    func moderators(tenant: TenantID?) async throws -> [Moderator]
    /// Issues another token to a moderator (audited).
    func issueToken(_ token: ModeratorToken, to moderator: String, tenant: TenantID?, by actor: String, at date: Date) async throws
    /// Revokes a token by id, or every token of a moderator by name (audited); returns how many were revoked.
    func revokeTokens(matching idOrName: String, tenant: TenantID?, by actor: String, at date: Date) async throws -> Int
    /// The moderator holding the unrevoked token with this hash.
    func moderator(tokenHash: String) async throws -> Moderator?
    /// Sets (a SHA-256) or clears the token the tenant's blocklist feeds require (audited).
    func setFeedToken(hash: String?, tenant: TenantID, by actor: String, at date: Date) async throws
    /// Replaces the tenant's reason templates (audited).
    func setReasonTemplates(_ templates: [String], tenant: TenantID, by actor: String, at date: Date) async throws
    /// Mutes or unmutes a reporter for a tenant (audited).
    func setReporterMuted(_ reporter: String, muted: Bool, tenant: TenantID, by actor: String, at date: Date) async throws
}

/// Cases, their reports, hits, decisions and sanctions, and the audit log: every query is scoped by tenant.
public protocol CaseStore: Sendable {
    /// Records an intake item on the account's active case (creating one), in one transaction with its audit rows.
    func record(_ item: IntakeItem, tenant: Tenant, ruleSetVersion: String?, at date: Date) async throws -> IntakeResult
    /// Applies `event` to the case: loads its status, runs the state machine, stores the result, its effects (decision
    /// rows, sanctions) and the audit row, in one transaction. `decisionID` names the decision an approval is for.
    func apply(_ event: CaseEvent, to caseID: CaseID, tenant: TenantID, decisionID: Int64?, actor: String, ruleSetVersion: String?, at date: Date)
        async throws -> TransitionOutcome
    /// Claims the first claimable case of `queue` (highest priority, then oldest) for `moderator`.
    func claimNext(queue: String, tenant: TenantID, moderator: ModeratorID, role: Role, lease: TimeInterval, at date: Date) async throws
        -> TransitionOutcome
    /// Escalates the case to `queue` (nil: its current one) and, when given, to `role` (only that role or above may claim
    /// it afterwards), in one transaction with its audit row.
    func escalate(
        _ caseID: CaseID, tenant: TenantID, by moderator: ModeratorID, toQueue queue: String?, role: Role?, ruleSetVersion: String?, at date: Date
    ) async throws -> TransitionOutcome
    /// One case as lists show it.
    func summary(of caseID: CaseID, tenant: TenantID, at date: Date) async throws -> CaseSummary
    /// Cases of the tenant matching `filter`, at `date` (for claims and SLAs).
    func cases(tenant: TenantID, filter: CaseFilter, at date: Date) async throws -> [CaseSummary]
    /// The queues of the tenant with their counts.
    func queues(tenant: TenantID, for moderator: String, at date: Date) async throws -> [QueueSummary]
    /// A case with its evidence.
    func detail(of caseID: CaseID, tenant: TenantID, at date: Date) async throws -> CaseDetail
    /// The audit rows about a case.
    func history(of caseID: CaseID, tenant: TenantID) async throws -> [AuditEntry]
    /// Active sanctions of the tenant, optionally about one target (account URI or domain).
    func activeSanctions(tenant: TenantID, target: String?, at date: Date) async throws -> [Sanction]
    /// When the tenant's sanctions last changed (applied, lifted, expired); nil when it has none.
    func sanctionsChangedAt(tenant: TenantID, at date: Date) async throws -> Date?
    /// Lifts sanctions whose expiry has passed (timed silences), auditing each; returns how many.
    func expireSanctions(at date: Date) async throws -> Int
    /// Appends an audit row that is not about a case transition (admin changes, notes about reporters).
    func audit(tenant: TenantID, actor: String, kind: String, caseID: CaseID?, detail: [String: String], ruleSetVersion: String?, at date: Date)
        async throws -> AuditEntry
    /// The audit rows of a chain (tenant 0: the service chain), in sequence order, with its recorded head, its last
    /// unkeyed row, and the current digests of the decisions, approvals and sanctions its rows are about.
    func auditChain(tenant: TenantID) async throws -> AuditChainRecord
    /// The rows of a chain from `sequence` on, and its last unkeyed row (what a checkpoint checks since the last one).
    func auditRows(tenant: TenantID, from sequence: Int64) async throws -> (rows: [AuditEntry], legacyThrough: Int64)
}
