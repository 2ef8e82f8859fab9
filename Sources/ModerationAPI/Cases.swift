import Foundation

/// A queue in the overview.
public struct QueueBody: Codable, Sendable, Equatable {
    public var name: String
    public var open: Int
    public var oldestOpenAt: Date?
    public var slaBreached: Int
    public var claimedByMe: Int
    public var awaitingApproval: Int

    enum CodingKeys: String, CodingKey {
        case name, open, oldestOpenAt = "oldest_open_at", slaBreached = "sla_breached", claimedByMe = "claimed_by_me"
        case awaitingApproval = "awaiting_approval"
    }

    /// Makes a queue body.
    public init(name: String, open: Int, oldestOpenAt: Date?, slaBreached: Int, claimedByMe: Int, awaitingApproval: Int) {
        self.name = name
        self.open = open
        self.oldestOpenAt = oldestOpenAt
        self.slaBreached = slaBreached
        self.claimedByMe = claimedByMe
        self.awaitingApproval = awaitingApproval
    }
}

/// `GET queues`.
public struct QueueList: Codable, Sendable, Equatable {
    public var queues: [QueueBody]

    /// Makes the list.
    public init(queues: [QueueBody]) { self.queues = queues }
}

/// A case as lists show it.
public struct CaseSummaryBody: Codable, Sendable, Equatable {
    public var id: Int64
    public var account: String
    public var domain: String
    public var queue: String
    public var priority: Int
    /// `open`, `escalated`, `awaiting_approval`, `decided`, `closed`, `reopened` (`claimed` is `holder` being set).
    public var state: String
    public var holder: String?
    public var claimExpiresAt: Date?
    public var reports: Int
    public var hits: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var slaDueAt: Date
    public var slaBreached: Bool
    public var escalatedToRole: String?

    enum CodingKeys: String, CodingKey {
        case id, account, domain, queue, priority, state, holder, claimExpiresAt = "claim_expires_at", reports, hits
        case createdAt = "created_at", updatedAt = "updated_at", slaDueAt = "sla_due_at", slaBreached = "sla_breached"
        case escalatedToRole = "escalated_to_role"
    }

    /// Makes a summary body.
    public init(
        id: Int64, account: String, domain: String, queue: String, priority: Int, state: String, holder: String?, claimExpiresAt: Date?,
        reports: Int, hits: Int, createdAt: Date, updatedAt: Date, slaDueAt: Date, slaBreached: Bool, escalatedToRole: String?
    ) {
        self.id = id
        self.account = account
        self.domain = domain
        self.queue = queue
        self.priority = priority
        self.state = state
        self.holder = holder
        self.claimExpiresAt = claimExpiresAt
        self.reports = reports
        self.hits = hits
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.slaDueAt = slaDueAt
        self.slaBreached = slaBreached
        self.escalatedToRole = escalatedToRole
    }
}

/// `GET cases`: a page; `next` is the `after` to pass for the following page.
public struct CaseList: Codable, Sendable, Equatable {
    public var cases: [CaseSummaryBody]
    public var next: Int64?

    /// Makes a page.
    public init(cases: [CaseSummaryBody], next: Int64?) {
        self.cases = cases
        self.next = next
    }
}

/// A reported or screened status, as evidence: text with its content warning and media marked, never expanded.
public struct StatusEvidence: Codable, Sendable, Equatable {
    public var id: String
    public var text: String?
    public var contentWarning: String?
    public var mediaCount: Int
    public var sensitive: Bool

    enum CodingKeys: String, CodingKey {
        case id, text, contentWarning = "content_warning", mediaCount = "media_count", sensitive
    }

    /// Makes evidence.
    public init(id: String, text: String?, contentWarning: String?, mediaCount: Int, sensitive: Bool) {
        self.id = id
        self.text = text
        self.contentWarning = contentWarning
        self.mediaCount = mediaCount
        self.sensitive = sensitive
    }
}

