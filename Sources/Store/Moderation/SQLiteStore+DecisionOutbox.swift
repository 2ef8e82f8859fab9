import Federation
import Foundation
import GRDB
import Moderation

/// Rows of the decision outbox shared with the transitions that write them.
enum DecisionOutRows {
    /// Writes the dispatch of a decision's start or end, due at once; a second one of the same kind is a no-op.
    static func insertDispatch(
        _ db: Database, tenant: TenantID, caseID: CaseID, decisionID: Int64, kind: DecisionDispatch.Kind, reason: String, at now: Int64
    ) throws {
        try db.cachedStatement(sql: """
                INSERT INTO decision_dispatches (tenant_id, case_id, decision_id, kind, reason, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (decision_id, kind) DO NOTHING
                """).execute(arguments: [tenant, caseID, decisionID, kind.rawValue, reason, now, now])
    }

    static func dispatch(_ row: Row) throws -> DecisionDispatch {
        let kindText: String = row["kind"]
        guard let kind = DecisionDispatch.Kind(rawValue: kindText) else {
            throw StoreError.corruptRow(table: "decision_dispatches", detail: "kind '\(kindText)'")
        }
        return DecisionDispatch(
            id: row["id"], tenantID: row["tenant_id"], caseID: row["case_id"], decisionID: row["decision_id"], kind: kind, reason: row["reason"],
            attempts: row["attempts"], createdAt: ModerationRows.date(row["created_at"] as Int64))
    }

    static func state(of deliveryState: String?) -> DecisionDeliveryState {
        switch deliveryState {
        case "delivered": return .delivered
        case "dead": return .failed
        default: return .queued
        }
    }
}

