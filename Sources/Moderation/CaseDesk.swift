import Federation
import Foundation

/// What moderators do to cases, with the role each step needs, and the live change each one publishes. The state
/// machine and the store enforce the rest (claims, approvals, phases); every query is scoped by the principal's tenant.
public struct CaseDesk: Sendable {
    private let cases: any CaseStore
    private let changes: CaseChanges
    private let ruleSetVersion: @Sendable () -> String?
    private let now: @Sendable () -> Date
    private let decisionsOut: Doorbell?

    /// A desk over the store; `decisionsOut` is rung when a transition puts sanctions in force or lifts them (the
    /// decision dispatcher waits on it).
    public init(
        cases: any CaseStore, changes: CaseChanges, ruleSetVersion: @escaping @Sendable () -> String?, now: @escaping @Sendable () -> Date,
        decisionsOut: Doorbell? = nil
    ) {
        self.decisionsOut = decisionsOut
        self.cases = cases
        self.changes = changes
        self.ruleSetVersion = ruleSetVersion
        self.now = now
    }

    /// Throws `forbidden` unless the principal has `role`.
    public static func require(_ principal: Principal, _ role: Role, to what: String) throws(ModerationError) {
        guard principal.has(role) else {
            throw .forbidden("\(what) needs the \(role.rawValue) role; \(principal.moderator.name) is \(principal.moderator.role.rawValue)")
        }
    }

    /// Claims (or renews the claim on) a case for the tenant's lease; an escalation to a role keeps weaker roles out.
    public func claim(_ caseID: CaseID, tenant: Tenant, as principal: Principal) async throws -> TransitionOutcome {
        try Self.require(principal, .triage, to: "claiming a case")
        let summary = try await cases.summary(of: caseID, tenant: tenant.id, at: now())
        if let role = summary.escalatedToRole, !principal.has(role) {
            throw ModerationError.forbidden("case \(caseID) was escalated to the \(role.rawValue) role")
        }
        return try await transition(.claim(by: principal.moderator.moderatorID, lease: tenant.claimLease), caseID, tenant, principal)
    }

    /// Renews one's own live claim (claiming again restarts the lease); anyone else's, or none, is refused.
    public func renew(_ caseID: CaseID, tenant: Tenant, as principal: Principal) async throws -> TransitionOutcome {
        try Self.require(principal, .triage, to: "renewing a claim")
        let summary = try await cases.summary(of: caseID, tenant: tenant.id, at: now())
        guard summary.holder == principal.moderator.name else {
            throw ModerationError.transition(.notClaimedBy(principal.moderator.moderatorID))
        }
        return try await transition(.claim(by: principal.moderator.moderatorID, lease: tenant.claimLease), caseID, tenant, principal)
    }

    /// Claims the next case of a queue (highest priority, then oldest).
    public func claimNext(queue: String, tenant: Tenant, as principal: Principal) async throws -> TransitionOutcome {
        try Self.require(principal, .triage, to: "claiming a case")
        let outcome = try await cases.claimNext(
            queue: queue, tenant: tenant.id, moderator: principal.moderator.moderatorID, role: principal.moderator.role, lease: tenant.claimLease,
            at: now())
        publish(outcome, tenant: tenant)
        if outcome.effects.contains(where: \.changesSanctions) { await decisionsOut?.ring() }
        return outcome
    }

    /// Gives the case back.
    public func release(_ caseID: CaseID, tenant: Tenant, as principal: Principal) async throws -> TransitionOutcome {
        try Self.require(principal, .triage, to: "releasing a case")
        return try await transition(.release(by: principal.moderator.moderatorID), caseID, tenant, principal)
    }

    /// Decides (or, where the tenant asks for a second moderator, proposes).
    public func decide(
        _ caseID: CaseID, actions: [DecisionAction], reason: String, category: String?, ruleIDs: [String], expiresAt: Date?, tenant: Tenant,
        as principal: Principal
    ) async throws -> TransitionOutcome {
        try Self.require(principal, .moderator, to: "deciding a case")
        if let expiresAt, expiresAt <= now() { throw ModerationError.invalid("expires_at is in the past") }
        // Outgoing Flags say what kind of problem it was: the moderator's word, else what the reports said.
        var category = category?.trimmingCharacters(in: .whitespaces)
        if category?.isEmpty ?? true {
            let reports = try await cases.detail(of: caseID, tenant: tenant.id, at: now()).reports
            category = Decision.category(ofReports: reports.map(\.report.category))
        }
        let decision = Decision(
            actions: actions, reason: reason, category: category, ruleIDs: ruleIDs, expiresAt: expiresAt, by: principal.moderator.moderatorID)
        return try await transition(.decide(decision, needsApproval: tenant.needsApproval(decision)), caseID, tenant, principal, ruleIDs: ruleIDs)
    }

