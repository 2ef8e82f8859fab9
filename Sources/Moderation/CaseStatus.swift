import Foundation

/// A moderator, as the audit log and claims name them.
public struct ModeratorID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The moderator's stable id.
    public let rawValue: String

    /// Makes an id.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// The id under which a rule's automatic decisions are recorded (`rule:ID`).
    public static func rule(_ id: String) -> ModeratorID { ModeratorID("rule:" + id) }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A lease on a case: while it runs, only its holder may act on the case (15 minutes by default, renewable,
/// releasable, and over by itself when it expires).
public struct Claim: Sendable, Equatable {
    /// Who holds it.
    public let moderator: ModeratorID
    /// When it ends unless renewed.
    public let expiresAt: Date

    /// Makes a claim.
    public init(moderator: ModeratorID, expiresAt: Date) {
        self.moderator = moderator
        self.expiresAt = expiresAt
    }

    /// Whether it still holds at `date`.
    public func holds(at date: Date) -> Bool { date < expiresAt }
}

/// What a moderator decides about a case.
public enum DecisionAction: Sendable, Equatable {
    /// Nothing to do.
    case dismiss
    /// The reported posts are marked sensitive.
    case markSensitive
    /// The account is limited.
    case silence
    /// The account is suspended.
    case suspend
    /// The whole domain: silenced or suspended, with media and reports from it refused or not.
    case defederate(domain: String, severity: Severity, rejectMedia: Bool, rejectReports: Bool)

    /// How hard a defederation is.
    public enum Severity: String, Sendable, Equatable {
        case silence, suspend
    }

    /// Whether the action puts a sanction on an account or a domain (which a reversal lifts).
    public var sanctions: Bool { self != .dismiss }
}

/// A decision: one or more actions, why, on which rules, until when.
public struct Decision: Sendable, Equatable, Codable {
    /// The actions (a case can need several: mark sensitive and silence).
    public let actions: [DecisionAction]
    /// Why, in words the moderator wrote or chose.
    public let reason: String
    /// The report category (`spam`, `violation`, `legal`, …).
    public let category: String?
    /// The rules it rests on.
    public let ruleIDs: [String]
    /// When its sanctions end by themselves (timed silences); nil: until reversed.
    public let expiresAt: Date?
    /// Who made (or proposed) it.
    public let by: ModeratorID

    /// Makes a decision.
    enum CodingKeys: String, CodingKey {
        case actions, reason, category, ruleIDs = "rule_ids", expiresAt = "expires_at", by
    }

    public init(actions: [DecisionAction], reason: String, category: String? = nil, ruleIDs: [String] = [], expiresAt: Date? = nil, by: ModeratorID) {
        self.actions = actions
        self.reason = reason
        self.category = category
        self.ruleIDs = ruleIDs
        self.expiresAt = expiresAt
        self.by = by
    }
}

extension Decision {
    /// The category of a decision whose moderator named none and whose reports name none either (Mastodon's own
    /// default for a report).
    public static let defaultCategory = "other"

    /// The category a decision takes when its moderator names none: the one most of the case's reports give
    /// (the earliest such report's, on a tie), else `defaultCategory`.
    public static func category(ofReports categories: [String?]) -> String {
        let named = categories.compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let counts = Dictionary(named.map { ($0, 1) }, uniquingKeysWith: +)
        // In report order, a later category takes over only with strictly more reports.
        var best: String?
        for category in named where best == nil || counts[category]! > counts[best!]! { best = category }
        return best ?? defaultCategory
    }

    /// The reason of the dismissal a reversal puts in force.
    public static let reversalReason = "reversed on appeal"

    /// Whether this is the dismissal a reversal on appeal puts in force.
    public var isReversal: Bool { actions == [.dismiss] && reason == Self.reversalReason }
}

/// Something that happens to a case (each becomes a row of the audit log).
public enum CaseEvent: Sendable, Equatable {
    /// Take the case for `lease`, or renew one's own claim.
    case claim(by: ModeratorID, lease: TimeInterval)
    /// Give the case back before the lease ends.
    case release(by: ModeratorID)
    /// Send the case to another queue (another team or role); the claim ends.
    case escalate(by: ModeratorID, toQueue: String)
    /// Decide; with `needsApproval`, the decision is only proposed until a second moderator approves it.
    case decide(Decision, needsApproval: Bool)
    /// A rule decides automatically (no claim needed, but never over a moderator's live claim); with `needsApproval`
    /// it is only proposed.
    case ruleDecision(Decision, needsApproval: Bool)
    /// A second moderator approves the proposed decision.
    case approve(by: ModeratorID)
    /// A second moderator turns the proposal down: the case is open again.
    case rejectProposal(by: ModeratorID, reason: String)
    /// A note for the team; changes nothing else.
    case note(by: ModeratorID, text: String)
    /// Close a decided case.
    case close(by: ModeratorID)
    /// The sanctioned party appeals: the case reopens (sanctions stay until reversed).
    case appeal(statement: String)
    /// The holder of a reopened case reverses its decision: the sanctions are lifted (or, when applying them needed a
    /// second person, the reversal is proposed and lifting them waits for one).
    case reverse(by: ModeratorID, reason: String)
}

/// What a transition asks the world to do (the caller performs it: the state machine does no I/O).
public enum CaseEffect: Sendable, Equatable {
    /// Apply the sanctions of the decision (and send them out).
    case applySanctions(Decision)
    /// Lift the sanctions of the decision.
    case liftSanctions(Decision)
    /// Ask a second moderator for approval.
    case requestApproval(Decision)
    /// The case moved to another queue.
    case movedToQueue(String)

    /// Whether the effect starts or ends sanctions (and so sends something to the instances).
    public var changesSanctions: Bool {
        switch self {
        case .applySanctions, .liftSanctions: return true
        default: return false
        }
    }
}

/// Why an event cannot apply to the case as it stands, in words a moderator can act on.
public enum CaseTransitionError: Error, Equatable, CustomStringConvertible {
    /// Someone else holds the case.
    case claimedByAnother(ModeratorID, until: Date)
    /// The event needs the actor to hold the case, and they do not.
    case notClaimedBy(ModeratorID)
    /// The event does not apply in this phase.
    case notAllowed(event: String, phase: CaseStatus.Phase)
    /// Nobody approves (or turns down) their own proposal.
    case ownProposal(ModeratorID)
    /// The approver and the proposer are one person: one minted the other, or both come from the same minter.
    case samePerson(ModeratorID, proposer: ModeratorID)
    /// An approval needs a named person: not a rule, `system` or the shared operator credentials.
    case notAPerson(ModeratorID)
    /// A decision needs at least one action and a reason.
    case incompleteDecision(String)

    public var description: String {
        switch self {
        case .claimedByAnother(let holder, let until): return "the case is claimed by \(holder) until \(until.formatted(.iso8601))"
        case .notClaimedBy(let moderator): return "\(moderator) does not hold a claim on this case: claim it first"
        case .notAllowed(let event, let phase): return "cannot \(event) a case that is \(phase.rawValue)"
        case .ownProposal(let moderator): return "\(moderator) proposed this decision; another moderator must approve or reject it"
        case .samePerson(let moderator, let proposer):
            return "\(moderator) and \(proposer) count as one person (one was minted by the other, or both by the same admin); "
                + "a moderator added by the operator must approve"
        case .notAPerson(let moderator):
            return "\(moderator) is not a person's identity; approving needs a moderator's own token"
        case .incompleteDecision(let detail): return "the decision is incomplete: \(detail)"
        }
    }
}

/// A case's review state as a value: every transition goes through `apply`, which checks every invariant and
/// returns the effects to perform. Open → claimed → decided (or proposed → approved) → closed; escalation moves it to
/// another queue; an appeal reopens it and a reversal lifts its sanctions.
public struct CaseStatus: Sendable, Equatable {
    /// Where the case stands.
    public enum Phase: String, Sendable, Equatable {
        /// Waiting for a moderator (claims come and go while open).
        case open
        /// Sent to another queue; waiting there.
        case escalated
        /// A decision is proposed and waits for a second moderator.
        case awaitingApproval = "awaiting_approval"
        /// Decided; sanctions applied.
        case decided
        /// Done.
        case closed
        /// Reopened by an appeal.
        case reopened
    }

    /// The phase.
    public private(set) var phase: Phase = .open
    /// The current queue.
    public private(set) var queue: String
    /// The claim, if one was taken and not released (it may have expired: see `holder(at:)`).
    public private(set) var claim: Claim?
    /// The decision in force, or proposed while awaiting approval.
    public private(set) var decision: Decision?
    /// Appeals so far.
    public private(set) var appeals = 0
    /// On a reopened case, the decision a new one replaces (its sanctions are lifted when the new one takes effect).
    public private(set) var superseded: Decision?

    /// A new, open case in `queue`.
    public init(queue: String) {
        self.queue = queue
    }

    /// A status restored from storage, exactly as it was saved.
    public init(phase: Phase, queue: String, claim: Claim?, decision: Decision?, superseded: Decision?, appeals: Int) {
        self.phase = phase
        self.queue = queue
        self.claim = claim
        self.decision = decision
        self.superseded = superseded
        self.appeals = appeals
    }

    /// Whether the case waits for a moderator (it can be claimed, escalated or decided).
    public var isActionable: Bool { [.open, .escalated, .reopened].contains(phase) }

    /// Who holds the case at `date` (nil: nobody, or the claim expired).
    public func holder(at date: Date) -> ModeratorID? {
        guard let claim, claim.holds(at: date) else { return nil }
        return claim.moderator
    }

    /// Applies `event` at `now` under `policy` (the tenant's approval setting and who is whom); throws without changing
    /// anything when it is not allowed. Lifting sanctions that needed a second person to apply needs one too: a reversal
    /// or a new decision replacing them becomes a proposal, and an approval must come from a distinct person.
    public mutating func apply(_ event: CaseEvent, at now: Date, policy: ApprovalPolicy = .none) throws(CaseTransitionError) -> [CaseEffect] {
        switch event {
        case .claim(let moderator, let lease):
            guard [.open, .escalated, .reopened].contains(phase) else { throw .notAllowed(event: "claim", phase: phase) }
            if let claim, claim.holds(at: now), claim.moderator != moderator {
                throw .claimedByAnother(claim.moderator, until: claim.expiresAt)
            }
            claim = Claim(moderator: moderator, expiresAt: now.addingTimeInterval(lease))
            return []

        case .release(let moderator):
            try requireHolder(moderator, at: now)
            claim = nil
            return []

        case .escalate(let moderator, let target):
            guard [.open, .escalated, .reopened].contains(phase) else { throw .notAllowed(event: "escalate", phase: phase) }
            try requireHolder(moderator, at: now)
            phase = .escalated
            queue = target
            claim = nil
            return [.movedToQueue(target)]

        case .decide(let proposed, let needsApproval):
            guard [.open, .escalated, .reopened].contains(phase) else { throw .notAllowed(event: "decide", phase: phase) }
            try requireHolder(proposed.by, at: now)
            guard !proposed.actions.isEmpty else { throw .incompleteDecision("choose at least one action") }
            guard !proposed.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .incompleteDecision("give a reason")
            }
            claim = nil
            let liftGuarded = phase == .reopened && decision.map(policy.liftNeedsApproval) == true
            if phase == .reopened { superseded = decision }
            decision = proposed
            if needsApproval || liftGuarded {
                phase = .awaitingApproval
                return [.requestApproval(proposed)]
            }
            phase = .decided
            return takeEffect(proposed)

        case .ruleDecision(let proposed, let needsApproval):
            guard isActionable else { throw .notAllowed(event: "decide", phase: phase) }
            if let claim, claim.holds(at: now) { throw .claimedByAnother(claim.moderator, until: claim.expiresAt) }
            guard !proposed.actions.isEmpty else { throw .incompleteDecision("choose at least one action") }
            let liftGuarded = phase == .reopened && decision.map(policy.liftNeedsApproval) == true
            if phase == .reopened { superseded = decision }
            decision = proposed
            claim = nil
            if needsApproval || liftGuarded {
                phase = .awaitingApproval
                return [.requestApproval(proposed)]
            }
            phase = .decided
            return takeEffect(proposed)

        case .approve(let moderator):
            guard phase == .awaitingApproval, let proposed = decision else { throw .notAllowed(event: "approve", phase: phase) }
            guard moderator != proposed.by else { throw .ownProposal(moderator) }
            guard moderator.isPerson else { throw .notAPerson(moderator) }
            guard !policy.people.samePerson(moderator, proposed.by) else { throw .samePerson(moderator, proposer: proposed.by) }
            phase = .decided
            return takeEffect(proposed)

        case .rejectProposal(let moderator, _):
            guard phase == .awaitingApproval, let proposed = decision else { throw .notAllowed(event: "reject a proposal for", phase: phase) }
            guard moderator != proposed.by else { throw .ownProposal(moderator) }
            // Back to where the proposal was made from; a reopened case keeps the decision under appeal.
            phase = appeals > 0 ? .reopened : .open
            decision = superseded
            superseded = nil
            return []

        case .note:
            return []

        case .close:
            guard phase == .decided else { throw .notAllowed(event: "close", phase: phase) }
            phase = .closed
            return []

        case .appeal:
            guard phase == .decided || phase == .closed, decision != nil else { throw .notAllowed(event: "appeal", phase: phase) }
            phase = .reopened
            appeals += 1
            claim = nil
            return []

        case .reverse(let moderator, _):
            guard phase == .reopened, let reversed = decision else { throw .notAllowed(event: "reverse", phase: phase) }
            try requireHolder(moderator, at: now)
            let reversal = Decision(
                actions: [.dismiss], reason: Decision.reversalReason, category: reversed.category, ruleIDs: reversed.ruleIDs, by: moderator)
            claim = nil
            if policy.liftNeedsApproval(reversed) {
                phase = .awaitingApproval
                superseded = reversed
                decision = reversal
                return [.requestApproval(reversal)]
            }
            phase = .decided
            decision = reversal
            return reversed.actions.contains(where: \.sanctions) ? [.liftSanctions(reversed)] : []
        }
    }

    /// The decision is in force: the sanctions of the one it replaces (after an appeal) are lifted, its own applied.
    private mutating func takeEffect(_ decided: Decision) -> [CaseEffect] {
        var effects: [CaseEffect] = []
        if let replaced = superseded, replaced.actions.contains(where: \.sanctions) { effects.append(.liftSanctions(replaced)) }
        superseded = nil
        if decided.actions.contains(where: \.sanctions) { effects.append(.applySanctions(decided)) }
        return effects
    }

    private func requireHolder(_ moderator: ModeratorID, at now: Date) throws(CaseTransitionError) {
        guard holder(at: now) == moderator else {
            if let claim, claim.holds(at: now) { throw .claimedByAnother(claim.moderator, until: claim.expiresAt) }
            throw .notClaimedBy(moderator)
        }
    }
}
