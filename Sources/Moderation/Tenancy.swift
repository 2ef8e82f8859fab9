import Foundation

/// A tenant's row id.
public typealias TenantID = Int64

/// An organisation: its instances, queues, moderators and audit chain belong to it.
public struct Tenant: Sendable, Equatable {
    /// Row id.
    public let id: TenantID
    /// The short name in URLs and commands (`acme`).
    public let slug: String
    /// The display name.
    public var name: String
    /// The queue reports land in when no signal names another.
    public var defaultQueue: String
    /// Where Flags from actors of no attached instance go; nil: they are dropped with a log line.
    public var unsolicitedQueue: String?
    /// Decision actions that need a second moderator's approval (`suspend`, `defederate`, …).
    public var approvalRequired: Set<String>
    /// How long a claim lasts unless renewed.
    public var claimLease: TimeInterval
    /// How long a case may wait before its SLA is breached.
    public var sla: TimeInterval
    /// The SHA-256 of the token its blocklist feeds require (`?token=`); nil: the feeds are public.
    public var feedTokenHash: String?
    /// Whether a decision about an account on a server that is not one of its instances is also sent, as a `Flag`, to
    /// that server (Mastodon's "forward the report").
    public var forwardReports: Bool
    /// The reasons its moderators pick from when they decide (free text is always possible).
    public var reasonTemplates: [String]
    /// Whose Flags from its instances open cases: any account's, or only the instance actors'.
    public var flagsFrom: FlagSenders

    /// Makes a tenant value.
    public init(
        id: TenantID, slug: String, name: String, defaultQueue: String = "reports", unsolicitedQueue: String? = nil,
        approvalRequired: Set<String> = [], claimLease: TimeInterval = 900, sla: TimeInterval = 86_400, feedTokenHash: String? = nil,
        forwardReports: Bool = false, reasonTemplates: [String] = [], flagsFrom: FlagSenders = .any
    ) {
        self.flagsFrom = flagsFrom
        self.reasonTemplates = reasonTemplates
        self.feedTokenHash = feedTokenHash
        self.forwardReports = forwardReports
        self.id = id
        self.slug = slug
        self.name = name
        self.defaultQueue = defaultQueue
        self.unsolicitedQueue = unsolicitedQueue
        self.approvalRequired = approvalRequired
        self.claimLease = claimLease
        self.sla = sla
    }

    /// Whether `decision` must be approved by a second moderator before it takes effect.
    public func needsApproval(_ decision: Decision) -> Bool {
        decision.actions.contains { approvalRequired.contains($0.name) }
    }

    /// A valid slug (lower-case letters, digits, `-`, 1–40 characters, starting with a letter), or nil.
    public static func validSlug(_ text: String) -> String? {
        guard (1...40).contains(text.count), text.first?.isLowercaseASCIILetter == true,
            text.allSatisfy({ $0.isLowercaseASCIILetter || $0.isASCIIDigit || $0 == "-" })
        else { return nil }
        return text
    }

    /// A valid queue name (the slug alphabet plus `.` and `_`), or nil.
    public static func validQueue(_ text: String) -> String? {
        guard (1...60).contains(text.count),
            text.allSatisfy({ $0.isLowercaseASCIILetter || $0.isASCIIDigit || "-_.".contains($0) })
        else { return nil }
        return text
    }
}

/// What a moderator may do: each role includes the ones below it.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// See, claim, note, escalate.
    case triage
    /// Also decide, approve, reverse.
    case moderator
    /// Everything in the tenant: instances, moderators, settings, muting reporters.
    case admin
    /// Every tenant.
    case `operator`

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
}

/// An instance's domain: its host in lower case, with `:port` where it listens on a non-default one.
public struct InstanceDomain: Sendable, Hashable, CustomStringConvertible {
    /// `host` or `host:port`.
    public let value: String

