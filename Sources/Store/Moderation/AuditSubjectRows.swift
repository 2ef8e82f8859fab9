import Foundation
import GRDB
import Moderation

/// The canonical fields of the rows audit rows are about, digested the same way when a row is written and when the
/// chain is verified: a decision's content (`decision:ID`: id, tenant, case, body, created), who approved it
/// (`approval:ID`), the sanctions it applied (`sanctions:ID`: each one's id, case, target, action, applied and expiry
/// times), and a sanction's lifting (`lift:ID`: when and why). Fields that legitimately change later (a decision's
/// state, `updated_at`) are covered by the rows that change them, not by a digest.
enum AuditSubjectRows {
    /// The digest of `subject` as it stands, or nil when it does not exist (or, for an approval or lift, has not happened).
    static func digest(_ db: Database, _ subject: String) throws -> String? {
        let parts = subject.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let id = Int64(parts[1]) else { return nil }
        let fields: [String]?
        switch parts[0] {
        case "decision":
            fields = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, tenant_id, case_id, body, created_at FROM decisions WHERE id = ?"), arguments: [id]
            ).map(decisionFields)
        case "approval":
            fields = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, approved_by FROM decisions WHERE id = ? AND approved_by IS NOT NULL"), arguments: [id]
            ).map(approvalFields)
        case "sanctions":
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM sanctions WHERE decision_id = ? ORDER BY id"), arguments: [id])
            fields = rows.isEmpty ? nil : rows.flatMap(sanctionFields)
        case "lift":
            fields = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, lifted_at, lifted_reason FROM sanctions WHERE id = ? AND lifted_at IS NOT NULL"), arguments: [id]
            ).map(liftFields)
        default:
            fields = nil
        }
        return fields.map(AuditSubjects.digest)
    }

    /// Every subject of the tenant as it stands, and those an audit row must name: everything about decisions made since
    /// the chain was keyed, and every lifting since then.
    static func subjects(_ db: Database, tenant: TenantID) throws -> AuditSubjects {
        var subjects = AuditSubjects()
        let upgrade = try Row.fetchOne(db.cachedStatement(sql: "SELECT decisions_through, sanctions_through, upgraded_at FROM audit_upgrade"))
        let decisionsThrough: Int64 = upgrade?["decisions_through"] ?? 0
        let upgradedAt: Int64 = upgrade?["upgraded_at"] ?? 0
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, tenant_id, case_id, body, created_at, approved_by FROM decisions WHERE tenant_id = ?"), arguments: [tenant])
        {
            let id: Int64 = row["id"]
            let recent = id > decisionsThrough
            subjects.current["decision:\(id)"] = AuditSubjects.digest(decisionFields(row))
            if recent { subjects.mustBeRecorded.insert("decision:\(id)") }
            if (row["approved_by"] as String?) != nil {
                subjects.current["approval:\(id)"] = AuditSubjects.digest(approvalFields(row))
                if recent { subjects.mustBeRecorded.insert("approval:\(id)") }
            }
        }
        var byDecision: [Int64: [String]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM sanctions WHERE tenant_id = ? ORDER BY id"), arguments: [tenant]) {
            let decisionID: Int64 = row["decision_id"]
            byDecision[decisionID, default: []] += sanctionFields(row)
            if let liftedAt = row["lifted_at"] as Int64? {
                let id: Int64 = row["id"]
                subjects.current["lift:\(id)"] = AuditSubjects.digest(liftFields(row))
                if decisionID > decisionsThrough || liftedAt >= upgradedAt { subjects.mustBeRecorded.insert("lift:\(id)") }
            }
        }
        for (decisionID, fields) in byDecision {
            subjects.current["sanctions:\(decisionID)"] = AuditSubjects.digest(fields)
            if decisionID > decisionsThrough { subjects.mustBeRecorded.insert("sanctions:\(decisionID)") }
        }
        return subjects
    }

    private static func decisionFields(_ row: Row) -> [String] {
        [String(row["id"] as Int64), String(row["tenant_id"] as Int64), String(row["case_id"] as Int64), row["body"], String(row["created_at"] as Int64)]
    }

    private static func approvalFields(_ row: Row) -> [String] {
        [String(row["id"] as Int64), row["approved_by"] ?? ""]
    }

    private static func sanctionFields(_ row: Row) -> [String] {
        [
            String(row["id"] as Int64), String(row["tenant_id"] as Int64), String(row["case_id"] as Int64), row["target_kind"], row["target"],
            row["action"], String(row["applied_at"] as Int64), (row["expires_at"] as Int64?).map(String.init) ?? "",
        ]
    }

    private static func liftFields(_ row: Row) -> [String] {
        [String(row["id"] as Int64), String(row["lifted_at"] as Int64), row["lifted_reason"] ?? ""]
    }
}
