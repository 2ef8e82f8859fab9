import Foundation

/// What to do through an instance's Mastodon admin API for one decision.
public enum EnforcementOperation: Sendable, Equatable, Codable {
    /// Apply the decision's account actions and domain blocks, resolve the instance's own reports.
    case apply(MastodonEnforcement)
    /// Undo exactly what the job with this id applied.
    case reverse(ofJob: Int64)
}

/// The admin-API side of a decision for one instance.
public struct MastodonEnforcement: Sendable, Equatable, Codable {
    /// The account's URI (its id on the instance is looked up).
    public let account: String
    /// Mastodon account actions, mildest first: `sensitive`, `silence`, `suspend`.
    public let accountActions: [String]
    /// Domain blocks to create.
    public let domainBlocks: [DomainBlockRequest]
    /// The instance's own report ids the case came from (resolved, and passed as `report_id`).
    public let reportIDs: [String]
    /// The decision in words (`text` of the account action, `private_comment` of a domain block).
    public let text: String

    /// Makes a value.
    public init(account: String, accountActions: [String], domainBlocks: [DomainBlockRequest], reportIDs: [String], text: String) {
        self.account = account
        self.accountActions = accountActions
        self.domainBlocks = domainBlocks
        self.reportIDs = reportIDs
        self.text = text
    }
}

/// One `POST /api/v1/admin/domain_blocks`.
public struct DomainBlockRequest: Sendable, Equatable, Codable {
    /// The domain.
    public let domain: String
    /// `silence` or `suspend`.
    public let severity: String
    /// Whether media from it is refused.
    public let rejectMedia: Bool
    /// Whether reports from it are refused.
    public let rejectReports: Bool
    /// What the instance may show publicly (the category, never the reason).
    public let publicComment: String

    /// Makes a value.
    public init(domain: String, severity: String, rejectMedia: Bool, rejectReports: Bool, publicComment: String) {
        self.domain = domain
        self.severity = severity
        self.rejectMedia = rejectMedia
        self.rejectReports = rejectReports
        self.publicComment = publicComment
    }
}

/// What an admin-API job changed on the instance, so that a reversal undoes exactly that and nothing the instance did
/// itself.
public struct MastodonApplied: Sendable, Equatable, Codable {
    /// The account's id on the instance, when it was found.
    public var accountID: String?
    /// Account actions Palisade applied (the account was not already in that state).
    public var accountActions: [String] = []
    /// Domain blocks Palisade created: domain and the instance's block id.
    public var domainBlocks: [AppliedDomainBlock] = []
    /// Reports Palisade resolved.
    public var resolvedReports: [String] = []
    /// Domain blocks a reversal removed.
    public var removedDomainBlocks: [AppliedDomainBlock] = []
    /// What was already so on the instance and is left to it (never reversed), in words.
    public var leftAlone: [String] = []

    /// Nothing yet.
    public init() {}

    /// What was done, in words (the tracked answer of a finished job).
    public var summary: String {
        var parts: [String] = []
        if !accountActions.isEmpty { parts.append("applied \(accountActions.joined(separator: ", ")) to account \(accountID ?? "?")") }
        if !domainBlocks.isEmpty { parts.append("blocked \(domainBlocks.map { "\($0.domain) (#\($0.id))" }.joined(separator: ", "))") }
        if !removedDomainBlocks.isEmpty { parts.append("removed the block of \(removedDomainBlocks.map(\.domain).joined(separator: ", "))") }
        if !resolvedReports.isEmpty { parts.append("resolved report \(resolvedReports.joined(separator: ", "))") }
        if !leftAlone.isEmpty { parts.append("left alone: \(leftAlone.joined(separator: "; "))") }
        return parts.isEmpty ? "nothing to change" : parts.joined(separator: "; ")
    }
}

/// A domain block Palisade created on an instance.
public struct AppliedDomainBlock: Sendable, Equatable, Codable {
    /// The domain.
    public let domain: String
    /// The instance's id of the block.
    public let id: String

    /// Makes a value.
    public init(domain: String, id: String) {
        self.domain = domain
        self.id = id
    }
}

/// A stored admin-API job waiting for its (next) attempt.
public struct EnforcementJob: Sendable, Equatable {
    /// Row id.
    public let id: Int64
    /// The decision.
    public let decisionID: Int64
    /// The instance's domain.
    public let instance: String
    /// What to do.
    public let operation: EnforcementOperation
    /// Attempts so far.
    public let attempts: Int
    /// When it was queued (retries stop about a week after).
    public let createdAt: Date
    /// What earlier attempts already changed (a retried job carries on from there).
    public let applied: MastodonApplied?

    /// Makes a value.
    public init(
        id: Int64, decisionID: Int64, instance: String, operation: EnforcementOperation, attempts: Int, createdAt: Date, applied: MastodonApplied? = nil
    ) {
        self.applied = applied
        self.id = id
        self.decisionID = decisionID
        self.instance = instance
        self.operation = operation
        self.attempts = attempts
        self.createdAt = createdAt
    }
}
