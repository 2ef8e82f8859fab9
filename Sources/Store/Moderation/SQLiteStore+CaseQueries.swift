import Foundation
import GRDB
import Moderation

/// Reading cases, queues, evidence and the audit log; every query names the tenant.
extension SQLiteStore: CaseStore {
    /// One case.
    public func summary(of caseID: CaseID, tenant: TenantID, at date: Date) async throws -> CaseSummary {
        let now = ModerationRows.milliseconds(date)
        return try await pool.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cases WHERE id = ? AND tenant_id = ?"), arguments: [caseID, tenant]) else {
                throw ModerationError.noSuchCase(caseID)
            }
            return try Self.summary(row, now: now)
        }
    }

    /// Cases matching the filter.
    public func cases(tenant: TenantID, filter: CaseFilter, at date: Date) async throws -> [CaseSummary] {
        let now = ModerationRows.milliseconds(date)
        var conditions = ["tenant_id = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [tenant]
        let phases = "phase IN (\(filter.phases.map { "'\($0.rawValue)'" }.joined(separator: ", ")))"
        if filter.claimedToo {
            let claimed = "(claim_expires_at > ? AND phase IN \(Self.activePhases))"
            conditions.append(filter.phases.isEmpty ? claimed : "(\(phases) OR \(claimed))")
            arguments.append(now)
        } else if !filter.phases.isEmpty {
            conditions.append(phases)
        }
        if let queue = filter.queue {
            conditions.append("queue = ?")
            arguments.append(queue)
        }
        if let minimum = filter.minimumPriority {
            conditions.append("priority >= ?")
            arguments.append(minimum)
        }
        if let before = filter.createdBefore {
            conditions.append("created_at < ?")
            arguments.append(ModerationRows.milliseconds(before))
        }
        if let breached = filter.slaBreached {
            conditions.append(breached ? "(sla_due_at <= ? AND phase IN \(Self.activePhases))" : "NOT (sla_due_at <= ? AND phase IN \(Self.activePhases))")
            arguments.append(now)
        }
        if let claimed = filter.claimed {
            conditions.append(claimed ? "claim_expires_at > ?" : "(claim_expires_at IS NULL OR claim_expires_at <= ?)")
            arguments.append(now)
        }
        if let holder = filter.holder {
            conditions.append("claim_holder = ? AND claim_expires_at > ?")
            arguments += [holder, now]
        }
        if let account = filter.account {
            conditions.append("account = ?")
            arguments.append(account)
        }
        if let search = filter.search {
            // LIKE patterns with the searched text's own % and _ escaped.
            func literal(_ text: String) -> String {
                text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            }
            switch search {
            case .caseID(let id):
                conditions.append("id = ?")
                arguments.append(id)
            case .handle(let user, let host):
                if let host {
                    conditions.append(#"(account LIKE ? ESCAPE '\' OR account LIKE ? ESCAPE '\') AND domain = ?"#)
                    arguments += ["%/" + literal(user), "%/@" + literal(user), host]
                } else {
                    // A bare word is a handle or a piece of the account's name (its display name, its @username).
                    conditions.append(#"(account LIKE ? ESCAPE '\' OR account LIKE ? ESCAPE '\' OR account_name LIKE ? ESCAPE '\')"#)
                    arguments += ["%/" + literal(user), "%/@" + literal(user), "%" + literal(user) + "%"]
                }
            case .account(let url):
                conditions.append("account = ?")
                arguments.append(url)
            case .domain(let domain):
                conditions.append("domain = ?")
                arguments.append(domain)
            case .text(let text):
                conditions.append(#"(account LIKE ? ESCAPE '\' OR account_name LIKE ? ESCAPE '\')"#)
                arguments += ["%" + literal(text) + "%", "%" + literal(text) + "%"]
            }
        }
        let order: String
        switch filter.sort {
        case .priority:
            order = "priority DESC, id"
            if let after = filter.after {
                conditions.append("(priority, -id) < (SELECT priority, -id FROM cases WHERE id = ? AND tenant_id = ?)")
                arguments += [after, tenant]
            }
        case .age:
            order = "id"
            if let after = filter.after {
                conditions.append("id > ?")
                arguments.append(after)
            }
        case .newest:
            order = "id DESC"
            if let after = filter.after {
                conditions.append("id < ?")
                arguments.append(after)
            }
        }
        let sql = "SELECT * FROM cases WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(order) LIMIT \(max(1, min(filter.limit, 1000)))"
        let statementArguments = StatementArguments(arguments)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { try Self.summary($0, now: now) }
        }
    }

    static func summary(_ row: Row, now: Int64) throws -> CaseSummary {
        let phaseText: String = row["phase"]
        guard let phase = CaseStatus.Phase(rawValue: phaseText) else { throw StoreError.corruptRow(table: "cases", detail: "phase '\(phaseText)'") }
        let expires: Int64? = row["claim_expires_at"]
        let live = (expires ?? 0) > now
        return CaseSummary(
            id: row["id"], account: row["account"], domain: row["domain"], queue: row["queue"], priority: row["priority"], phase: phase,
            holder: live ? row["claim_holder"] : nil, claimExpiresAt: live ? ModerationRows.date(expires) : nil, reports: row["reports"],
            hits: row["hits"], createdAt: ModerationRows.date(row["created_at"] as Int64), updatedAt: ModerationRows.date(row["updated_at"] as Int64),
            slaDueAt: ModerationRows.date(row["sla_due_at"] as Int64), escalatedToRole: (row["escalated_to_role"] as String?).flatMap(Role.init))
    }

    /// The tenant's queues with their counts (queues with active cases, plus the default queue).
    public func queues(tenant: TenantID, for moderator: String, at date: Date) async throws -> [QueueSummary] {
        let now = ModerationRows.milliseconds(date)
        return try await pool.read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT queue,
                        COUNT(CASE WHEN phase IN \(Self.actionablePhases) THEN 1 END) AS open,
                        MIN(CASE WHEN phase IN \(Self.actionablePhases) THEN created_at END) AS oldest,
                        COUNT(CASE WHEN sla_due_at <= ? THEN 1 END) AS breached,
                        COUNT(CASE WHEN claim_holder = ? AND claim_expires_at > ? THEN 1 END) AS mine,
                        COUNT(CASE WHEN phase = 'awaiting_approval' THEN 1 END) AS approvals
                    FROM cases INDEXED BY cases_by_queue
                    WHERE tenant_id = ? AND phase IN \(Self.activePhases)
                    GROUP BY queue ORDER BY queue
                    """), arguments: [now, moderator, now, tenant])
            var summaries = rows.map { row in
                QueueSummary(
                    name: row["queue"], open: row["open"], oldestOpenAt: ModerationRows.date(row["oldest"] as Int64?), slaBreached: row["breached"],
                    claimedByMe: row["mine"], awaitingApproval: row["approvals"])
            }
            if let defaultQueue = try String.fetchOne(db.cachedStatement(sql: "SELECT default_queue FROM tenants WHERE id = ?"), arguments: [tenant]),
                !summaries.contains(where: { $0.name == defaultQueue })
            {
                summaries.append(QueueSummary(name: defaultQueue, open: 0, oldestOpenAt: nil, slaBreached: 0, claimedByMe: 0, awaitingApproval: 0))
                summaries.sort { $0.name < $1.name }
            }
            return summaries
        }
    }

    /// The case with its evidence, prior record, reporters' history and audit history.
    public func detail(of caseID: CaseID, tenant: TenantID, at date: Date) async throws -> CaseDetail {
        let now = ModerationRows.milliseconds(date)
        return try await pool.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cases WHERE id = ? AND tenant_id = ?"), arguments: [caseID, tenant]) else {
                throw ModerationError.noSuchCase(caseID)
            }
            let summary = try Self.summary(row, now: now)
            let reports = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM reports WHERE case_id = ? AND tenant_id = ? ORDER BY id"), arguments: [caseID, tenant])
                .map(Self.storedReport)
            let hits = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM rule_hits WHERE case_id = ? AND tenant_id = ? ORDER BY id"), arguments: [caseID, tenant])
                .map(Self.hit)
            let screened = try String.fetchAll(db.cachedStatement(sql: "SELECT body FROM screened_statuses WHERE case_id = ? ORDER BY status_id"), arguments: [caseID])
                .map { try ModerationRows.decode(ReportedStatus.self, $0, table: "screened_statuses") }
            let decisions = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM decisions WHERE case_id = ? AND tenant_id = ? ORDER BY id"), arguments: [caseID, tenant])
                .map(Self.storedDecision)
            let sanctions = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM sanctions WHERE tenant_id = ? AND target IN (?, ?) ORDER BY id"), arguments: [tenant, summary.account, summary.domain]
            ).map(Self.sanction)
            let prior = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM cases WHERE tenant_id = ? AND account = ? AND id != ? ORDER BY id DESC LIMIT 50"), arguments: [tenant, summary.account, caseID]
            ).map { try Self.summary($0, now: now) }
            var reporters: [ReporterHistory] = []
            for reporter in Set(reports.compactMap(\.report.reporter)).sorted() {
                let counts = try Row.fetchOne(db.cachedStatement(sql: """
                        SELECT COUNT(*) AS reports,
                            TOTAL(EXISTS (SELECT 1 FROM decisions d JOIN cases c ON c.decision_id = d.id
                                WHERE c.id = r.case_id AND d.state = 'in_force' AND d.body LIKE '%"action":"dismiss"%')) AS dismissed
                        FROM reports r WHERE r.tenant_id = ? AND r.reporter = ?
                        """), arguments: [tenant, reporter])
                let muted = try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM muted_reporters WHERE tenant_id = ? AND reporter = ?"), arguments: [tenant, reporter])
                reporters.append(ReporterHistory(
                    reporter: reporter, reports: counts?["reports"] ?? 0, dismissed: Int(counts?["dismissed"] as Double? ?? 0), muted: muted == true))
            }
            let history = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM audit_log WHERE tenant_id = ? AND case_id = ? ORDER BY seq"), arguments: [tenant, caseID]
            ).map(ModerationRows.auditEntry)
            return CaseDetail(
                summary: summary, reports: reports, hits: hits, screened: screened, decisions: decisions, sanctions: sanctions, priorCases: prior,
                reporters: reporters, history: history)
        }
    }

    /// The audit rows about the case.
    public func history(of caseID: CaseID, tenant: TenantID) async throws -> [AuditEntry] {
        try await pool.read { db in
            guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM cases WHERE id = ? AND tenant_id = ?"), arguments: [caseID, tenant]) == true else {
                throw ModerationError.noSuchCase(caseID)
            }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM audit_log WHERE tenant_id = ? AND case_id = ? ORDER BY seq"), arguments: [tenant, caseID])
                .map(ModerationRows.auditEntry)
        }
    }

    /// Active sanctions (not lifted, not expired).
    public func activeSanctions(tenant: TenantID, target: String?, at date: Date) async throws -> [Sanction] {
        let now = ModerationRows.milliseconds(date)
        return try await pool.read { db in
            let sql = """
                SELECT s.*, json_extract(d.body, '$.category') AS category FROM sanctions s JOIN decisions d ON d.id = s.decision_id
                WHERE s.tenant_id = ? AND s.lifted_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > ?)
                """
            if let target {
                return try Row.fetchAll(db.cachedStatement(sql: sql + " AND s.target = ? ORDER BY s.id"), arguments: [tenant, now, target])
                    .map(Self.sanction)
            }
            return try Row.fetchAll(db.cachedStatement(sql: sql + " ORDER BY s.id"), arguments: [tenant, now]).map(Self.sanction)
        }
    }

    /// When the tenant's sanctions last changed (applied, lifted or expired), or nil when it has none.
    public func sanctionsChangedAt(tenant: TenantID, at date: Date) async throws -> Date? {
        let now = ModerationRows.milliseconds(date)
        return try await pool.read { db in
            let latest = try Int64.fetchOne(
                db.cachedStatement(sql: """
                    SELECT MAX(MAX(applied_at, COALESCE(lifted_at, 0), CASE WHEN expires_at <= ? THEN expires_at ELSE 0 END))
                    FROM sanctions WHERE tenant_id = ?
                    """), arguments: [now, tenant])
            return latest.map(ModerationRows.date)
        }
    }

    /// Lifts expired sanctions.
    public func expireSanctions(at date: Date) async throws -> Int {
        let now = ModerationRows.milliseconds(date)
        return try await pool.write { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM sanctions WHERE lifted_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY id"), arguments: [now])
            for row in rows {
                try db.cachedStatement(sql: "UPDATE sanctions SET lifted_at = ?, lifted_reason = 'expired' WHERE id = ?").execute(arguments: [now, row["id"] as Int64])
                try DecisionOutRows.insertDispatch(
                    db, tenant: row["tenant_id"], caseID: row["case_id"], decisionID: row["decision_id"], kind: .lift, reason: "expired", at: now)
                try ModerationRows.appendAudit(
                    db, key: self.auditKey, tenant: row["tenant_id"], actor: "system", kind: "sanction_expired", caseID: row["case_id"],
                    detail: ["sanction_id": String(row["id"] as Int64), "target": row["target"], "action": row["action"]], ruleSetVersion: nil,
                    subjects: ["lift:\(row["id"] as Int64)"], at: date)
            }
            return rows.count
        }
    }

    /// Appends an audit row.
    public func audit(
        tenant: TenantID, actor: String, kind: String, caseID: CaseID?, detail: [String: String], ruleSetVersion: String?, at date: Date
    ) async throws -> AuditEntry {
        try await pool.write { db in
            if let caseID, try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM cases WHERE id = ? AND tenant_id = ?"), arguments: [caseID, tenant]) != true {
                throw ModerationError.noSuchCase(caseID)
            }
            return try ModerationRows.appendAudit(
                db, key: self.auditKey, tenant: tenant, actor: actor, kind: kind, caseID: caseID, detail: detail, ruleSetVersion: ruleSetVersion, at: date)
        }
    }

    /// The chain's rows in sequence order, its recorded head, its last unkeyed row and the subjects its rows are about.
    public func auditChain(tenant: TenantID) async throws -> AuditChainRecord {
        try await pool.read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM audit_log WHERE tenant_id = ? ORDER BY seq"), arguments: [tenant])
                .map(ModerationRows.auditEntry)
            let head = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit_heads WHERE tenant_id = ?"), arguments: [tenant])
            return AuditChainRecord(
                rows: rows, head: head.map { (sequence: $0["seq"], hash: $0["hash"]) } ?? (0, ""), legacyThrough: try Self.legacyThrough(db, tenant),
                subjects: try AuditSubjectRows.subjects(db, tenant: tenant))
        }
    }

    /// The chain's rows from `sequence` on, and its last unkeyed row.
    public func auditRows(tenant: TenantID, from sequence: Int64) async throws -> (rows: [AuditEntry], legacyThrough: Int64) {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM audit_log WHERE tenant_id = ? AND seq >= ? ORDER BY seq"), arguments: [tenant, sequence]
            ).map(ModerationRows.auditEntry)
            return (rows, try Self.legacyThrough(db, tenant))
        }
    }

    static func legacyThrough(_ db: Database, _ tenant: TenantID) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT through_seq FROM audit_legacy WHERE tenant_id = ?"), arguments: [tenant]) ?? 0
    }

    /// A page of stored reports in id order after `id`, received at or after `since`, of `tenant` (every tenant when
    /// nil), each with its tenant: what `palisade rules replay` evaluates.
    public func reports(after id: Int64, since: Date?, tenant: TenantID?, limit: Int) async throws -> [(tenant: TenantID, report: StoredReport)] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT * FROM reports WHERE id > ? AND received_at >= ? AND (? IS NULL OR tenant_id = ?) ORDER BY id LIMIT ?
                    """),
                arguments: [id, ModerationRows.milliseconds(since ?? Date(timeIntervalSince1970: 0)), tenant, tenant, limit]
            ).map { (tenant: $0["tenant_id"] as TenantID, report: try Self.storedReport($0)) }
        }
    }

    static func storedReport(_ row: Row) throws -> StoredReport {
        let sourceText: String = row["source"]
        let report = IncomingReport(
            source: ReportSource(rawValue: sourceText) ?? .flag, sourceKey: row["source_key"], reporter: row["reporter"], account: row["account"],
            statuses: try ModerationRows.decode([ReportedStatus].self, row["statuses"], table: "reports"), comment: row["comment"],
            category: row["category"], instanceRuleIDs: try ModerationRows.decode([String].self, row["instance_rule_ids"], table: "reports"),
            forwarded: row["forwarded"], sourceUpdatedAt: ModerationRows.date(row["source_updated_at"] as Int64?))
        return StoredReport(id: row["id"], caseID: row["case_id"], report: report, receivedAt: ModerationRows.date(row["received_at"] as Int64))
    }

    static func hit(_ row: Row) throws -> RecordedHit {
        RecordedHit(
            subjectID: row["subject"], ruleID: row["rule_id"], ruleVersion: row["rule_version"], ruleSetVersion: row["rule_set_version"],
            spans: try ModerationRows.decode([RecordedHit.Span].self, row["spans"], table: "rule_hits"), queue: row["queue"],
            priority: row["priority"], decision: row["decision"])
    }

    static func storedDecision(_ row: Row) throws -> StoredDecision {
        StoredDecision(
            id: row["id"], caseID: row["case_id"], decision: try ModerationRows.decode(Decision.self, row["body"], table: "decisions"),
            state: row["state"], approvedBy: row["approved_by"], createdAt: ModerationRows.date(row["created_at"] as Int64))
    }

    static func sanction(_ row: Row) throws -> Sanction {
        Sanction(
            id: row["id"], caseID: row["case_id"], decisionID: row["decision_id"], targetKind: row["target_kind"], target: row["target"],
            action: try ModerationRows.decode(DecisionAction.self, row["action"], table: "sanctions"),
            appliedAt: ModerationRows.date(row["applied_at"] as Int64), expiresAt: ModerationRows.date(row["expires_at"] as Int64?),
            liftedAt: ModerationRows.date(row["lifted_at"] as Int64?), liftedReason: row["lifted_reason"],
            category: row.hasColumn("category") ? row["category"] : nil)
    }
}
