import ActivityStreams
import Crypto
import Foundation
import Rules

/// Why a webhook delivery is refused, in words the instance's admin can act on.
public enum WebhookError: Error, Equatable, CustomStringConvertible {
    /// No `X-Hub-Signature` header.
    case missingSignature
    /// The header is not `sha256=<hex>`.
    case malformedSignature
    /// The HMAC does not match the body under the instance's secret.
    case wrongSignature
    /// The body is not the JSON of a Mastodon webhook.
    case malformedPayload(String)

    public var description: String {
        switch self {
        case .missingSignature: return "missing X-Hub-Signature header (set a secret on the Mastodon webhook)"
        case .malformedSignature: return "X-Hub-Signature must be 'sha256=<hex HMAC of the body>'"
        case .wrongSignature: return "X-Hub-Signature does not match the body under this instance's webhook secret"
        case .malformedPayload(let detail): return "not a Mastodon webhook payload: \(detail)"
        }
    }
}

/// Mastodon's admin webhooks (`report.created`, `report.updated`, `status.created`, `status.updated`,
/// `account.created`, `account.updated`): the signature check and the conversion into intake values.
public enum MastodonWebhook {
    /// What a delivery carries.
    public enum Event: Sendable, Equatable {
        /// A report, new or updated.
        case report(IncomingReport)
        /// A status or an account to screen with the rules: the subject, the id it is recorded under, and the account.
        case screen(Subject, subjectID: String, account: String)
        /// An event Palisade does not act on (named, for the log).
        case ignored(String)
    }

    /// Checks `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>` in constant time.
    public static func verify(body: Data, signature header: String?, secret: String) throws(WebhookError) {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { throw .missingSignature }
        guard header.lowercased().hasPrefix("sha256="), let presented = hexBytes(header.dropFirst(7)), presented.count == 32 else {
            throw .malformedSignature
        }
        let key = SymmetricKey(data: Data(secret.utf8))
        guard HMAC<SHA256>.isValidAuthenticationCode(presented, authenticating: body, using: key) else { throw .wrongSignature }
    }

    /// Reads a delivery from the instance at `domain`.
    public static func parse(_ body: Data, domain: InstanceDomain, now: Date) throws(WebhookError) -> Event {
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: body)
        } catch {
            throw .malformedPayload(Self.describe(error))
        }
        /// The event's object as `type`; what is wrong with it is named after `label`.
        func object<T: Decodable>(_ type: T.Type, _ label: String) throws(WebhookError) -> T {
            do {
                return try payload.object.decode(type)
            } catch {
                throw .malformedPayload("\(label): \(Self.describe(error))")
            }
        }
        switch payload.event {
        case "report.created", "report.updated":
            let report = try object(AdminReport.self, "report")
            guard let account = report.targetAccount.account.uri ?? report.targetAccount.account.url else {
                throw .malformedPayload("report: the target account has neither uri nor url")
            }
            var incoming = IncomingReport(
                source: .webhook, sourceKey: "webhook:\(domain.value):\(report.id)",
                reporter: report.account.account.uri ?? report.account.account.url, account: account,
                statuses: report.statuses.map(ReportedStatus.init(status:)), comment: report.comment ?? "",
                category: report.category, instanceRuleIDs: report.rules.map(\.id), forwarded: report.forwarded ?? false,
                sourceUpdatedAt: report.updatedAt.flatMap(parseDate))
            for status in report.statuses {
                incoming.statusSubjects[ReportedStatus(status: status).id] = Subject(status: status, type: "Create", now: now)
            }
            incoming.accountName = IntakeItem.accountName(
                displayName: report.targetAccount.account.displayName, username: report.targetAccount.account.username)
            return .report(incoming)
        case "status.created", "status.updated":
            let status = try object(Status.self, "status")
            let account = status.account.uri ?? status.account.url ?? "webhook:\(domain.value):account:\(status.account.id)"
            return .screen(Subject(status: status, type: payload.event == "status.created" ? "Create" : "Update", now: now),
                subjectID: status.uri ?? "webhook:\(domain.value):status:\(status.id)", account: account)
        case "account.created", "account.updated":
            let admin = try object(AdminAccount.self, "account")
            let account = admin.account.uri ?? admin.account.url ?? "webhook:\(domain.value):account:\(admin.id)"
            var fields: [String: FieldValue] = ["type": .text("Account")]
            Subject.addMastodonAccount(admin.account, now: now, to: &fields)
            return .screen(Subject(kind: .account, fields: fields), subjectID: account, account: account)
        default:
            return .ignored(payload.event)
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? withFraction.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    private static func hexBytes(_ text: Substring) -> Data? {
        guard text.count % 2 == 0 else { return nil }
        var bytes = Data()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    private static func describe(_ error: any Error) -> String {
        (error as? DecodingError)?.readableDescription ?? "unreadable"
    }

    // The payload shapes, after Mastodon's documentation (admin/webhooks, entities/Admin_Report, Status, Account).
    struct Payload: Decodable {
        let event: String
        let object: JSONValue
    }

    struct AdminReport: Decodable {
        let id: String
        let category: String?
        let comment: String?
        let forwarded: Bool?
        let updatedAt: String?
        let account: AdminAccount
        let targetAccount: AdminAccount
        let statuses: [Status]
        let rules: [InstanceRule]

        enum CodingKeys: String, CodingKey {
            case id, category, comment, forwarded, updatedAt = "updated_at", account, targetAccount = "target_account", statuses, rules
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            category = try container.decodeIfPresent(String.self, forKey: .category)
            comment = try container.decodeIfPresent(String.self, forKey: .comment)
            forwarded = try container.decodeIfPresent(Bool.self, forKey: .forwarded)
            updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
            account = try container.decode(AdminAccount.self, forKey: .account)
            targetAccount = try container.decode(AdminAccount.self, forKey: .targetAccount)
            statuses = try container.decodeIfPresent([Status].self, forKey: .statuses) ?? []
            rules = try container.decodeIfPresent([InstanceRule].self, forKey: .rules) ?? []
        }
    }

    struct InstanceRule: Decodable {
        let id: String
    }

    struct AdminAccount: Decodable {
        let id: String
        let account: Account
    }

    struct Account: Decodable {
        let id: String
        let username: String?
        let displayName: String?
        let note: String?
        let uri: String?
        let url: String?
        let bot: Bool?
        let createdAt: String?
        let fields: [Field]?

        struct Field: Decodable {
            let name: String
            let value: String
        }

        enum CodingKeys: String, CodingKey {
            case id, username, displayName = "display_name", note, uri, url, bot, createdAt = "created_at", fields
        }
    }

    struct Status: Decodable {
        let id: String
        let uri: String?
        let content: String?
        let spoilerText: String?
        let sensitive: Bool?
        let language: String?
        let account: Account
        let mediaAttachments: [JSONValue]?
        let tags: [Tag]?
        let mentions: [Mention]?

        struct Tag: Decodable {
            let name: String
        }

        struct Mention: Decodable {
            let acct: String
        }

        enum CodingKeys: String, CodingKey {
            case id, uri, content, spoilerText = "spoiler_text", sensitive, language, account
            case mediaAttachments = "media_attachments", tags, mentions
        }
    }
}

extension JSONValue {
    /// Decodes this value as `type` (through its JSON text).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: serialized())
    }
}

