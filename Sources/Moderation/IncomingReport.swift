import ActivityStreams
import Federation
import Rules
import Foundation

/// Where a report came from.
public enum ReportSource: String, Sendable, Codable {
    /// A `Flag` from an attached instance's actor: the instance's word.
    case flag
    /// A `Flag` from another account of an attached instance: that member's own report.
    case member
    /// A Mastodon admin webhook (`report.created` / `report.updated`).
    case webhook
    /// A `Flag` from an actor of no attached instance.
    case unsolicited
}

/// A reported status as evidence: its text, with the content warning and media marked (never expanded).
public struct ReportedStatus: Sendable, Equatable, Codable {
    /// Its URI.
    public let id: String
    /// Its text (HTML turned into plain text); nil when only the URI is known (a `Flag` names statuses by id).
    public let text: String?
    /// Its content warning, if any.
    public let contentWarning: String?
    /// How many media attachments it has.
    public let mediaCount: Int
    /// Whether its author marked it sensitive.
    public let sensitive: Bool
    /// Whether it is proven evidence against the report's account: fetched from its own origin and attributed there to
    /// that account (or given by the instance's own admin webhook). Only verified statuses are sent on in decisions,
    /// and rules never decide automatically on unverified ones.
    public var verified: Bool

    enum CodingKeys: String, CodingKey {
        case id, text, contentWarning = "content_warning", mediaCount = "media_count", sensitive, verified
    }

    /// Makes a status snapshot.
    public init(
        id: String, text: String?, contentWarning: String? = nil, mediaCount: Int = 0, sensitive: Bool = false, verified: Bool = false
    ) {
        self.id = id
        self.text = text
        self.contentWarning = contentWarning
        self.mediaCount = mediaCount
        self.sensitive = sensitive
        self.verified = verified
    }

    /// Decodes a stored snapshot; one stored before evidence was verified counts as unverified.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        contentWarning = try container.decodeIfPresent(String.self, forKey: .contentWarning)
        mediaCount = try container.decodeIfPresent(Int.self, forKey: .mediaCount) ?? 0
        sensitive = try container.decodeIfPresent(Bool.self, forKey: .sensitive) ?? false
        verified = try container.decodeIfPresent(Bool.self, forKey: .verified) ?? false
    }
}

/// A report as intake sees it, whatever its wire shape: who reported whom, about which statuses, and why.
public struct IncomingReport: Sendable, Equatable {
    /// Where it came from.
    public var source: ReportSource
    /// What makes it unique per tenant: the Flag's id, or `webhook:DOMAIN:ID` for a Mastodon report.
    public var sourceKey: String
    /// Who reported: an actor URI, an account URI, or nil when the instance does not say.
    public var reporter: String?
    /// The reported account (or, when a Flag names no account, the reported object).
    public var account: String
    /// The reported statuses.
    public var statuses: [ReportedStatus]
    /// The reporter's comment.
    public var comment: String
    /// The report category (`spam`, `violation`, `legal`, `other`), when the source has one.
    public var category: String?
    /// The instance rules the reporter cited.
    public var instanceRuleIDs: [String]
    /// Whether the report was forwarded from another server.
    public var forwarded: Bool
    /// When the source last changed it (a webhook's `updated_at`); an older update never overwrites a newer one.
    public var sourceUpdatedAt: Date?
    /// The reported statuses as the content rules see them, by status id, where the source gave them whole (a
    /// webhook's statuses, with their links and account); others are built from their text.
    public var statusSubjects: [String: Subject] = [:]
    /// The reported account's name as the source shows it (`Display Name @username`), for moderators' searches;
    /// nil when the source does not say (a Flag names the account only).
    public var accountName: String?

    /// Makes a report.
    public init(
        source: ReportSource, sourceKey: String, reporter: String?, account: String, statuses: [ReportedStatus], comment: String,
        category: String? = nil, instanceRuleIDs: [String] = [], forwarded: Bool = false, sourceUpdatedAt: Date? = nil
    ) {
        self.source = source
        self.sourceKey = sourceKey
        self.reporter = reporter
        self.account = account
        self.statuses = statuses
        self.comment = comment
        self.category = category
        self.instanceRuleIDs = instanceRuleIDs
        self.forwarded = forwarded
        self.sourceUpdatedAt = sourceUpdatedAt
    }

    /// The domain of the reported account.
    public var accountDomain: String { InstanceDomain(url: account)?.value ?? "" }

    /// Whether the report's evidence is proven: an admin webhook (the instance's own word about its own database), or
    /// at least one status, every one of them fetched from its origin and attributed there to the reported account.
    public var evidenceVerified: Bool {
        source == .webhook || (!statuses.isEmpty && statuses.allSatisfy(\.verified))
    }

