import Foundation
import GRDB
import Moderation

/// Case transitions: the stored status is loaded, the pure state machine decides, and the result, its effects and the
/// audit row are written in the same transaction (a savepoint of a group commit: concurrent moderators share one fsync,
/// and a refused event is rolled back alone). SQLite has one writer, so two claims of one case (even in the same
/// millisecond) are serialised: the second sees the first's lease and is refused.
extension SQLiteStore {
    static let actionablePhases = "('open', 'escalated', 'reopened')"
    static let activePhases = "('open', 'escalated', 'awaiting_approval', 'reopened')"

    /// Applies the event to the case.
    public func apply(
        _ event: CaseEvent, to caseID: CaseID, tenant: TenantID, decisionID: Int64?, actor: String, ruleSetVersion: String?, at date: Date
    ) async throws -> TransitionOutcome {
        try await groupCommit.write { db in
            try Self.apply(
                db, key: self.auditKey, event: event, caseID: caseID, tenant: tenant, decisionID: decisionID, actor: actor, ruleSetVersion: ruleSetVersion,
                at: date)
        }
    }

    /// Claims the first claimable case of the queue.
    public func claimNext(queue: String, tenant: TenantID, moderator: ModeratorID, role: Role, lease: TimeInterval, at date: Date) async throws
        -> TransitionOutcome
    {
        let roles = Role.allCases.filter { $0 <= role }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try await groupCommit.write { db in
            guard
                let caseID = try CaseID.fetchOne(db.cachedStatement(sql: """
                        SELECT id FROM cases INDEXED BY cases_claimable
                        WHERE tenant_id = ? AND queue = ? AND phase IN \(Self.actionablePhases)
                          AND (claim_expires_at IS NULL OR claim_expires_at <= ?)
                          AND (escalated_to_role IS NULL OR escalated_to_role IN (\(roles)))
                        ORDER BY priority DESC, id LIMIT 1
                        """), arguments: [tenant, queue, ModerationRows.milliseconds(date)])
            else { throw ModerationError.queueEmpty(queue) }
            return try Self.apply(
                db, key: self.auditKey, event: .claim(by: moderator, lease: lease), caseID: caseID, tenant: tenant, decisionID: nil, actor: moderator.rawValue,
                ruleSetVersion: nil, at: date)
        }
    }

    /// Escalates the case to `queue` (nil: it stays in its queue) and, when given, to `role`, in one transaction.
    public func escalate(
        _ caseID: CaseID, tenant: TenantID, by moderator: ModeratorID, toQueue queue: String?, role: Role?, ruleSetVersion: String?, at date: Date
    ) async throws -> TransitionOutcome {
        try await groupCommit.write { db in
            guard let target = try queue ?? String.fetchOne(
                db.cachedStatement(sql: "SELECT queue FROM cases WHERE id = ? AND tenant_id = ?"), arguments: [caseID, tenant])
            else { throw ModerationError.noSuchCase(caseID) }
            return try Self.apply(
                db, key: self.auditKey, event: .escalate(by: moderator, toQueue: target), caseID: caseID, tenant: tenant, decisionID: nil, actor: moderator.rawValue,
                ruleSetVersion: ruleSetVersion, at: date, escalationRole: role)
        }
    }

    static func status(_ db: Database, row: Row) throws -> CaseStatus {
        let phaseText: String = row["phase"]
        guard let phase = CaseStatus.Phase(rawValue: phaseText) else { throw StoreError.corruptRow(table: "cases", detail: "phase '\(phaseText)'") }
        let holder: String? = row["claim_holder"]
        let expires: Int64? = row["claim_expires_at"]
        var claim: Claim?
        if let holder, let expires { claim = Claim(moderator: ModeratorID(holder), expiresAt: ModerationRows.date(expires)) }
        return CaseStatus(
            phase: phase, queue: row["queue"], claim: claim, decision: try decision(db, id: row["decision_id"]),
            superseded: try decision(db, id: row["superseded_decision_id"]), appeals: row["appeals"])
    }

    static func decision(_ db: Database, id: Int64?) throws -> Decision? {
        guard let id, let body = try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM decisions WHERE id = ?"), arguments: [id]) else { return nil }
        return try ModerationRows.decode(Decision.self, body, table: "decisions")
    }

