import Crypto
import Foundation

/// A tenant's decisions as subscription feeds: the domains it defederates (Mastodon's domain-block CSV, a JSON form
/// GoToSocial's and Mastodon's subscriptions read, plain text) and the accounts it sanctions. Built from the active
/// sanctions only, so a reversed or expired decision drops out (retraction). Pure: rendering and validators.
public struct Blocklist: Sendable, Equatable {
    /// One defederated domain, the strongest of its active sanctions.
    public struct DomainEntry: Sendable, Equatable {
        public let domain: String
        /// `silence` or `suspend`.
        public let severity: String
        public let rejectMedia: Bool
        public let rejectReports: Bool
        /// What may be said publicly: the decision's category, never its reason (which can name reporters).
        public let publicComment: String
        /// Since when.
        public let since: Date
    }

    /// One sanctioned account, the strongest of its active sanctions.
    public struct AccountEntry: Sendable, Equatable {
        public let account: String
        /// `mark_sensitive`, `silence` or `suspend`.
        public let action: String
        public let publicComment: String
        public let since: Date
        public let expiresAt: Date?
    }

    public let domains: [DomainEntry]
    public let accounts: [AccountEntry]

    /// The feeds of `sanctions` (the tenant's active ones).
    public init(sanctions: [Sanction]) {
        var domains: [String: DomainEntry] = [:]
        var accounts: [String: AccountEntry] = [:]
        let rank = ["mark_sensitive": 0, "silence": 1, "suspend": 2]
        for sanction in sanctions {
            let comment = sanction.category.map { "category: \($0)" } ?? ""
            switch sanction.action {
            case .defederate(let domain, let severity, let rejectMedia, let rejectReports):
                let entry = DomainEntry(
                    domain: domain, severity: severity.rawValue, rejectMedia: rejectMedia, rejectReports: rejectReports, publicComment: comment,
                    since: sanction.appliedAt)
                if let existing = domains[domain] {
                    domains[domain] = DomainEntry(
                        domain: domain, severity: existing.severity == "suspend" || entry.severity == "suspend" ? "suspend" : "silence",
                        rejectMedia: existing.rejectMedia || entry.rejectMedia, rejectReports: existing.rejectReports || entry.rejectReports,
                        publicComment: existing.publicComment.isEmpty ? entry.publicComment : existing.publicComment,
                        since: min(existing.since, entry.since))
                } else {
                    domains[domain] = entry
                }
            case .markSensitive, .silence, .suspend:
                let entry = AccountEntry(
                    account: sanction.target, action: sanction.action.name, publicComment: comment, since: sanction.appliedAt,
                    expiresAt: sanction.expiresAt)
                if let existing = accounts[sanction.target], rank[existing.action, default: 0] >= rank[entry.action, default: 0] { continue }
                accounts[sanction.target] = entry
            case .dismiss:
                continue
            }
        }
        self.domains = domains.values.sorted { $0.domain < $1.domain }
        self.accounts = accounts.values.sorted { $0.account < $1.account }
    }

    /// Mastodon's domain-block CSV (what its admin import and CSV subscriptions read).
    public func domainsCSV(severity: String? = nil) -> String {
        var lines = ["#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"]
        for entry in domains where severity == nil || entry.severity == severity {
            lines.append([
                Self.csvField(entry.domain), entry.severity, String(entry.rejectMedia), String(entry.rejectReports), Self.csvField(entry.publicComment),
                "false",
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JSON objects GoToSocial's domain-permission subscriptions read (`domain`, `suspended_at`, `public_comment`, …) and
    /// Mastodon's list subscriptions read (`domain`, `severity`), in one array; readers ignore the keys they do not know.
    public func domainsJSON(severity: String? = nil) -> String {
        let items = domains.filter { severity == nil || $0.severity == severity }.map { entry in
            "{" + [
                "\"domain\":" + Self.jsonString(entry.domain), "\"severity\":" + Self.jsonString(entry.severity),
                "\"suspended_at\":" + Self.jsonString(entry.since.formatted(.iso8601)), "\"public_comment\":" + Self.jsonString(entry.publicComment),
                "\"reject_media\":\(entry.rejectMedia)", "\"reject_reports\":\(entry.rejectReports)", "\"obfuscate\":false",
            ].joined(separator: ",") + "}"
        }
        return "[" + items.joined(separator: ",") + "]\n"
    }

    /// One domain a line.
    public func domainsText(severity: String? = nil) -> String {
        domains.filter { severity == nil || $0.severity == severity }.map { $0.domain + "\n" }.joined()
    }

    /// The sanctioned accounts as CSV: `#account,#action,#since,#expires_at,#public_comment`.
    public func accountsCSV() -> String {
        var lines = ["#account,#action,#since,#expires_at,#public_comment"]
        for entry in accounts {
            lines.append([
                Self.csvField(entry.account), entry.action, entry.since.formatted(.iso8601), entry.expiresAt?.formatted(.iso8601) ?? "",
                Self.csvField(entry.publicComment),
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The sanctioned accounts as JSON: `[{"account", "action", "since", "expires_at", "public_comment"}]`.
    public func accountsJSON() -> String {
        let items = accounts.map { entry in
            "{" + [
                "\"account\":" + Self.jsonString(entry.account), "\"action\":" + Self.jsonString(entry.action),
                "\"since\":" + Self.jsonString(entry.since.formatted(.iso8601)),
                "\"expires_at\":" + (entry.expiresAt.map { Self.jsonString($0.formatted(.iso8601)) } ?? "null"),
                "\"public_comment\":" + Self.jsonString(entry.publicComment),
            ].joined(separator: ",") + "}"
        }
        return "[" + items.joined(separator: ",") + "]\n"
    }

    /// A strong entity tag of a rendered body.
    public static func etag(of body: String) -> String {
        "\"" + AuditChain.hex(SHA256.hash(data: Data(body.utf8)).prefix(16)) + "\""
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { ",\"\n\r".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func jsonString(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