    /// A received `Flag`, in any of the shapes servers send: Mastodon's and GoToSocial's (`object` = the account, then
    /// statuses), mbin's (statuses, then the account), Lemmy's (only the post or comment; the comment in `summary`),
    /// and Misskey's (only the account; the notes listed as `Note: URL` lines in `content`).
    public init?(flag: ReceivedFlag, solicited: Bool, source: ReportSource? = nil) {
        let objects = flag.objectIDs.filter { URL(string: $0)?.host != nil }
        guard !objects.isEmpty else { return nil }
        let actors = objects.filter(Self.looksLikeActor)
        var statusIDs = objects.filter { !Self.looksLikeActor($0) }
        var comment = flag.comment.map(HTMLText.plainText) ?? ""
        // Misskey lists the reported notes in the comment: "Note: URL" lines, then a "-----" line, then the comment.
        if let separator = comment.range(of: "\n-----\n") {
            let header = comment[..<separator.lowerBound]
            let noted = header.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("Note: ") else { return nil }
                return String(line.dropFirst(6)).trimmingCharacters(in: .whitespaces)
            }
            if !noted.isEmpty, noted.count == header.split(separator: "\n").count {
                statusIDs += noted
                comment = String(comment[separator.upperBound...])
            }
        }
        self.init(
            source: source ?? (solicited ? .flag : .unsolicited), sourceKey: flag.activityID, reporter: flag.reporterID,
            account: actors.first ?? objects[0], statuses: statusIDs.map { ReportedStatus(id: $0, text: nil) }, comment: comment)
    }

    /// Whether a URI names an account rather than a post: `/users/x`, `/u/x`, `/@x`, `/accounts/x`, `/actor` and
    /// the like, without a further post segment.
    static func looksLikeActor(_ uri: String) -> Bool {
        guard let path = URLComponents(string: uri)?.path else { return false }
        let segments = path.split(separator: "/").map { $0.lowercased() }
        let postMarkers: Set<String> = ["statuses", "status", "posts", "post", "notes", "comment", "comments", "objects", "p", "m"]
        if segments.contains(where: postMarkers.contains) { return false }
        if segments.count == 1 { return segments[0].hasPrefix("@") || segments[0] == "actor" }
        guard segments.count >= 2 else { return false }
        return ["users", "u", "user", "accounts", "profile", "actors", "ap"].contains(segments[segments.count - 2])
            || (segments.count == 3 && segments[0] == "ap" && segments[1] == "users")
    }
}

extension ReportedStatus {
    /// The evidence of a screened status: its text, content warning, media count and sensitivity, from the subject.
    public init(subject: Subject, id: String) {
        func text(_ field: String) -> String? {
            if case .text(let value) = subject[field] { return value }
            return nil
        }
        var media = 0
        if case .number(let count) = subject["attachments.count"] { media = Int(count) }
        var sensitive = false
        if case .bool(let flag) = subject["sensitive"] { sensitive = flag }
        self.init(id: id, text: text("content"), contentWarning: text("summary"), mediaCount: media, sensitive: sensitive)
    }
}

/// Where intake finds the text of statuses a `Flag` names only by URI (in production, a signed fetch from their server).
public protocol StatusLookup: Sendable {
    /// The status at `uri` as evidence, with its author; nil when it cannot be fetched or read (the URI alone is kept).
    func status(_ uri: String) async -> (status: ReportedStatus, author: String?)?
}

extension IncomingReport {
    /// The report with the text of its statuses filled in where `lookup` finds them (at most `limit`, concurrently).
    /// A status is evidence only of what its origin proves: its author counts only when on the same origin (scheme,
    /// host, port) as the status's id, and the status is verified only when that author is the report's account. A
    /// report whose `object` named no account (Lemmy's) takes the first proven author as its account; a claimed author
    /// on another server is never taken (a status on one server cannot frame an account on another).
    public func withStatusesLooked(up lookup: any StatusLookup, limit: Int = 20) async -> IncomingReport {
        let wanted = statuses.prefix(limit).filter { $0.text == nil }.map(\.id)
        guard !wanted.isEmpty else { return self }
        let found = await withTaskGroup(of: (String, (status: ReportedStatus, author: String?)?).self) { group in
            for uri in wanted { group.addTask { (uri, await lookup.status(uri)) } }
            var found: [String: (status: ReportedStatus, author: String?)] = [:]
            for await (uri, result) in group { if let result { found[uri] = result } }
            return found
        }
        func provenAuthor(_ uri: String) -> String? {
            guard let author = found[uri]?.author, InboxGate.sameOrigin(author, uri) else { return nil }
            return author
        }
        var copy = self
        if !Self.looksLikeActor(account), let author = statuses.lazy.compactMap({ provenAuthor($0.id) }).first {
            copy.account = author
        }
        copy.statuses = statuses.map { status in
            guard var fetched = found[status.id]?.status else { return status }
            fetched.verified = provenAuthor(status.id) == copy.account
            return fetched
        }
        return copy
    }
}