    /// Parses `host[:port]`; nil for anything else (schemes, paths, empty labels, bad ports).
    public init?(_ text: String) {
        let lowered = text.lowercased()
        let parts = lowered.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let host = parts.first, (1...253).contains(host.count) else { return nil }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isLowercaseASCIILetter || $0.isASCIIDigit || $0 == "-" }
        }) else { return nil }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port), String(port) == parts[1] else { return nil }
            // `m.example:443` is `m.example`: one domain has one spelling, so it cannot be attached twice.
            if port == 443 || port == 80 {
                value = String(host)
                return
            }
        }
        value = lowered
    }

    /// The domain of an actor or object URL (`https://host:port/…` → `host:port`), or nil.
    public init?(url: String) {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return nil }
        self.init(components.port.map { "\(host):\($0)" } ?? host)
    }

    public var description: String { value }

    /// The host without its port (and without the brackets of an IPv6 literal).
    public var host: String {
        value.hasPrefix("[") ? String(value.dropFirst().prefix { $0 != "]" }) : String(value.split(separator: ":")[0])
    }

    /// Whether the host is a loopback one (`127.0.0.1`, `localhost`, `::1`): only such domains are reached over plain
    /// HTTP, and only where the operator allows private addresses (tests on loopback).
    public var isLoopback: Bool {
        ["127.0.0.1", "localhost", "::1"].contains(host)
    }
}

/// Whether decisions reach an attached instance as signed ActivityPub (`Flag`, `Block`, `Undo`).
public enum DecisionRoute: String, Sendable, Codable, CaseIterable {
    /// Signed `Flag`/`Block` activities to its inbox.
    case activitypub
    /// Nothing is sent; the instance reads the blocklist feeds.
    case none
}

/// An instance whose reports a tenant moderates.
public struct AttachedInstance: Sendable, Equatable {
    /// Row id.
    public let id: Int64
    /// The tenant it belongs to.
    public let tenantID: TenantID
    /// Its domain (unique across the service: the webhook path names only the domain).
    public let domain: InstanceDomain
    /// Its instance actor (the `actor` of the Flags it forwards).
    public var actorID: String
    /// The secret of its Mastodon admin webhook, if it sends them.
    public var webhookSecret: String?
    /// How decisions reach it.
    public var decisionRoute: DecisionRoute
    /// Its inbox for decision activities (the instance actor's shared inbox, else its inbox); nil until resolved.
    public var inbox: String?
    /// The Mastodon admin-API token it granted; nil: decisions are not applied through its API.
    public var mastodonAPIToken: String?

    /// Makes an instance value.
    public init(
        id: Int64, tenantID: TenantID, domain: InstanceDomain, actorID: String, webhookSecret: String?, decisionRoute: DecisionRoute,
        inbox: String? = nil, mastodonAPIToken: String? = nil
    ) {
        self.inbox = inbox
        self.mastodonAPIToken = mastodonAPIToken
        self.id = id
        self.tenantID = tenantID
        self.domain = domain
        self.actorID = actorID
        self.webhookSecret = webhookSecret
        self.decisionRoute = decisionRoute
    }
}

/// A person who works the queues (or, as `operator`, runs the service).
public struct Moderator: Sendable, Equatable {
    /// Row id.
    public let id: Int64
    /// Their tenant; nil for operators, who work across tenants.
    public let tenantID: TenantID?
    /// Their name, unique across the service (it appears in audit logs and claims).
    public let name: String
    /// What they may do.
    public var role: Role
    /// Who added them (a moderator's name, or `operator…` for the command line and `admin.token`); nil for moderators
    /// added before Palisade recorded it and not found in the audit log.
    public var createdBy: String?

    /// Makes a moderator value.
    public init(id: Int64, tenantID: TenantID?, name: String, role: Role, createdBy: String? = nil) {
        self.createdBy = createdBy
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.role = role
    }

    /// The id used in claims, decisions and the audit log.
    public var moderatorID: ModeratorID { ModeratorID(name) }
}

extension Character {
    var isLowercaseASCIILetter: Bool { ("a"..."z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

/// Whose Flags from a tenant's attached instances open cases. A Flag from the instance actor is the instance's word
/// (its moderators forwarded a report); one from any other account of the instance is that account's own report.
public enum FlagSenders: String, Sendable, CaseIterable, Codable {
    /// Every account of an attached instance (a member's report is recorded as `member`).
    case any
    /// Only the instance actor; a member's Flag stays in the inbox and opens no case.
    case instanceActor = "instance_actor"
}