extension ReportedStatus {
    init(status: MastodonWebhook.Status) {
        let warning = status.spoilerText.flatMap { $0.isEmpty ? nil : $0 }
        self.init(
            id: status.uri ?? status.id, text: status.content.map(HTMLText.plainText), contentWarning: warning,
            mediaCount: status.mediaAttachments?.count ?? 0, sensitive: status.sensitive ?? false, verified: true)
    }
}

extension Subject {
    /// A Mastodon REST status (a webhook's `status.created`/`status.updated`) as the rules' subject.
    init(status: MastodonWebhook.Status, type: String, now: Date) {
        var fields: [String: FieldValue] = ["type": .text(type), "object.type": .text("Note")]
        let html = status.content ?? ""
        let content = HTMLText.plainText(html)
        fields["content"] = .text(content)
        fields["content.raw"] = .text(html)
        let warning = status.spoilerText ?? ""
        if !warning.isEmpty { fields["summary"] = .text(warning) }
        fields["text"] = .text([warning, content].filter { !$0.isEmpty }.joined(separator: "\n"))
        if let language = status.language { fields["language"] = .text(language) }
        fields["sensitive"] = .bool(status.sensitive ?? false)
        let hashtags = (status.tags ?? []).map(\.name)
        fields["hashtags"] = .list(hashtags)
        fields["hashtags.count"] = .number(Double(hashtags.count))
        let mentions = (status.mentions ?? []).map(\.acct)
        fields["mentions"] = .list(mentions)
        fields["mentions.count"] = .number(Double(mentions.count))
        let links = HTMLText.links(html).filter { !$0.classes.contains("mention") && !$0.classes.contains("hashtag") }.map(\.href)
        fields["links"] = .list(links)
        fields["links.domains"] = .list(links.compactMap { URLComponents(string: $0)?.host?.lowercased() })
        fields["links.count"] = .number(Double(links.count))
        fields["attachments.count"] = .number(Double(status.mediaAttachments?.count ?? 0))
        Self.addMastodonAccount(status.account, now: now, to: &fields)
        self.init(kind: .activity, fields: fields)
    }

    static func addMastodonAccount(_ account: MastodonWebhook.Account, now: Date, to fields: inout [String: FieldValue]) {
        if let id = account.uri ?? account.url {
            fields["account.id"] = .text(id)
            if let domain = InstanceDomain(url: id)?.value {
                fields["account.domain"] = .text(domain)
                fields["instance.domain"] = .text(domain)
            }
        }
        if let username = account.username { fields["account.username"] = .text(username) }
        if let name = account.displayName { fields["account.display_name"] = .text(name) }
        if let note = account.note {
            fields["account.bio"] = .text(HTMLText.plainText(note))
            fields["account.bio.raw"] = .text(note)
        }
        fields["account.fields"] = .list((account.fields ?? []).map { "\($0.name): \(HTMLText.plainText($0.value))" })
        fields["account.bot"] = .bool(account.bot ?? false)
        if let created = account.createdAt.flatMap(MastodonWebhook.parseDate) {
            fields["account.age_days"] = .number(max(0, now.timeIntervalSince(created) / 86_400).rounded(.down))
        }
    }
}