extension SQLiteStore: DecisionOutbox {
    /// Due dispatches with their tenant, case account, reported statuses, decision, instances, webhook reports and,
    /// for a lift, what the decision's apply sent.
    public func pendingDispatches(at date: Date, limit: Int) async throws -> [DispatchContext] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM decision_dispatches WHERE dispatched_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?"),
                arguments: [ModerationRows.milliseconds(date), limit])
            return try rows.map { row in
                let dispatch = try DecisionOutRows.dispatch(row)
                guard let tenantRow = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM tenants WHERE id = ?"), arguments: [dispatch.tenantID]),
                    let account = try String.fetchOne(db.cachedStatement(sql: "SELECT account FROM cases WHERE id = ?"), arguments: [dispatch.caseID]),
                    let decision = try SQLiteStore.decision(db, id: dispatch.decisionID)
                else { throw StoreError.corruptRow(table: "decision_dispatches", detail: "dispatch \(dispatch.id) names a missing tenant, case or decision") }
                var statuses: [String] = []
                var webhookReports: [String: [String]] = [:]
                for report in try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT source, source_key, statuses FROM reports WHERE case_id = ? ORDER BY id"), arguments: [dispatch.caseID])
                {
                    // Only proven evidence travels: a status not attributed on its own origin to the account is left out.
                    for status in try ModerationRows.decode([ReportedStatus].self, report["statuses"], table: "reports")
                    where status.verified && !statuses.contains(status.id) {
                        statuses.append(status.id)
                    }
                    let key: String = report["source_key"]
                    if report["source"] == ReportSource.webhook.rawValue {
                        // webhook:DOMAIN:REPORT_ID
                        let parts = key.split(separator: ":")
                        if parts.count >= 3, let id = parts.last {
                            webhookReports[parts.dropFirst().dropLast().joined(separator: ":"), default: []].append(String(id))
                        }
                    }
                }
                let instances = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM instances WHERE tenant_id = ? ORDER BY domain"), arguments: [dispatch.tenantID]
                ).map { try ModerationRows.instance($0, secrets: self.secrets) }
                var applied: [SentForDecision] = []
                if dispatch.kind == .lift {
                    applied = try Row.fetchAll(
                        db.cachedStatement(sql: """
                            SELECT dd.instance, dd.kind, dd.activity_id, dd.inbox, dd.job_id, b.body FROM decision_deliveries dd
                            JOIN decision_dispatches d ON d.id = dd.dispatch_id
                            LEFT JOIN delivery_bodies b ON b.activity_id = dd.activity_id
                            WHERE dd.decision_id = ? AND d.kind = 'apply' ORDER BY dd.id
                            """), arguments: [dispatch.decisionID]
                    ).compactMap { sent in
                        guard let kind = DecisionDeliveryKind(rawValue: sent["kind"]) else { return nil }
                        return SentForDecision(
                            instance: sent["instance"], kind: kind, activityID: sent["activity_id"], inbox: sent["inbox"], body: sent["body"], jobID: sent["job_id"])
                    }
                }
                return DispatchContext(
                    dispatch: dispatch, tenant: try ModerationRows.tenant(tenantRow), account: account, statuses: statuses, decision: decision,
                    instances: instances, webhookReports: webhookReports, applied: applied)
            }
        }
    }

    /// Queues the plan, tracks it, keeps resolved inboxes and marks the dispatch done, in one transaction; a dispatch
    /// already done is left as it is (planning twice queues nothing twice).
    public func completeDispatch(_ id: Int64, plan: [PlannedDelivery], resolvedInboxes: [String: String], at date: Date) async throws {
        try await groupCommit.write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM decision_dispatches WHERE id = ?"), arguments: [id]) else {
                throw StoreError.corruptRow(table: "decision_dispatches", detail: "no dispatch \(id)")
            }
            guard (row["dispatched_at"] as Int64?) == nil else { return }
            let dispatch = try DecisionOutRows.dispatch(row)
            let now = ModerationRows.milliseconds(date)
            try DeliveryRecord.enqueue(plan.compactMap(\.delivery), at: date, in: db)
            let track = try db.cachedStatement(sql: """
                INSERT INTO decision_deliveries (tenant_id, case_id, decision_id, dispatch_id, instance, path, kind, activity_id, inbox, job_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for planned in plan {
                var jobID: Int64?
                if let operation = planned.operation {
                    try db.cachedStatement(sql: """
                            INSERT INTO enforcement_jobs (tenant_id, decision_id, instance, operation, state, created_at, next_attempt_at, updated_at)
                            VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)
                            """).execute(arguments: [dispatch.tenantID, dispatch.decisionID, planned.instance, try ModerationRows.json(operation), now, now, now])
                    jobID = db.lastInsertedRowID
                }
                try track.execute(arguments: [
                    dispatch.tenantID, dispatch.caseID, dispatch.decisionID, id, planned.instance, planned.kind.path.rawValue, planned.kind.rawValue,
                    planned.delivery?.activityID, planned.delivery?.inbox, jobID, now,
                ])
            }
            for (domain, inbox) in resolvedInboxes {
                try db.cachedStatement(sql: "UPDATE instances SET inbox = ? WHERE domain = ? AND inbox IS NULL").execute(arguments: [inbox, domain])
            }
            try db.cachedStatement(sql: "UPDATE decision_dispatches SET dispatched_at = ?, last_error = NULL WHERE id = ?").execute(arguments: [now, id])
        }
    }

    /// Counts a failed planning attempt and sets the next.
    public func postponeDispatch(_ id: Int64, error: String, until date: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE decision_dispatches SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND dispatched_at IS NULL",
                arguments: [String(error.prefix(1000)), ModerationRows.milliseconds(date), id])
        }
    }

    /// The case's tracked deliveries, with the delivery queue's and the job queue's state, then its waiting dispatches.
    public func decisionDeliveries(case caseID: CaseID, tenant: TenantID) async throws -> [DecisionDelivery] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT dd.decision_id, dd.instance, dd.kind, dd.activity_id, dd.job_id, dd.created_at, d.kind AS dispatch_kind,
                        dl.state AS ap_state, dl.attempts AS ap_attempts, dl.last_error AS ap_error, dl.updated_at AS ap_updated,
                        ej.state AS job_state, ej.attempts AS job_attempts, ej.last_answer AS job_answer, ej.updated_at AS job_updated, ej.applied
                    FROM decision_deliveries dd JOIN decision_dispatches d ON d.id = dd.dispatch_id
                    LEFT JOIN deliveries dl ON dl.activity_id = dd.activity_id AND dl.inbox = dd.inbox
                    LEFT JOIN enforcement_jobs ej ON ej.id = dd.job_id
                    WHERE dd.tenant_id = ? AND dd.case_id = ? ORDER BY dd.id
                    """), arguments: [tenant, caseID])
            var deliveries = try rows.map { row -> DecisionDelivery in
                let kind = DecisionDeliveryKind(rawValue: row["kind"]) ?? .flag
                let dispatchKind = DecisionDispatch.Kind(rawValue: row["dispatch_kind"]) ?? .apply
                if let jobID: Int64 = row["job_id"] {
                    let state = DecisionOutRows.state(of: row["job_state"])
                    var answer: String? = row["job_answer"]
                    if state == .delivered, let applied: String = row["applied"] {
                        answer = try ModerationRows.decode(MastodonApplied.self, applied, table: "enforcement_jobs").summary
                    }
                    return DecisionDelivery(
                        decisionID: row["decision_id"], dispatch: dispatchKind, instance: row["instance"], kind: kind, state: state,
                        attempts: row["job_attempts"] ?? 0, answer: answer, reference: "job \(jobID)",
                        updatedAt: ModerationRows.date((row["job_updated"] as Int64?) ?? row["created_at"]))
                }
                let updated: Date? = row["ap_updated"]
                return DecisionDelivery(
                    decisionID: row["decision_id"], dispatch: dispatchKind, instance: row["instance"], kind: kind, state: DecisionOutRows.state(of: row["ap_state"]),
                    attempts: row["ap_attempts"] ?? 0, answer: row["ap_error"], reference: row["activity_id"] ?? "",
                    updatedAt: updated ?? ModerationRows.date(row["created_at"] as Int64))
            }
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM decision_dispatches WHERE tenant_id = ? AND case_id = ? AND dispatched_at IS NULL ORDER BY id"),
                arguments: [tenant, caseID])
            {
                let dispatch = try DecisionOutRows.dispatch(row)
                deliveries.append(DecisionDelivery(
                    decisionID: dispatch.decisionID, dispatch: dispatch.kind, instance: "*", kind: .dispatch, state: .queued, attempts: dispatch.attempts,
                    answer: row["last_error"], reference: "dispatch \(dispatch.id)", updatedAt: dispatch.createdAt))
            }
            return deliveries
        }
    }

    /// Failed deliveries and jobs of the case become due now, with a new week before they are given up; waiting
    /// dispatches are tried at once.
    public func retryDecisionDeliveries(case caseID: CaseID, tenant: TenantID, at date: Date) async throws -> Int {
        let now = ModerationRows.milliseconds(date)
        return try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE deliveries SET state = 'pending', next_attempt_at = ?, created_at = ?, updated_at = ?
                    WHERE state = 'dead' AND id IN (
                        SELECT dl.id FROM deliveries dl JOIN decision_deliveries dd ON dd.activity_id = dl.activity_id AND dd.inbox = dl.inbox
                        WHERE dd.tenant_id = ? AND dd.case_id = ?)
                    """, arguments: [date, date, date, tenant, caseID])
            var count = db.changesCount
            try db.execute(
                sql: """
                    UPDATE enforcement_jobs SET state = 'pending', next_attempt_at = ?, created_at = ?, updated_at = ?
                    WHERE state = 'dead' AND id IN (SELECT job_id FROM decision_deliveries WHERE tenant_id = ? AND case_id = ? AND job_id IS NOT NULL)
                    """, arguments: [now, now, now, tenant, caseID])
            count += db.changesCount
            try db.execute(
                sql: "UPDATE decision_dispatches SET next_attempt_at = ? WHERE tenant_id = ? AND case_id = ? AND dispatched_at IS NULL",
                arguments: [now, tenant, caseID])
            return count + db.changesCount
        }
    }

    /// The oldest pending job of each instance, when due.
    public func dueEnforcement(at date: Date, limit: Int, excluding: Set<Int64>) async throws -> [EnforcementJob] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT * FROM enforcement_jobs e WHERE state = 'pending' AND next_attempt_at <= ?
                      AND NOT EXISTS (SELECT 1 FROM enforcement_jobs p WHERE p.instance = e.instance AND p.state = 'pending' AND p.id < e.id)
                    ORDER BY next_attempt_at, id LIMIT ?
                    """), arguments: [ModerationRows.milliseconds(date), limit + excluding.count])
            return try rows.compactMap { row in
                let id: Int64 = row["id"]
                guard !excluding.contains(id) else { return nil }
                let applied: String? = row["applied"]
                return EnforcementJob(
                    id: id, decisionID: row["decision_id"], instance: row["instance"],
                    operation: try ModerationRows.decode(EnforcementOperation.self, row["operation"], table: "enforcement_jobs"), attempts: row["attempts"],
                    createdAt: ModerationRows.date(row["created_at"] as Int64),
                    applied: try applied.map { try ModerationRows.decode(MastodonApplied.self, $0, table: "enforcement_jobs") })
            }
        }
    }

    /// Records a job's attempt: delivered, retried (with the progress so far), or dead.
    public func finishEnforcement(_ id: Int64, result: DeliveryResult, applied: MastodonApplied?, at date: Date) async throws {
        let now = ModerationRows.milliseconds(date)
        let (state, next, answer): (String, Int64?, String?)
        switch result {
        case .delivered: (state, next, answer) = ("delivered", nil, nil)
        case .retry(let at, let error): (state, next, answer) = ("pending", ModerationRows.milliseconds(at), error)
        case .dead(let error), .gone(let error): (state, next, answer) = ("dead", nil, error)
        }
        let appliedJSON = try applied.map { try ModerationRows.json($0) }
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE enforcement_jobs SET state = ?, attempts = attempts + 1, next_attempt_at = COALESCE(?, next_attempt_at), updated_at = ?,
                        last_answer = ?, applied = COALESCE(?, applied)
                    WHERE id = ?
                    """, arguments: [state, next, now, answer.map { String($0.prefix(1000)) }, appliedJSON, id])
        }
    }

    /// What job `id` applied.
    public func enforcementJobs(in state: String?, limit: Int) async throws -> [EnforcementJobStatus] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT * FROM enforcement_jobs WHERE (? IS NULL OR state = ?) ORDER BY updated_at DESC, id DESC LIMIT ?
                    """), arguments: [state, state, limit])
            return try rows.map { row in
                let operation = try ModerationRows.decode(EnforcementOperation.self, row["operation"], table: "enforcement_jobs")
                let name: String
                switch operation {
                case .apply(let enforcement): name = "apply " + (enforcement.accountActions + enforcement.domainBlocks.map { "block \($0.domain)" }).joined(separator: ",")
                case .reverse(let job): name = "reverse job \(job)"
                }
                return EnforcementJobStatus(
                    id: row["id"], instance: row["instance"], decisionID: row["decision_id"], operation: name, state: row["state"],
                    attempts: row["attempts"], nextAttemptAt: ModerationRows.date(row["next_attempt_at"] as Int64), lastAnswer: row["last_answer"])
            }
        }
    }

    public func enforcementCounts() async throws -> [String: Int] {
        try await pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM enforcement_jobs GROUP BY state") { counts[row["state"]] = row["n"] }
            return counts
        }
    }

    public func requeueDeadEnforcement(ids: [Int64]?, at date: Date) async throws -> Int {
        let now = ModerationRows.milliseconds(date)
        return try await pool.write { db in
            let set = "state = 'pending', next_attempt_at = ?, created_at = ?, updated_at = ?"
            if let ids {
                guard !ids.isEmpty else { return 0 }
                let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
                try db.execute(
                    sql: "UPDATE enforcement_jobs SET \(set) WHERE state = 'dead' AND id IN (\(marks))",
                    arguments: StatementArguments([now, now, now] + ids.map { $0 as (any DatabaseValueConvertible) }))
            } else {
                try db.execute(sql: "UPDATE enforcement_jobs SET \(set) WHERE state = 'dead'", arguments: [now, now, now])
            }
            return db.changesCount
        }
    }

    public func appliedEnforcement(job id: Int64) async throws -> MastodonApplied? {
        try await pool.read { db in
            guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT applied FROM enforcement_jobs WHERE id = ?"), arguments: [id]) else { return nil }
            return try ModerationRows.decode(MastodonApplied.self, text, table: "enforcement_jobs")
        }
    }
}