/// A report on a case.
public struct ReportBody: Codable, Sendable, Equatable {
    public var id: Int64
    public var source: String
    public var reporter: String?
    public var comment: String
    public var category: String?
    public var instanceRuleIDs: [String]
    public var forwarded: Bool
    public var statuses: [StatusEvidence]
    public var receivedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, source, reporter, comment, category, instanceRuleIDs = "instance_rule_ids", forwarded, statuses, receivedAt = "received_at"
    }

    /// Makes a report body.
    public init(
        id: Int64, source: String, reporter: String?, comment: String, category: String?, instanceRuleIDs: [String], forwarded: Bool,
        statuses: [StatusEvidence], receivedAt: Date
    ) {
        self.id = id
        self.source = source
        self.reporter = reporter
        self.comment = comment
        self.category = category
        self.instanceRuleIDs = instanceRuleIDs
        self.forwarded = forwarded
        self.statuses = statuses
        self.receivedAt = receivedAt
    }
}

/// A matched span of a rule hit (UTF-8 offsets into the field's normalised text).
public struct SpanBody: Codable, Sendable, Equatable {
    public var field: String
    public var start: Int
    public var end: Int
    public var text: String

    /// Makes a span.
    public init(field: String, start: Int, end: Int, text: String) {
        self.field = field
        self.start = start
        self.end = end
        self.text = text
    }
}

/// A rule hit on a case.
public struct HitBody: Codable, Sendable, Equatable {
    public var subject: String
    public var ruleID: String
    public var ruleVersion: String
    public var ruleSetVersion: String
    public var spans: [SpanBody]
    public var queue: String
    public var priority: Int
    public var decision: String?

    enum CodingKeys: String, CodingKey {
        case subject, ruleID = "rule_id", ruleVersion = "rule_version", ruleSetVersion = "rule_set_version", spans, queue, priority, decision
    }

    /// Makes a hit body.
    public init(
        subject: String, ruleID: String, ruleVersion: String, ruleSetVersion: String, spans: [SpanBody], queue: String, priority: Int,
        decision: String?
    ) {
        self.subject = subject
        self.ruleID = ruleID
        self.ruleVersion = ruleVersion
        self.ruleSetVersion = ruleSetVersion
        self.spans = spans
        self.queue = queue
        self.priority = priority
        self.decision = decision
    }
}

/// One action of a decision: `{"action": "suspend"}`; a defederation adds `domain`, `severity`, `reject_media`, `reject_reports`.
public struct ActionBody: Codable, Sendable, Equatable {
    public var action: String
    public var domain: String?
    public var severity: String?
    public var rejectMedia: Bool?
    public var rejectReports: Bool?

    enum CodingKeys: String, CodingKey {
        case action, domain, severity, rejectMedia = "reject_media", rejectReports = "reject_reports"
    }

    /// Makes an action body.
    public init(action: String, domain: String? = nil, severity: String? = nil, rejectMedia: Bool? = nil, rejectReports: Bool? = nil) {
        self.action = action
        self.domain = domain
        self.severity = severity
        self.rejectMedia = rejectMedia
        self.rejectReports = rejectReports
    }
}

/// `POST cases/{id}/decisions`: one `action` (with the defederation fields beside it), or several in `actions`.
public struct DecisionRequest: Codable, Sendable, Equatable {
    public var action: String?
    public var actions: [ActionBody]?
    public var reason: String
    public var category: String?
    public var ruleIDs: [String]?
    public var expiresAt: Date?
    public var domain: String?
    public var severity: String?
    public var rejectMedia: Bool?
    public var rejectReports: Bool?

    enum CodingKeys: String, CodingKey {
        case action, actions, reason, category, ruleIDs = "rule_ids", expiresAt = "expires_at", domain, severity
        case rejectMedia = "reject_media", rejectReports = "reject_reports"
    }

    /// Makes a request.
    public init(
        action: String? = nil, actions: [ActionBody]? = nil, reason: String, category: String? = nil, ruleIDs: [String]? = nil,
        expiresAt: Date? = nil, domain: String? = nil, severity: String? = nil, rejectMedia: Bool? = nil, rejectReports: Bool? = nil
    ) {
        self.action = action
        self.actions = actions
        self.reason = reason
        self.category = category
        self.ruleIDs = ruleIDs
        self.expiresAt = expiresAt
        self.domain = domain
        self.severity = severity
        self.rejectMedia = rejectMedia
        self.rejectReports = rejectReports
    }

