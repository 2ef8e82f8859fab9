import Foundation
import GRDB
import Moderation

/// Intake: a report and/or rule hits land on the account's active case (one per account and tenant), in one
/// transaction with the audit row. A replayed report changes nothing; an update newer than the stored one replaces its
/// fields; a muted reporter's report is kept but opens no case.
extension SQLiteStore {
    /// Records the item.
    public func record(_ item: IntakeItem, tenant: Tenant, ruleSetVersion: String?, at date: Date) async throws -> IntakeResult {
        try await groupCommit.write { db in
            try Self.record(db, key: self.auditKey, item: item, tenant: tenant, ruleSetVersion: ruleSetVersion, at: date)
        }
    }

    /// Records many items in one transaction (imports, benchmark seeding); returns each item's result in order.
    public func record(batch items: [IntakeItem], tenant: Tenant, ruleSetVersion: String?, at date: Date) async throws -> [IntakeResult] {
        try await pool.write { db in
            try items.map { try Self.record(db, key: self.auditKey, item: $0, tenant: tenant, ruleSetVersion: ruleSetVersion, at: date) }
        }
    }

    static func record(_ db: Database, key: AuditKey, item: IntakeItem, tenant: Tenant, ruleSetVersion: String?, at date: Date) throws -> IntakeResult {
        let now = ModerationRows.milliseconds(date)
        if let report = item.report {
            if let existing = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, case_id, source_updated_at FROM reports WHERE tenant_id = ? AND source_key = ?"), arguments: [tenant.id, report.sourceKey])
            {
                let caseID: CaseID? = existing["case_id"]
                let stored: Int64? = existing["source_updated_at"]
                guard let updated = report.sourceUpdatedAt.map(ModerationRows.milliseconds), updated > (stored ?? Int64.min) else {
                    return .duplicate(caseID: caseID)
                }
                try db.cachedStatement(sql: """
                        UPDATE reports SET statuses = ?, comment = ?, category = ?, instance_rule_ids = ?, forwarded = ?, source_updated_at = ?
                        WHERE id = ?
                        """).execute(arguments: [
                        try ModerationRows.json(report.statuses), report.comment, report.category, try ModerationRows.json(report.instanceRuleIDs),
                        report.forwarded, updated, existing["id"] as Int64,
                    ])
                try ModerationRows.appendAudit(
                    db, key: key, tenant: tenant.id, actor: "system", kind: "report_updated", caseID: caseID,
                    detail: ["source_key": report.sourceKey, "category": report.category ?? ""], ruleSetVersion: ruleSetVersion, at: date)
                return caseID.map { .recorded(caseID: $0, newCase: false) } ?? .mutedReporter
            }
            if let reporter = report.reporter,
                try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM muted_reporters WHERE tenant_id = ? AND reporter = ?"), arguments: [tenant.id, reporter])
                    == true
            {
                try insertReport(db, report, tenant: tenant.id, caseID: nil, at: now)
                try ModerationRows.appendAudit(
                    db, key: key, tenant: tenant.id, actor: "system", kind: "intake_muted", caseID: nil,
                    detail: ["source": report.source.rawValue, "source_key": report.sourceKey, "reporter": reporter], ruleSetVersion: ruleSetVersion,
                    at: date)
                return .mutedReporter
            }
        }
        guard item.report != nil || !item.hits.isEmpty else { return .nothing }

        let domain = InstanceDomain(url: item.account)?.value ?? ""
        let caseID: CaseID
        let newCase: Bool
        let route: (queue: String, priority: Int)
        if let open = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cases WHERE tenant_id = ? AND account = ? AND phase IN \(activePhases)"), arguments: [tenant.id, item.account])
        {
            caseID = open["id"]
            newCase = false
            let expires: Int64? = open["claim_expires_at"]
            let movable = (open["phase"] as String) == "open" && (expires ?? 0) <= now
            route = Signal.route(current: (open["queue"], open["priority"]), movable: movable, signals: item.signals)
            try db.cachedStatement(sql: "UPDATE cases SET queue = ?, priority = ?, reports = reports + ?, hits = hits + ?, updated_at = ?, account_name = COALESCE(?, account_name) WHERE id = ?").execute(arguments: [route.queue, route.priority, item.report == nil ? 0 : 1, item.hits.count, now, item.accountName, caseID])
        } else {
            newCase = true
            route = Signal.route(current: nil, movable: true, signals: item.signals)
            try db.cachedStatement(sql: """
                    INSERT INTO cases (tenant_id, account, domain, queue, priority, phase, reports, hits, created_at, updated_at, sla_due_at, account_name)
                    VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    tenant.id, item.account, domain, route.queue, route.priority, item.report == nil ? 0 : 1, item.hits.count, now, now,
                    now + Int64(tenant.sla * 1000), item.accountName,
                ])
            caseID = db.lastInsertedRowID
        }
        if let report = item.report { try insertReport(db, report, tenant: tenant.id, caseID: caseID, at: now) }
        for hit in item.hits {
            try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO rule_hits
                        (tenant_id, case_id, subject, rule_id, rule_version, rule_set_version, spans, queue, priority, decision, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    tenant.id, caseID, hit.subjectID, hit.ruleID, hit.ruleVersion, hit.ruleSetVersion, try ModerationRows.json(hit.spans), hit.queue,
                    hit.priority, hit.decision, now,
                ])
        }
        if let screened = item.screened {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO screened_statuses (case_id, status_id, body) VALUES (?, ?, ?)").execute(arguments: [caseID, screened.id, try ModerationRows.json(screened)])
        }
        var detail = ["queue": route.queue, "priority": String(route.priority), "new_case": newCase ? "yes" : "no"]
        if let report = item.report {
            detail["source"] = report.source.rawValue
            detail["source_key"] = report.sourceKey
            detail["reporter"] = report.reporter
            detail["category"] = report.category
        }
        if !item.hits.isEmpty {
            detail["hits"] = item.hits.map { "\($0.ruleID)@\($0.ruleVersion)" }.joined(separator: ",")
            detail["subject"] = item.hits[0].subjectID
        }
        try ModerationRows.appendAudit(
            db, key: key, tenant: tenant.id, actor: "system", kind: item.report == nil ? "rule_hit" : "intake", caseID: caseID, detail: detail,
            ruleSetVersion: ruleSetVersion, at: date)
        return .recorded(caseID: caseID, newCase: newCase)
    }

    static func insertReport(_ db: Database, _ report: IncomingReport, tenant: TenantID, caseID: CaseID?, at now: Int64) throws {
        try db.cachedStatement(sql: """
                INSERT INTO reports (tenant_id, case_id, source, source_key, reporter, account, statuses, comment, category,
                    instance_rule_ids, forwarded, source_updated_at, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                tenant, caseID, report.source.rawValue, report.sourceKey, report.reporter, report.account, try ModerationRows.json(report.statuses),
                report.comment, report.category, try ModerationRows.json(report.instanceRuleIDs), report.forwarded,
                report.sourceUpdatedAt.map(ModerationRows.milliseconds), now,
            ])
    }
}
