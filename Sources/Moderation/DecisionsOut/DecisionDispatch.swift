import Federation
import Foundation

/// A decision that must leave Palisade: written by the transition that put it in force (`apply`) or lifted it (`lift`:
/// reversed on appeal, replaced, expired), in the same transaction, and turned into deliveries by the dispatcher.
public struct DecisionDispatch: Sendable, Equatable {
    /// Whether the decision's sanctions start or end.
    public enum Kind: String, Sendable, Equatable {
        case apply, lift
    }

    /// Row id.
    public let id: Int64
    /// The tenant.
    public let tenantID: TenantID
    /// The case.
    public let caseID: CaseID
    /// The decision whose sanctions start or end.
    public let decisionID: Int64
    /// Start or end.
    public let kind: Kind
    /// Why, in words (`decided`, `reversed on appeal: …`, `replaced by a new decision`, `expired`).
    public let reason: String
    /// Failed attempts to resolve its recipients so far.
    public let attempts: Int
    /// When it was written.
    public let createdAt: Date

    /// Makes a dispatch value.
    public init(id: Int64, tenantID: TenantID, caseID: CaseID, decisionID: Int64, kind: Kind, reason: String, attempts: Int, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.caseID = caseID
        self.decisionID = decisionID
        self.kind = kind
        self.reason = reason
        self.attempts = attempts
        self.createdAt = createdAt
    }
}

/// What the dispatcher needs to plan a dispatch, read in one transaction.
public struct DispatchContext: Sendable, Equatable {
    /// The dispatch.
    public let dispatch: DecisionDispatch
    /// Its tenant.
    public let tenant: Tenant
    /// The account the case is about.
    public let account: String
    /// The reported statuses' URIs, in the order reports named them, without repeats.
    public let statuses: [String]
    /// The decision whose sanctions start or end.
    public let decision: Decision
    /// The tenant's instances now.
    public let instances: [AttachedInstance]
    /// The report ids of the case's reports that came from an instance's webhook, by instance domain.
    public let webhookReports: [String: [String]]
    /// For a lift: what the decision's `apply` dispatch sent (its activities with their bodies, its admin-API jobs).
    public let applied: [SentForDecision]

    /// Makes a context value.
    public init(
        dispatch: DecisionDispatch, tenant: Tenant, account: String, statuses: [String], decision: Decision, instances: [AttachedInstance],
        webhookReports: [String: [String]], applied: [SentForDecision]
    ) {
        self.dispatch = dispatch
        self.tenant = tenant
        self.account = account
        self.statuses = statuses
        self.decision = decision
        self.instances = instances
        self.webhookReports = webhookReports
        self.applied = applied
    }
}

/// One thing an `apply` dispatch sent, as a lift needs it back.
public struct SentForDecision: Sendable, Equatable {
    /// The instance (or, for a forwarded Flag, the offender's server) it went to.
    public let instance: String
    /// What it was.
    public let kind: DecisionDeliveryKind
    /// The activity's id and inbox, and its JSON (ActivityPub).
    public let activityID: String?
    /// The inbox it went to.
    public let inbox: String?
    /// The activity's JSON.
    public let body: Data?
    /// The admin-API job (Mastodon API).
    public let jobID: Int64?

    /// Makes a value.
    public init(instance: String, kind: DecisionDeliveryKind, activityID: String?, inbox: String?, body: Data?, jobID: Int64?) {
        self.instance = instance
        self.kind = kind
        self.activityID = activityID
        self.inbox = inbox
        self.body = body
        self.jobID = jobID
    }
}

/// What one tracked delivery of a decision is.
public enum DecisionDeliveryKind: String, Sendable, Equatable, Codable, CaseIterable {
    /// A `Flag` to an attached instance: the decision in words, for its admins.
    case flag
    /// A `Block` of the account or of a defederated domain's instance actor.
    case block
    /// An `Undo` of that `Block`, when the decision is lifted.
    case undoBlock = "undo_block"
    /// A `Flag` to the offender's own server (the tenant forwards reports).
    case forwardedFlag = "forwarded_flag"
    /// Account actions and domain blocks applied through the instance's Mastodon admin API.
    case enforce
    /// Their reversal through the same API.
    case reverse
    /// The decision itself, waiting for its recipients to be resolved before anything is queued.
    case dispatch

    /// The path it travels.
    public var path: DecisionPath { self == .enforce || self == .reverse ? .mastodonAPI : .activitypub }
}

/// How a decision reaches an instance.
public enum DecisionPath: String, Sendable, Equatable, Codable {
    case activitypub
    case mastodonAPI = "mastodon_api"
}

/// Where one delivery of a decision stands: queued (or being retried), delivered, or failed for good.
public enum DecisionDeliveryState: String, Sendable, Equatable, Codable {
    case queued, delivered, failed
}

/// One delivery of a decision, as the case shows it.
public struct DecisionDelivery: Sendable, Equatable {
    /// The decision.
    public let decisionID: Int64
    /// `apply` or `lift`.
    public let dispatch: DecisionDispatch.Kind
    /// The instance (domain) it goes to.
    public let instance: String
    /// What it is.
    public let kind: DecisionDeliveryKind
    /// Where it stands.
    public let state: DecisionDeliveryState
    /// Attempts made.
    public let attempts: Int
    /// The peer's last answer (or the failure), in words.
    public let answer: String?
    /// The activity id (ActivityPub) or the job's id (Mastodon API).
    public let reference: String
    /// When it last changed.
    public let updatedAt: Date