    /// The actions asked for, whichever way they were given.
    public var requestedActions: [ActionBody] {
        if let actions { return actions }
        guard let action else { return [] }
        return [ActionBody(action: action, domain: domain, severity: severity, rejectMedia: rejectMedia, rejectReports: rejectReports)]
    }
}

/// A decision on a case.
public struct DecisionBody: Codable, Sendable, Equatable {
    public var id: Int64
    public var actions: [ActionBody]
    public var reason: String
    public var category: String?
    public var ruleIDs: [String]
    public var expiresAt: Date?
    public var by: String
    /// `proposed`, `in_force`, `rejected`, `superseded`, `reversed`.
    public var state: String
    public var approvedBy: String?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, actions, reason, category, ruleIDs = "rule_ids", expiresAt = "expires_at", by, state, approvedBy = "approved_by"
        case createdAt = "created_at"
    }

    /// Makes a decision body.
    public init(
        id: Int64, actions: [ActionBody], reason: String, category: String?, ruleIDs: [String], expiresAt: Date?, by: String, state: String,
        approvedBy: String?, createdAt: Date
    ) {
        self.id = id
        self.actions = actions
        self.reason = reason
        self.category = category
        self.ruleIDs = ruleIDs
        self.expiresAt = expiresAt
        self.by = by
        self.state = state
        self.approvedBy = approvedBy
        self.createdAt = createdAt
    }
}

/// A sanction on an account or domain.
public struct SanctionBody: Codable, Sendable, Equatable {
    public var id: Int64
    public var caseID: Int64
    public var decisionID: Int64
    public var targetKind: String
    public var target: String
    public var action: ActionBody
    public var appliedAt: Date
    public var expiresAt: Date?
    public var liftedAt: Date?
    public var liftedReason: String?

    enum CodingKeys: String, CodingKey {
        case id, caseID = "case_id", decisionID = "decision_id", targetKind = "target_kind", target, action, appliedAt = "applied_at"
        case expiresAt = "expires_at", liftedAt = "lifted_at", liftedReason = "lifted_reason"
    }

    /// Makes a sanction body.
    public init(
        id: Int64, caseID: Int64, decisionID: Int64, targetKind: String, target: String, action: ActionBody, appliedAt: Date, expiresAt: Date?,
        liftedAt: Date?, liftedReason: String?
    ) {
        self.id = id
        self.caseID = caseID
        self.decisionID = decisionID
        self.targetKind = targetKind
        self.target = target
        self.action = action
        self.appliedAt = appliedAt
        self.expiresAt = expiresAt
        self.liftedAt = liftedAt
        self.liftedReason = liftedReason
    }
}

/// `GET sanctions`.
public struct SanctionList: Codable, Sendable, Equatable {
    public var sanctions: [SanctionBody]

    /// Makes the list.
    public init(sanctions: [SanctionBody]) { self.sanctions = sanctions }
}

/// A reporter's record with the tenant.
public struct ReporterBody: Codable, Sendable, Equatable {
    public var reporter: String
    public var reports: Int
    public var dismissed: Int
    public var muted: Bool

    /// Makes a reporter body.
    public init(reporter: String, reports: Int, dismissed: Int, muted: Bool) {
        self.reporter = reporter
        self.reports = reports
        self.dismissed = dismissed
        self.muted = muted
    }
}

/// One audit event in a case's history.
public struct HistoryEntryBody: Codable, Sendable, Equatable {
    public var sequence: Int64
    public var at: Date
    public var actor: String
    public var kind: String
    public var caseID: Int64?
    public var detail: [String: String]
    public var ruleSetVersion: String?

    enum CodingKeys: String, CodingKey {
        case sequence = "seq", at, actor, kind, caseID = "case_id", detail, ruleSetVersion = "rule_set_version"
    }

