import Foundation
import GRDB
import Moderation

/// Conversions between moderation values and rows, and the audit append every transaction shares.
enum ModerationRows {
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    static func date(_ milliseconds: Int64?) -> Date? { milliseconds.map(date) }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `{"key":"value",…}` with sorted keys: the audit detail, written by hand because JSONEncoder's set-up per row
    /// cost more than the rest of a transition.
    static func json(_ detail: [String: String]) -> String {
        var out = "{"
        for (index, key) in detail.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            appendString(key, to: &out)
            out += ":"
            appendString(detail[key]!, to: &out)
        }
        return out + "}"
    }

    private static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptRow(table: table, detail: "\(error)")
        }
    }

    static func tenant(_ row: Row) throws -> Tenant {
        Tenant(
            id: row["id"], slug: row["slug"], name: row["name"], defaultQueue: row["default_queue"], unsolicitedQueue: row["unsolicited_queue"],
            approvalRequired: Set(try decode([String].self, row["approval_required"], table: "tenants")),
            claimLease: TimeInterval(row["claim_lease_seconds"] as Int64), sla: TimeInterval(row["sla_seconds"] as Int64),
            feedTokenHash: row["feed_token_hash"], forwardReports: row["forward_reports"],
            reasonTemplates: try decode([String].self, row["reason_templates"], table: "tenants"),
            flagsFrom: FlagSenders(rawValue: row["flags_from"] ?? "any") ?? .any)
    }

    static func instance(_ row: Row, secrets: SecretBox?) throws -> AttachedInstance {
        let domainText: String = row["domain"]
        guard let domain = InstanceDomain(domainText) else { throw StoreError.corruptRow(table: "instances", detail: "domain '\(domainText)'") }
        return AttachedInstance(
            id: row["id"], tenantID: row["tenant_id"], domain: domain, actorID: row["actor_id"], webhookSecret: try secrets.open(row["webhook_secret"]),
            decisionRoute: DecisionRoute(rawValue: row["decision_route"]) ?? .activitypub, inbox: row["inbox"],
            mastodonAPIToken: try secrets.open(row["mastodon_api_token"]))
    }

    static func moderator(_ row: Row) throws -> Moderator {
        let roleText: String = row["role"]
        guard let role = Role(rawValue: roleText) else { throw StoreError.corruptRow(table: "moderators", detail: "role '\(roleText)'") }
        return Moderator(id: row["id"], tenantID: row["tenant_id"], name: row["name"], role: role, createdBy: row.hasColumn("created_by") ? row["created_by"] : nil)
    }

    static func auditEntry(_ row: Row) -> AuditEntry {
        AuditEntry(
            tenantID: row["tenant_id"], sequence: row["seq"], atMilliseconds: row["at"], actor: row["actor"], kind: row["kind"],
            caseID: row["case_id"], detail: row["detail"], ruleSetVersion: row["rule_set_version"], previousHash: row["previous_hash"],
            subjects: row["subjects"], mac: AuditMAC(rawValue: row["mac"]) ?? .sha256, hash: row["hash"])
    }

    /// Appends a row to the tenant's chain and moves its head, inside the caller's transaction, MAC'd with `key`;
    /// `subjects` (`decision:12`, `approval:12`, `sanctions:12`, `lift:40`) are digested as they stand now.
    @discardableResult
    static func appendAudit(
        _ db: Database, key: AuditKey, tenant: TenantID, actor: String, kind: String, caseID: CaseID?, detail: [String: String],
        ruleSetVersion: String?, subjects: [String] = [], at date: Date
    ) throws -> AuditEntry {
        let head = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit_heads WHERE tenant_id = ?"), arguments: [tenant])
        var digests: [String: String] = [:]
        for subject in subjects {
            guard let digest = try AuditSubjectRows.digest(db, subject) else { continue }
            digests[subject] = digest
        }
        let entry = AuditEntry.next(
            after: head.map { (sequence: $0["seq"], hash: $0["hash"]) }, tenantID: tenant, at: date, actor: actor, kind: kind,
            caseID: caseID, detail: json(detail), ruleSetVersion: ruleSetVersion, subjects: AuditSubjects.canonical(digests), key: key)
        try db.cachedStatement(sql: """
                INSERT INTO audit_log (tenant_id, seq, at, actor, kind, case_id, detail, rule_set_version, previous_hash, hash, mac, subjects)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                tenant, entry.sequence, entry.atMilliseconds, actor, kind, caseID, entry.detail, ruleSetVersion, entry.previousHash, entry.hash,
                entry.mac.rawValue, entry.subjects,
            ])
        try db.cachedStatement(sql: "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash").execute(arguments: [tenant, entry.sequence, entry.hash])
        return entry
    }
}
