import Foundation

/// A tenant, as `POST /api/v1/admin/tenants` takes it and the listings show it.
public struct TenantBody: Codable, Sendable, Equatable {
    public var slug: String
    public var name: String
    public var defaultQueue: String?
    public var unsolicitedQueue: String?
    public var approvalRequired: [String]?
    public var claimLeaseSeconds: Int?
    public var slaSeconds: Int?
    /// Whether decisions about accounts elsewhere are also sent, as a `Flag`, to the account's own server.
    public var forwardReports: Bool?
    /// Whose Flags from its instances open cases: `any` (default) or `instance_actor`.
    public var flagsFrom: String?

    enum CodingKeys: String, CodingKey {
        case slug, name, defaultQueue = "default_queue", unsolicitedQueue = "unsolicited_queue", approvalRequired = "approval_required"
        case claimLeaseSeconds = "claim_lease_seconds", slaSeconds = "sla_seconds", forwardReports = "forward_reports", flagsFrom = "flags_from"
    }

    /// Makes a tenant body.
    public init(
        slug: String, name: String, defaultQueue: String? = nil, unsolicitedQueue: String? = nil, approvalRequired: [String]? = nil,
        claimLeaseSeconds: Int? = nil, slaSeconds: Int? = nil, forwardReports: Bool? = nil, flagsFrom: String? = nil
    ) {
        self.forwardReports = forwardReports
        self.flagsFrom = flagsFrom
        self.slug = slug
        self.name = name
        self.defaultQueue = defaultQueue
        self.unsolicitedQueue = unsolicitedQueue
        self.approvalRequired = approvalRequired
        self.claimLeaseSeconds = claimLeaseSeconds
        self.slaSeconds = slaSeconds
    }
}

/// An attached instance. `webhook_secret` is write-only: listings say only whether one is set.
public struct InstanceBody: Codable, Sendable, Equatable {
    public var domain: String
    public var tenant: String?
    public var actor: String?
    public var webhookSecret: String?
    public var hasWebhookSecret: Bool?
    public var decisionRoute: String?
    /// The inbox decisions go to, once resolved.
    public var inbox: String?
    /// Write-only: the Mastodon admin-API token the instance granted.
    public var mastodonAPIToken: String?
    /// Whether decisions are applied through its Mastodon admin API.
    public var hasMastodonAPIToken: Bool?

    enum CodingKeys: String, CodingKey {
        case domain, tenant, actor, webhookSecret = "webhook_secret", hasWebhookSecret = "has_webhook_secret", decisionRoute = "decision_route"
        case inbox, mastodonAPIToken = "mastodon_api_token", hasMastodonAPIToken = "has_mastodon_api_token"
    }

    /// Makes an instance body.
    public init(
        domain: String, tenant: String? = nil, actor: String? = nil, webhookSecret: String? = nil, hasWebhookSecret: Bool? = nil,
        decisionRoute: String? = nil, inbox: String? = nil, mastodonAPIToken: String? = nil, hasMastodonAPIToken: Bool? = nil
    ) {
        self.inbox = inbox
        self.mastodonAPIToken = mastodonAPIToken
        self.hasMastodonAPIToken = hasMastodonAPIToken
        self.domain = domain
        self.tenant = tenant
        self.actor = actor
        self.webhookSecret = webhookSecret
        self.hasWebhookSecret = hasWebhookSecret
        self.decisionRoute = decisionRoute
    }
}

/// A moderator. `token` appears once, in the answer that created it.
public struct ModeratorBody: Codable, Sendable, Equatable {
    public var name: String
    public var tenant: String?
    public var role: String
    public var token: String?
    public var tokenID: String?
    /// Who added them (`operator…` for the command line and `admin.token`); identities joined by minting count as one person.
    public var createdBy: String?

    enum CodingKeys: String, CodingKey {
        case name, tenant, role, token, tokenID = "token_id", createdBy = "created_by"
    }

    /// Makes a moderator body.
    public init(name: String, tenant: String? = nil, role: String, token: String? = nil, tokenID: String? = nil, createdBy: String? = nil) {
        self.createdBy = createdBy
        self.name = name
        self.tenant = tenant
        self.role = role
        self.token = token
        self.tokenID = tokenID
    }
}

/// `POST /api/v1/admin/reporters/mute` and `…/unmute`.
public struct ReporterRequest: Codable, Sendable, Equatable {
    public var reporter: String

    /// Makes a request.
    public init(reporter: String) { self.reporter = reporter }
}

/// `GET /api/v1/admin/audit/verify`: `ok` and, when not, every problem found.
public struct AuditVerification: Codable, Sendable, Equatable {
    public var ok: Bool
    public var rows: Int
    public var problems: [String]

    /// Makes a verification body.
    public init(ok: Bool, rows: Int, problems: [String]) {
        self.ok = ok
        self.rows = rows
        self.problems = problems
    }
}

/// A list answer of the admin API.
public struct ListBody<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var items: [Item]

    /// Makes a list.
    public init(items: [Item]) { self.items = items }
}

/// `PUT /api/v1/admin/reason-templates`: the reasons the tenant's moderators pick from (the whole list).
public struct ReasonTemplatesBody: Codable, Sendable, Equatable {
    public var templates: [String]

    /// Makes the body.
    public init(templates: [String]) { self.templates = templates }
}

/// `GET /api/v1/admin/instances/proof?domain=`: the token a tenant's admin shows on a domain to attach it.
public struct DomainProofBody: Codable, Sendable, Equatable {
    /// The domain.
    public var domain: String
    /// The token, `palisade-verification=…`.
    public var token: String
    /// Where to serve it as plain text (or put it in the instance actor's profile instead).
    public var wellKnownURL: String

    enum CodingKeys: String, CodingKey {
        case domain, token, wellKnownURL = "well_known_url"
    }

    /// Makes the body.
    public init(domain: String, token: String, wellKnownURL: String) {
        self.domain = domain
        self.token = token
        self.wellKnownURL = wellKnownURL
    }
}

/// `PATCH /api/v1/admin/instances/{domain}`: what changes (absent keys stay as they are).
public struct InstanceUpdateBody: Codable, Sendable, Equatable {
    /// `activitypub` or `none`.
    public var decisionRoute: String?
    /// A new Mastodon admin-API token.
    public var mastodonAPIToken: String?
    /// `true` withdraws the token: decisions are no longer applied through the instance's API.
    public var removeMastodonAPIToken: Bool?

    enum CodingKeys: String, CodingKey {
        case decisionRoute = "decision_route", mastodonAPIToken = "mastodon_api_token", removeMastodonAPIToken = "remove_mastodon_api_token"
    }

    /// Makes an update body.
    public init(decisionRoute: String? = nil, mastodonAPIToken: String? = nil, removeMastodonAPIToken: Bool? = nil) {
        self.decisionRoute = decisionRoute
        self.mastodonAPIToken = mastodonAPIToken
        self.removeMastodonAPIToken = removeMastodonAPIToken
    }
}