    /// Makes a history entry.
    public init(sequence: Int64, at: Date, actor: String, kind: String, caseID: Int64?, detail: [String: String], ruleSetVersion: String?) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.kind = kind
        self.caseID = caseID
        self.detail = detail
        self.ruleSetVersion = ruleSetVersion
    }
}

/// `GET cases/{id}/history`.
public struct HistoryList: Codable, Sendable, Equatable {
    public var history: [HistoryEntryBody]

    /// Makes the list.
    public init(history: [HistoryEntryBody]) { self.history = history }
}

/// `GET cases/{id}`: everything needed to decide, in one answer.
public struct CaseDetailBody: Codable, Sendable, Equatable {
    public var `case`: CaseSummaryBody
    public var reports: [ReportBody]
    public var ruleHits: [HitBody]
    public var screenedStatuses: [StatusEvidence]
    public var decisions: [DecisionBody]
    public var sanctions: [SanctionBody]
    public var priorCases: [CaseSummaryBody]
    public var reporters: [ReporterBody]
    public var history: [HistoryEntryBody]
    /// Where each decision stands on each instance and path.
    public var deliveries: [DecisionDeliveryBody]

    enum CodingKeys: String, CodingKey {
        case `case`, reports, ruleHits = "rule_hits", screenedStatuses = "screened_statuses", decisions, sanctions, priorCases = "prior_cases"
        case reporters, history, deliveries
    }

    /// Makes a detail body.
    public init(
        case summary: CaseSummaryBody, reports: [ReportBody], ruleHits: [HitBody], screenedStatuses: [StatusEvidence], decisions: [DecisionBody],
        sanctions: [SanctionBody], priorCases: [CaseSummaryBody], reporters: [ReporterBody], history: [HistoryEntryBody],
        deliveries: [DecisionDeliveryBody] = []
    ) {
        self.deliveries = deliveries
        self.case = summary
        self.reports = reports
        self.ruleHits = ruleHits
        self.screenedStatuses = screenedStatuses
        self.decisions = decisions
        self.sanctions = sanctions
        self.priorCases = priorCases
        self.reporters = reporters
        self.history = history
    }
}

/// The answer to a transition (claim, decide, approve, …): the case as it now stands.
public struct TransitionBody: Codable, Sendable, Equatable {
    public var `case`: CaseSummaryBody
    /// The decision a decide or reversal created.
    public var decisionID: Int64?
    /// The audit row written.
    public var auditSequence: Int64

    enum CodingKeys: String, CodingKey {
        case `case`, decisionID = "decision_id", auditSequence = "audit_seq"
    }

    /// Makes a transition body.
    public init(case summary: CaseSummaryBody, decisionID: Int64?, auditSequence: Int64) {
        self.case = summary
        self.decisionID = decisionID
        self.auditSequence = auditSequence
    }
}

/// `POST cases/{id}/notes`.
public struct NoteRequest: Codable, Sendable, Equatable {
    public var text: String

    /// Makes a note.
    public init(text: String) { self.text = text }
}

/// `POST cases/{id}/escalate`: to a queue, and optionally to a role (only that role or above may then claim it).
public struct EscalateRequest: Codable, Sendable, Equatable {
    public var queue: String?
    public var role: String?
    public var note: String?
    /// Start `queue` though no rule, tenant setting or case uses it yet.
    public var newQueue: Bool?

    enum CodingKeys: String, CodingKey {
        case queue, role, note, newQueue = "new_queue"
    }

    /// Makes a request.
    public init(queue: String? = nil, role: String? = nil, note: String? = nil, newQueue: Bool? = nil) {
        self.queue = queue
        self.role = role
        self.note = note
        self.newQueue = newQueue
    }
}

/// A request that carries a reason (reject a proposal, reverse a decision) or an appellant's statement.
public struct ReasonRequest: Codable, Sendable, Equatable {
    public var reason: String

    /// Makes a request.
    public init(reason: String) { self.reason = reason }
}