    /// `escalationRole` goes with an `.escalate` event: only that role or above may claim the case afterwards.
    static func apply(
        _ db: Database, key: AuditKey, event: CaseEvent, caseID: CaseID, tenant: TenantID, decisionID: Int64?, actor: String, ruleSetVersion: String?, at date: Date,
        escalationRole: Role? = nil
    ) throws -> TransitionOutcome {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cases WHERE id = ? AND tenant_id = ?"), arguments: [caseID, tenant]) else {
            throw ModerationError.noSuchCase(caseID)
        }
        var status = try status(db, row: row)
        let before = status
        let previousDecision: Int64? = row["decision_id"]
        let previousSuperseded: Int64? = row["superseded_decision_id"]
        let account: String = row["account"]
        switch event {
        case .approve, .rejectProposal:
            guard let decisionID, decisionID == previousDecision else { throw ModerationError.noSuchDecision(decisionID ?? 0) }
        default: break
        }
        let policy = try Self.approvalPolicy(db, for: event, tenant: tenant)
        let effects: [CaseEffect]
        do {
            effects = try status.apply(event, at: date, policy: policy)
        } catch {
            throw ModerationError.transition(error)
        }
        let now = ModerationRows.milliseconds(date)
        var currentDecision = previousDecision
        var superseded = previousSuperseded
        var created: Int64?
        var lifted: Int64?
        var kind: String
        var detail: [String: String] = [:]
        var subjects: [String] = []
        func insertDecision(_ decision: Decision, state: String) throws -> Int64 {
            try db.cachedStatement(sql: "INSERT INTO decisions (tenant_id, case_id, body, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)").execute(arguments: [tenant, caseID, try ModerationRows.json(decision), state, now, now])
            return db.lastInsertedRowID
        }
        func setState(_ id: Int64?, _ state: String, approvedBy: String? = nil) throws {
            guard let id else { return }
            try db.cachedStatement(sql: "UPDATE decisions SET state = ?, approved_by = COALESCE(?, approved_by), updated_at = ? WHERE id = ?").execute(arguments: [state, approvedBy, now, id])
        }
        switch event {
        case .claim(let moderator, _):
            kind = before.holder(at: date) == moderator ? "renew" : "claim"
            detail["expires_at"] = status.claim.map { $0.expiresAt.formatted(.iso8601) }
        case .release:
            kind = "release"
        case .escalate(_, let queue):
            kind = "escalate"
            detail["queue"] = queue
            detail["role"] = escalationRole?.rawValue
        case .decide(let decision, _), .ruleDecision(let decision, _):
            // The state machine may ask for approval beyond the event's own (lifting sanctions that needed it).
            let needsApproval = status.phase == .awaitingApproval
            let automatic: Bool
            if case .ruleDecision = event { automatic = true } else { automatic = false }
            kind = (automatic ? "rule_" : "") + (needsApproval ? "proposal" : "decision")
            if before.phase == .reopened { superseded = previousDecision }
            created = try insertDecision(decision, state: needsApproval ? "proposed" : "in_force")
            currentDecision = created
            if !needsApproval, let replaced = superseded {
                try setState(replaced, "superseded")
                lifted = replaced
                superseded = nil
            }
            detail = try decisionDetail(decision)
            detail["decision_id"] = String(created!)
            subjects.append("decision:\(created!)")
        case .approve(let moderator):
            kind = "approve"
            try setState(previousDecision, "in_force", approvedBy: moderator.rawValue)
            let reversal = before.decision?.isReversal == true
            if let replaced = previousSuperseded {
                try setState(replaced, reversal ? "reversed" : "superseded")
                lifted = replaced
            }
            superseded = nil
            detail["decision_id"] = String(previousDecision!)
            subjects.append("approval:\(previousDecision!)")
            detail["approved_by"] = moderator.rawValue
            detail["proposed_by"] = before.decision?.by.rawValue
            if reversal {
                detail["reversed_decision_id"] = previousSuperseded.map(String.init)
                // The reason the proposer gave travels with the lift, as a reversal made alone would send it.
                detail["reason"] = try String.fetchOne(
                    db.cachedStatement(sql: """
                        SELECT json_extract(detail, '$.reason') FROM audit_log
                        WHERE tenant_id = ? AND case_id = ? AND kind = 'reverse_proposal' ORDER BY seq DESC LIMIT 1
                        """), arguments: [tenant, caseID])
            }
        case .rejectProposal(_, let reason):
            kind = "reject_proposal"
            try setState(previousDecision, "rejected")
            currentDecision = previousSuperseded
            superseded = nil
            detail = ["decision_id": String(previousDecision!), "reason": reason]
        case .note(_, let text):
            kind = "note"
            detail["text"] = text
        case .close:
            kind = "close"
        case .appeal(let statement):
            kind = "appeal"
            detail["statement"] = statement
        case .reverse(_, let reason):
            if status.phase == .awaitingApproval {
                // Lifting sanctions that needed a second person needs one too: the reversal waits for approval.
                kind = "reverse_proposal"
                superseded = previousDecision
                created = try insertDecision(status.decision!, state: "proposed")
            } else {
                kind = "reverse"
                try setState(previousDecision, "reversed")
                lifted = previousDecision
                created = try insertDecision(status.decision!, state: "in_force")
            }
            currentDecision = created
            detail = ["reason": reason, "reversed_decision_id": String(previousDecision!), "decision_id": String(created!)]
            subjects.append("decision:\(created!)")
        }
        for effect in effects {
            switch effect {
            case .applySanctions(let decision):
                guard let decisionID = currentDecision else { continue }
                for target in Sanction.targets(of: decision, account: account) {
                    try db.cachedStatement(sql: """
                            INSERT INTO sanctions (tenant_id, case_id, decision_id, target_kind, target, action, applied_at, expires_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """).execute(arguments: [
                            tenant, caseID, decisionID, target.kind, target.target, try ModerationRows.json(target.action), now,
                            decision.expiresAt.map(ModerationRows.milliseconds),
                        ])
                }
                try DecisionOutRows.insertDispatch(db, tenant: tenant, caseID: caseID, decisionID: decisionID, kind: .apply, reason: "decided", at: now)
                subjects.append("sanctions:\(decisionID)")
            case .liftSanctions:
                guard let lifted else { continue }
                let reversing = kind == "reverse" || detail["reversed_decision_id"] != nil
                let reason = reversing ? "reversed on appeal" : "replaced by a new decision"
                subjects += try Int64.fetchAll(
                    db.cachedStatement(sql: "SELECT id FROM sanctions WHERE decision_id = ? AND lifted_at IS NULL ORDER BY id"), arguments: [lifted]
                ).map { "lift:\($0)" }
                try db.cachedStatement(sql: "UPDATE sanctions SET lifted_at = ?, lifted_reason = ? WHERE decision_id = ? AND lifted_at IS NULL").execute(arguments: [now, reason, lifted])
                let words = detail["reason"].map { reversing ? "\(reason): \($0)" : reason } ?? reason
                try DecisionOutRows.insertDispatch(db, tenant: tenant, caseID: caseID, decisionID: lifted, kind: .lift, reason: words, at: now)
            case .requestApproval, .movedToQueue:
                continue
            }
        }
        let reactivated = (status.isActionable || status.phase == .awaitingApproval) && !(before.isActionable || before.phase == .awaitingApproval)
        if reactivated, let newer = try CaseID.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM cases WHERE tenant_id = ? AND account = ? AND id != ? AND phase IN \(Self.activePhases)"),
            arguments: [tenant, account, caseID])
        {
            throw ModerationError.newerCaseOpen(account: account, caseID: newer)
        }
        try db.cachedStatement(sql: """
                UPDATE cases SET phase = ?, queue = ?, claim_holder = ?, claim_expires_at = ?, decision_id = ?, superseded_decision_id = ?,
                    appeals = ?, updated_at = ?, escalated_to_role = CASE WHEN ? THEN COALESCE(?, escalated_to_role) ELSE NULL END
                WHERE id = ?
                """).execute(arguments: [
                status.phase.rawValue, status.queue, status.claim?.moderator.rawValue, status.claim.map { ModerationRows.milliseconds($0.expiresAt) },
                currentDecision, superseded, status.appeals, now, status.isActionable || status.phase == .awaitingApproval, escalationRole?.rawValue,
                caseID,
            ])
        let audit = try ModerationRows.appendAudit(
            db, key: key, tenant: tenant, actor: actor, kind: kind, caseID: caseID, detail: detail, ruleSetVersion: ruleSetVersion,
            subjects: subjects, at: date)
        return TransitionOutcome(caseID: caseID, status: status, effects: effects, decisionID: created, audit: audit)
    }

    /// The tenant's approval setting, and for an approval who is whom (identities joined by minting), read in the
    /// transition's own transaction; other events need neither.
    static func approvalPolicy(_ db: Database, for event: CaseEvent, tenant: TenantID) throws -> ApprovalPolicy {
        switch event {
        case .decide, .ruleDecision, .reverse, .approve: break
        default: return .none
        }
        guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT approval_required FROM tenants WHERE id = ?"), arguments: [tenant])
        else { return .none }
        let required = Set(try ModerationRows.decode([String].self, text, table: "tenants"))
        guard case .approve = event else { return ApprovalPolicy(requiredFor: required) }
        return ApprovalPolicy(requiredFor: required, people: try people(db))
    }

    /// Every minting edge: who added each moderator, and who issued each token to someone other than themselves.
    static func people(_ db: Database) throws -> People {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT name AS identity, created_by AS minter FROM moderators WHERE created_by IS NOT NULL
                UNION
                SELECT m.name, t.issued_by FROM moderator_tokens t JOIN moderators m ON m.id = t.moderator_id WHERE t.issued_by IS NOT NULL
                """))
        return People(mintings: rows.map { People.Minting(identity: $0["identity"], mintedBy: $0["minter"]) })
    }

    static func decisionDetail(_ decision: Decision) throws -> [String: String] {
        var detail = [
            "actions": try ModerationRows.json(decision.actions), "reason": decision.reason, "rule_ids": decision.ruleIDs.joined(separator: ","),
        ]
        detail["category"] = decision.category
        detail["expires_at"] = decision.expiresAt?.formatted(.iso8601)
        return detail
    }
}
