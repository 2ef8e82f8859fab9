import Crypto
import Foundation
import Rules

/// One thing intake saw, for sliding-window counts: `actor` did something under `key` (posted a link, posted a text,
/// posted at all, reported an account).
public struct WindowObservation: Sendable, Equatable {
    /// What kind of key: `link`, `text`, `post`, `report`.
    public let kind: String
    /// The link, the SHA-256 of the normalised text, or the account.
    public let key: String
    /// Who counts once per window: the posting account, the post, the reporter.
    public let actor: String

    /// How long observations are kept: the longest window a rule may ask for.
    public static let retentionSeconds = WindowField.longestSeconds

    /// An observation.
    public init(kind: String, key: String, actor: String) {
        self.kind = kind
        self.key = key
        self.actor = actor
    }
}

/// A count to take: distinct actors under `kind`/`key` seen within `seconds` before now (this item included).
public struct WindowQuery: Sendable, Hashable {
    /// The observation kind.
    public let kind: String
    /// The key.
    public let key: String
    /// How far back.
    public let seconds: Int

    /// A query.
    public init(kind: String, key: String, seconds: Int) {
        self.kind = kind
        self.key = key
        self.seconds = seconds
    }
}

/// Sliding-window counts kept per tenant (so restarts do not forget them).
public protocol WindowStore: Sendable {
    /// Records `observations` for `tenant` at `date`, then answers each of `queries` (distinct actors since
    /// `date - seconds`, these observations included), in one transaction; forgets what is older than the longest
    /// window.
    func observe(_ observations: [WindowObservation], counting queries: [WindowQuery], tenant: TenantID, at date: Date) async throws -> [Int]
}

/// What intake observes and counts for one subject, given the window fields its rules compare: pure, tested directly.
public struct WindowPlan: Sendable, Equatable {
    /// What to record.
    public let observations: [WindowObservation]
    /// The counts to take, one per (field, key).
    public let queries: [WindowQuery]
    /// For each field, the indexes in `queries` whose largest count is its value.
    private let fieldQueries: [String: [Int]]

    /// Texts shorter than this (normalised) are not counted as "the same text": "ok", "thanks" are everyone's.
    public static let shortestText = 20

    /// Links per post recorded and counted (the first in sorted order).
    public static let linksCounted = 16

    /// Keys longer than this are kept as their SHA-256.
    public static let longestKey = 512

    private static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static func key(_ link: String) -> String {
        link.utf8.count > longestKey ? "sha256:" + digest(link) : link
    }

    /// The plan for `subject` (recorded as `subjectID`) and `fields`. Posts (`Create`) observe their links, their
    /// text and themselves under their account; reports observe their reporter under the reported account.
    public init(subject: Subject, subjectID: String, fields: Set<WindowField>) {
        guard !fields.isEmpty, let account = subject["account.id"]?.texts.first else {
            self.init(observations: [], queries: [], fieldQueries: [:])
            return
        }
        var observations: [WindowObservation] = []
        var queries: [WindowQuery] = []
        var fieldQueries: [String: [Int]] = [:]
        let isReport = subject.kind == .report
        var keys: [String: [String]] = [:]
        if isReport {
            if let reporter = subject["report.reporter"]?.texts.first { observations.append(WindowObservation(kind: "report", key: account, actor: reporter)) }
            keys["report"] = [account]
        } else {
            // A sender chooses a post's links: at most `linksCounted` are recorded, and a long one by its digest, so one
            // post costs a bounded number of small rows however many links it carries.
            let links = Array(Array(Set((subject["links"]?.texts ?? []).map { Self.key($0.lowercased()) })).sorted().prefix(Self.linksCounted))
            observations += links.map { WindowObservation(kind: "link", key: $0, actor: account) }
            keys["link"] = links
            let text = TextNormalisation.normalise(subject["content"]?.texts.joined(separator: "\n") ?? "")
            if text.count >= Self.shortestText {
                let digest = Self.digest(text)
                observations.append(WindowObservation(kind: "text", key: digest, actor: account))
                keys["text"] = [digest]
            }
            observations.append(WindowObservation(kind: "post", key: account, actor: subjectID))
            keys["post"] = [account]
        }
        for field in fields.sorted(by: { $0.name < $1.name }) {
            let kind: String
            switch field.measure {
            case .sameLinkAccounts: kind = "link"
            case .sameTextAccounts: kind = "text"
            case .accountPosts: kind = "post"
            case .accountReporters: kind = "report"
            }
            for key in keys[kind] ?? [] {
                fieldQueries[field.name, default: []].append(queries.count)
                queries.append(WindowQuery(kind: kind, key: key, seconds: field.seconds))
            }
        }
        self.init(observations: observations, queries: queries, fieldQueries: fieldQueries)
    }

    private init(observations: [WindowObservation], queries: [WindowQuery], fieldQueries: [String: [Int]]) {
        self.observations = observations
        self.queries = queries
        self.fieldQueries = fieldQueries
    }

    /// The window fields to add to the subject, given the store's answers to `queries` (a field with nothing to count,
    /// such as links on a post without any, is 0).
    public func fields(_ counts: [Int], for fields: Set<WindowField>) -> [String: FieldValue] {
        var values: [String: FieldValue] = [:]
        for field in fields {
            let indexes = fieldQueries[field.name] ?? []
            values[field.name] = .number(Double(indexes.map { $0 < counts.count ? counts[$0] : 0 }.max() ?? 0))
        }
        return values
    }
}