/// A live change, as `GET events` streams it (`event: case`, `data: {…}`).
public struct CaseChangeEvent: Codable, Sendable, Equatable {
    /// The audit kind of the change (`intake`, `claim`, `release`, `decision`, …).
    public var kind: String
    public var caseID: Int64
    public var queue: String
    public var state: String
    public var holder: String?
    public var actor: String
    public var at: Date
    public var sequence: Int64

    enum CodingKeys: String, CodingKey {
        case kind, caseID = "case_id", queue, state, holder, actor, at, sequence = "seq"
    }

    /// Makes an event.
    public init(kind: String, caseID: Int64, queue: String, state: String, holder: String?, actor: String, at: Date, sequence: Int64) {
        self.kind = kind
        self.caseID = caseID
        self.queue = queue
        self.state = state
        self.holder = holder
        self.actor = actor
        self.at = at
        self.sequence = sequence
    }
}

/// One delivery of a decision to an instance: by which path, what, and where it stands.
public struct DecisionDeliveryBody: Codable, Sendable, Equatable {
    public var decisionID: Int64
    /// `apply` (the decision took effect) or `lift` (reversed, replaced or expired).
    public var dispatch: String
    /// The instance's domain (`*` while the decision waits for its recipients).
    public var instance: String
    /// `activitypub` or `mastodon_api`.
    public var path: String
    /// `flag`, `block`, `undo_block`, `forwarded_flag`, `enforce`, `reverse`, or `dispatch`.
    public var kind: String
    /// `queued`, `delivered` or `failed`.
    public var state: String
    public var attempts: Int
    /// The peer's last answer, or the failure, in words.
    public var answer: String?
    /// The activity id, or `job N`.
    public var reference: String
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case decisionID = "decision_id", dispatch, instance, path, kind, state, attempts, answer, reference, updatedAt = "updated_at"
    }

    /// Makes a body.
    public init(
        decisionID: Int64, dispatch: String, instance: String, path: String, kind: String, state: String, attempts: Int, answer: String?,
        reference: String, updatedAt: Date
    ) {
        self.decisionID = decisionID
        self.dispatch = dispatch
        self.instance = instance
        self.path = path
        self.kind = kind
        self.state = state
        self.attempts = attempts
        self.answer = answer
        self.reference = reference
        self.updatedAt = updatedAt
    }
}

/// `GET cases/{id}/deliveries`.
public struct DeliveryList: Codable, Sendable, Equatable {
    public var deliveries: [DecisionDeliveryBody]

    /// Makes the list.
    public init(deliveries: [DecisionDeliveryBody]) { self.deliveries = deliveries }
}

/// `POST cases/{id}/deliveries/retry`: how many failed deliveries were queued again.
public struct RetryBody: Codable, Sendable, Equatable {
    public var requeued: Int

    /// Makes the body.
    public init(requeued: Int) { self.requeued = requeued }
}

/// `GET /api/v1/moderation/me`: who the token belongs to, and what their tenant asks of decisions.
public struct MeBody: Codable, Sendable, Equatable {
    /// The moderator's name (as claims and the audit log show it).
    public var name: String
    /// `triage`, `moderator`, `admin` or `operator`.
    public var role: String
    /// The tenant's slug.
    public var tenant: String
    /// The tenant's display name.
    public var tenantName: String
    /// Decision actions that need a second moderator's approval.
    public var approvalRequired: [String]
    /// The tenant's claim lease, in seconds.
    public var claimLeaseSeconds: Int
    /// The reasons the tenant's moderators pick from.
    public var reasonTemplates: [String]

    enum CodingKeys: String, CodingKey {
        case name, role, tenant, tenantName = "tenant_name", approvalRequired = "approval_required", claimLeaseSeconds = "claim_lease_seconds"
        case reasonTemplates = "reason_templates"
    }

    /// Makes the body.
    public init(
        name: String, role: String, tenant: String, tenantName: String, approvalRequired: [String], claimLeaseSeconds: Int, reasonTemplates: [String] = []
    ) {
        self.reasonTemplates = reasonTemplates
        self.name = name
        self.role = role
        self.tenant = tenant
        self.tenantName = tenantName
        self.approvalRequired = approvalRequired
        self.claimLeaseSeconds = claimLeaseSeconds
    }
}