    /// Makes a value.
    public init(
        decisionID: Int64, dispatch: DecisionDispatch.Kind, instance: String, kind: DecisionDeliveryKind, state: DecisionDeliveryState,
        attempts: Int, answer: String?, reference: String, updatedAt: Date
    ) {
        self.decisionID = decisionID
        self.dispatch = dispatch
        self.instance = instance
        self.kind = kind
        self.state = state
        self.attempts = attempts
        self.answer = answer
        self.reference = reference
        self.updatedAt = updatedAt
    }
}

/// A planned delivery, ready to be stored: a signed activity to an inbox, or a job for an admin API.
public struct PlannedDelivery: Sendable, Equatable {
    /// The instance (domain) it goes to.
    public let instance: String
    /// What it is.
    public let kind: DecisionDeliveryKind
    /// The signed POST (ActivityPub).
    public let delivery: Delivery?
    /// The admin-API job (Mastodon API).
    public let operation: EnforcementOperation?

    /// An activity to an inbox.
    public init(instance: String, kind: DecisionDeliveryKind, delivery: Delivery) {
        self.instance = instance
        self.kind = kind
        self.delivery = delivery
        self.operation = nil
    }

    /// A job for the instance's admin API.
    public init(instance: String, kind: DecisionDeliveryKind, operation: EnforcementOperation) {
        self.instance = instance
        self.kind = kind
        self.delivery = nil
        self.operation = operation
    }
}

/// The outbox of decisions and the admin-API job queue. Implemented by `Store`.
public protocol DecisionOutbox: Sendable {
    /// Dispatches not yet done and due at `date`, oldest first, each with what planning it needs.
    func pendingDispatches(at date: Date, limit: Int) async throws -> [DispatchContext]
    /// Stores the plan in one transaction: deliveries queued, admin-API jobs queued, each tracked against the decision,
    /// the instances' resolved inboxes kept, and the dispatch marked done.
    func completeDispatch(_ id: Int64, plan: [PlannedDelivery], resolvedInboxes: [String: String], at date: Date) async throws
    /// Leaves the dispatch pending until `date`, recording why it could not be planned.
    func postponeDispatch(_ id: Int64, error: String, until date: Date) async throws
    /// Every delivery of the case's decisions, oldest first; a dispatch still waiting shows as one queued row.
    func decisionDeliveries(case caseID: CaseID, tenant: TenantID) async throws -> [DecisionDelivery]
    /// Makes the case's failed deliveries and admin-API jobs due again at `date`; returns how many.
    func retryDecisionDeliveries(case caseID: CaseID, tenant: TenantID, at date: Date) async throws -> Int
    /// Admin-API jobs due at `date`: for each instance only its oldest pending job (they run in order), leaving out `excluding`.
    func dueEnforcement(at date: Date, limit: Int, excluding: Set<Int64>) async throws -> [EnforcementJob]
    /// Records the result of an admin-API job; `applied` is what it changed (kept so a reversal undoes exactly that).
    func finishEnforcement(_ id: Int64, result: DeliveryResult, applied: MastodonApplied?, at date: Date) async throws
    /// What an earlier job applied, by its id.
    func appliedEnforcement(job id: Int64) async throws -> MastodonApplied?
    /// Admin-API jobs of every tenant (in `state` when given: `pending`, `delivered`, `dead`), most recently updated first.
    func enforcementJobs(in state: String?, limit: Int) async throws -> [EnforcementJobStatus]
    /// Admin-API jobs by state.
    func enforcementCounts() async throws -> [String: Int]
    /// Dead admin-API jobs (those of `ids`, or all) pending and due at `date`, with a new week of retries; how many.
    func requeueDeadEnforcement(ids: [Int64]?, at date: Date) async throws -> Int
}

/// An admin-API job as the operator's listing shows it (`palisade deliveries list`).
public struct EnforcementJobStatus: Sendable, Equatable {
    /// Row id.
    public let id: Int64
    /// The instance's domain.
    public let instance: String
    /// The decision it carries out.
    public let decisionID: Int64
    /// `apply`, or `reverse` of an earlier job.
    public let operation: String
    /// `pending`, `delivered` or `dead`.
    public let state: String
    /// Attempts so far.
    public let attempts: Int
    /// When a pending job is tried next.
    public let nextAttemptAt: Date
    /// The instance's last answer (an error, or what was applied).
    public let lastAnswer: String?

    /// Makes a value.
    public init(id: Int64, instance: String, decisionID: Int64, operation: String, state: String, attempts: Int, nextAttemptAt: Date, lastAnswer: String?) {
        (self.id, self.instance, self.decisionID, self.operation, self.state) = (id, instance, decisionID, operation, state)
        (self.attempts, self.nextAttemptAt, self.lastAnswer) = (attempts, nextAttemptAt, lastAnswer)
    }
}