    /// Approves the proposed decision (or reversal) `decisionID`: never one's own, nor one proposed by an identity minted by
    /// or with the principal (the state machine checks, with the minting groups the store reads).
    public func approve(_ caseID: CaseID, decision decisionID: Int64, tenant: Tenant, as principal: Principal) async throws -> TransitionOutcome {
        try Self.require(principal, .moderator, to: "approving a decision")
        return try await transition(.approve(by: principal.moderator.moderatorID), caseID, tenant, principal, decisionID: decisionID)
    }

    /// Turns the proposed decision down: the case is open again.
    public func reject(_ caseID: CaseID, decision decisionID: Int64, reason: String, tenant: Tenant, as principal: Principal) async throws
        -> TransitionOutcome
    {
        try Self.require(principal, .moderator, to: "rejecting a proposed decision")
        return try await transition(
            .rejectProposal(by: principal.moderator.moderatorID, reason: reason), caseID, tenant, principal, decisionID: decisionID)
    }

    /// Adds a note for the team.
    public func note(_ caseID: CaseID, text: String, tenant: Tenant, as principal: Principal) async throws -> TransitionOutcome {
        try Self.require(principal, .triage, to: "adding a note")
        try Self.checkNote(text)
        return try await transition(.note(by: principal.moderator.moderatorID, text: text), caseID, tenant, principal)
    }

    /// A note has text, at most 10,000 characters (checked before anything that carries one changes the case).
    public static func checkNote(_ text: String) throws(ModerationError) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ModerationError.invalid("a note needs text") }
        guard text.count <= 10_000 else { throw ModerationError.invalid("a note is at most 10,000 characters") }
    }

    /// Sends the case to another queue and, optionally, to a role. With `knownQueues`, a queue outside them is refused
    /// unless `newQueue` (a typo must not silently start a queue nobody watches).
    public func escalate(
        _ caseID: CaseID, queue: String?, role: Role?, tenant: Tenant, as principal: Principal, knownQueues: Set<String>? = nil, newQueue: Bool = false
    ) async throws -> TransitionOutcome {
        try Self.require(principal, .triage, to: "escalating a case")
        if let queue, let knownQueues, !newQueue, !knownQueues.contains(queue) {
            throw ModerationError.unknownQueue(queue, known: knownQueues.sorted())
        }
        let outcome = try await cases.escalate(
            caseID, tenant: tenant.id, by: principal.moderator.moderatorID, toQueue: queue, role: role, ruleSetVersion: ruleSetVersion(), at: now())
        publish(outcome, tenant: tenant)
        if outcome.effects.contains(where: \.changesSanctions) { await decisionsOut?.ring() }
        return outcome
    }

    /// Closes a decided case.
    public func close(_ caseID: CaseID, tenant: Tenant, as principal: Principal) async throws -> TransitionOutcome {
        try Self.require(principal, .moderator, to: "closing a case")
        return try await transition(.close(by: principal.moderator.moderatorID), caseID, tenant, principal)
    }

    /// Records an appeal (the appellant's statement, entered by a moderator): the case reopens.
    public func appeal(_ caseID: CaseID, statement: String, tenant: Tenant, as principal: Principal) async throws -> TransitionOutcome {
        try Self.require(principal, .moderator, to: "recording an appeal")
        return try await transition(.appeal(statement: statement), caseID, tenant, principal)
    }

    /// Reverses the decision of a reopened case (held by the principal): its sanctions are lifted, or, when applying them
    /// needed a second person, the reversal is proposed and another person's approval lifts them.
    public func reverse(_ caseID: CaseID, reason: String, tenant: Tenant, as principal: Principal) async throws -> TransitionOutcome {
        try Self.require(principal, .moderator, to: "reversing a decision")
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ModerationError.invalid("a reversal needs a reason") }
        return try await transition(.reverse(by: principal.moderator.moderatorID, reason: reason), caseID, tenant, principal)
    }

    private func transition(
        _ event: CaseEvent, _ caseID: CaseID, _ tenant: Tenant, _ principal: Principal, decisionID: Int64? = nil, ruleIDs: [String] = []
    ) async throws -> TransitionOutcome {
        let outcome = try await cases.apply(
            event, to: caseID, tenant: tenant.id, decisionID: decisionID, actor: principal.moderator.name, ruleSetVersion: ruleSetVersion(),
            at: now())
        publish(outcome, tenant: tenant, ruleIDs: ruleIDs)
        if outcome.effects.contains(where: \.changesSanctions) { await decisionsOut?.ring() }
        return outcome
    }

    private func publish(_ outcome: TransitionOutcome, tenant: Tenant, ruleIDs: [String] = []) {
        changes.publish(CaseChange(outcome, tenant: tenant, ruleIDs: ruleIDs))
    }
}
