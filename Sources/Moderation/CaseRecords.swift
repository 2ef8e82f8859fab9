import Foundation

/// A case's row id.
public typealias CaseID = Int64

/// Something that pulls a case into a queue with a priority: a report, or a rule hit.
public struct Signal: Sendable, Equatable {
    /// The queue it asks for.
    public let queue: String
    /// 0–100; higher first.
    public let priority: Int

    /// Makes a signal.
    public init(queue: String, priority: Int) {
        self.queue = queue
        self.priority = min(100, max(0, priority))
    }

    /// The signal of a report: the tenant's default queue; `legal` reports rank above others.
    public static func report(_ report: IncomingReport, tenant: Tenant) -> Signal {
        let priority: Int
        switch report.category {
        case "legal": priority = 70
        case "violation": priority = 60
        default: priority = 50
        }
        return Signal(queue: tenant.defaultQueue, priority: priority)
    }

    /// Where a case stands after `signals` join it: it keeps the highest priority, and moves to the queue of the
    /// strongest signal only while it is open and nobody holds it (a case under review is not pulled away).
    public static func route(current: (queue: String, priority: Int)?, movable: Bool, signals: [Signal]) -> (queue: String, priority: Int) {
        guard let strongest = signals.max(by: { $0.priority < $1.priority }) else {
            return current ?? (queue: "reports", priority: 50)
        }
        guard let current else { return (strongest.queue, strongest.priority) }
        if strongest.priority > current.priority {
            return (movable ? strongest.queue : current.queue, strongest.priority)
        }
        return current
    }
}

/// A rule hit as recorded on a case.
public struct RecordedHit: Sendable, Equatable, Codable {
    /// The status, activity or account it was about.
    public let subjectID: String
    /// The rule and its version.
    public let ruleID: String
    public let ruleVersion: String
    /// The rule-set version it was evaluated under.
    public let ruleSetVersion: String
    /// The matched spans: field, UTF-8 offsets and text.
    public let spans: [Span]
    /// The queue and priority it asked for.
    public let queue: String
    public let priority: Int
    /// The automatic decision it asked for, if any.
    public let decision: String?

    /// A matched span.
    public struct Span: Sendable, Equatable, Codable {
        public let field: String
        public let start: Int
        public let end: Int
        public let text: String

        /// Makes a span.
        public init(field: String, start: Int, end: Int, text: String) {
            self.field = field
            self.start = start
            self.end = end
            self.text = text
        }
    }

    enum CodingKeys: String, CodingKey {
        case subjectID = "subject", ruleID = "rule_id", ruleVersion = "rule_version", ruleSetVersion = "rule_set_version", spans, queue
        case priority, decision
    }

    /// Makes a hit record.
    public init(
        subjectID: String, ruleID: String, ruleVersion: String, ruleSetVersion: String, spans: [Span], queue: String, priority: Int,
        decision: String?
    ) {
        self.subjectID = subjectID
        self.ruleID = ruleID
        self.ruleVersion = ruleVersion
        self.ruleSetVersion = ruleSetVersion
        self.spans = spans
        self.queue = queue
        self.priority = priority
        self.decision = decision
    }
}

/// What one intake item brings to a tenant: a report and/or rule hits about one account, with their signals.
public struct IntakeItem: Sendable, Equatable {
    /// The reported or screened account.
    public let account: String
    /// The report, if the item is one.
    public let report: IncomingReport?
    /// A status seen by screening (a webhook status), kept as evidence with the hits.
    public let screened: ReportedStatus?
    /// The rule hits.
    public let hits: [RecordedHit]
    /// Every signal (the report's, each hit's).
    public let signals: [Signal]
    /// The account's name as its source showed it (`Display Name @username`), kept on the case for searches.
    public let accountName: String?

    /// Makes an item.
    public init(
        account: String, report: IncomingReport?, screened: ReportedStatus? = nil, hits: [RecordedHit], signals: [Signal], accountName: String? = nil
    ) {
        self.account = account
        self.report = report
        self.screened = screened
        self.hits = hits
        self.signals = signals
        self.accountName = accountName.flatMap(Self.accountName(_:))
    }

    /// `Display Name @username` from what a source says, trimmed, at most 200 characters, control characters dropped;
    /// nil when it says nothing.
    public static func accountName(displayName: String?, username: String?) -> String? {
        accountName([displayName, username.map { "@" + $0 }].compactMap { $0 }.joined(separator: " "))
    }

    private static func accountName(_ text: String) -> String? {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
            .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? nil : String(clean.prefix(200))
    }
}

/// What intake did with an item.
public enum IntakeResult: Sendable, Equatable {
    /// Recorded on a case (new or existing).
    case recorded(caseID: CaseID, newCase: Bool)
    /// The same report was already recorded (a replay, or an update older than what is stored).
    case duplicate(caseID: CaseID?)
    /// The report was kept but opens no case: its reporter is muted.
    case mutedReporter
    /// Nothing to record (a screened item without hits).
    case nothing
}

/// Filters for listing cases.
public struct CaseFilter: Sendable, Equatable {
    /// Phases to include (empty: every phase, unless `claimedToo`).
    public var phases: [CaseStatus.Phase] = []
    /// Also include every case a moderator holds a live claim on, whatever its phase (`state=open,claimed`: a union;
    /// alone, only those).
    public var claimedToo = false
    /// Only this queue.
    public var queue: String?
    /// Only at least this priority.
    public var minimumPriority: Int?
    /// Only cases created before this date (older than an age).
    public var createdBefore: Date?
    /// Only cases whose SLA is breached (true) or not (false) at the listing time.
    public var slaBreached: Bool?
    /// Only cases claimed (true) or not (false) at the listing time; or only those held by one moderator.
    public var claimed: Bool?
    public var holder: String?
    /// Only cases about this account.
    public var account: String?
    /// Only cases a moderator's search finds (a case number, a handle, an account URL, a domain).
    public var search: CaseSearch?
    /// The order.
    public var sort: Sort = .priority
    /// At most this many.
    public var limit: Int = 100
    /// Start after this case in the chosen order (keyset paging): pass the last id of the previous page.
    public var after: CaseID?

    /// Sets `phases` and `claimedToo` from `open,claimed,escalated`: `claimed` is not a phase but a live claim on a
    /// case waiting for a moderator, and the states are a union (every open or escalated case, and every claimed one).
    public mutating func states(_ list: String) throws(ModerationError) {
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        claimedToo = names.contains("claimed")
        var phases: [CaseStatus.Phase] = []
        for name in names where name != "claimed" {
            guard let phase = CaseStatus.Phase(rawValue: name) else {
                throw .invalid("unknown state '\(name)': open, claimed, escalated, awaiting_approval, decided, closed, reopened")
            }
            phases.append(phase)
        }
        self.phases = phases
    }

    /// How cases are ordered.
    public enum Sort: String, Sendable, CaseIterable {
        /// Highest priority first, then oldest.
        case priority
        /// Oldest first.
        case age
        /// Newest first.
        case newest
    }

    /// No filter: every case, by priority.
    public init() {}
}

/// A case as lists show it.
public struct CaseSummary: Sendable, Equatable {
    public let id: CaseID
    public let account: String
    public let domain: String
    public let queue: String
    public let priority: Int
    public let phase: CaseStatus.Phase
    /// The holder whose claim is live at the listing time.
    public let holder: String?
    public let claimExpiresAt: Date?
    public let reports: Int
    public let hits: Int
    public let createdAt: Date
    public let updatedAt: Date
    public let slaDueAt: Date
    /// The role an escalation asked for (nil: any moderator).
    public let escalatedToRole: Role?

    /// Makes a summary.
    public init(
        id: CaseID, account: String, domain: String, queue: String, priority: Int, phase: CaseStatus.Phase, holder: String?,
        claimExpiresAt: Date?, reports: Int, hits: Int, createdAt: Date, updatedAt: Date, slaDueAt: Date, escalatedToRole: Role?
    ) {
        self.id = id
        self.account = account
        self.domain = domain
        self.queue = queue
        self.priority = priority
        self.phase = phase
        self.holder = holder
        self.claimExpiresAt = claimExpiresAt
        self.reports = reports
        self.hits = hits
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.slaDueAt = slaDueAt
        self.escalatedToRole = escalatedToRole
    }
}

/// A queue as the overview shows it.
public struct QueueSummary: Sendable, Equatable {
    public let name: String
    public let open: Int
    public let oldestOpenAt: Date?
    public let slaBreached: Int
    public let claimedByMe: Int
    public let awaitingApproval: Int

    /// Makes a queue summary.
    public init(name: String, open: Int, oldestOpenAt: Date?, slaBreached: Int, claimedByMe: Int, awaitingApproval: Int) {
        self.name = name
        self.open = open
        self.oldestOpenAt = oldestOpenAt
        self.slaBreached = slaBreached
        self.claimedByMe = claimedByMe
        self.awaitingApproval = awaitingApproval
    }
}

/// A stored report, as evidence.
public struct StoredReport: Sendable, Equatable {
    public let id: Int64
    public let caseID: CaseID?
    public let report: IncomingReport
    public let receivedAt: Date

    /// Makes a stored report.
    public init(id: Int64, caseID: CaseID?, report: IncomingReport, receivedAt: Date) {
        self.id = id
        self.caseID = caseID
        self.report = report
        self.receivedAt = receivedAt
    }
}

/// A decision as stored: its id, state and who approved it.
public struct StoredDecision: Sendable, Equatable {
    public let id: Int64
    public let caseID: CaseID
    public let decision: Decision
    /// `proposed`, `in_force`, `rejected`, `superseded`, `reversed`.
    public let state: String
    public let approvedBy: String?
    public let createdAt: Date

    /// Makes a stored decision.
    public init(id: Int64, caseID: CaseID, decision: Decision, state: String, approvedBy: String?, createdAt: Date) {
        self.id = id
        self.caseID = caseID
        self.decision = decision
        self.state = state
        self.approvedBy = approvedBy
        self.createdAt = createdAt
    }
}

/// An active or past sanction on an account or a domain.
public struct Sanction: Sendable, Equatable {
    public let id: Int64
    public let caseID: CaseID
    public let decisionID: Int64
    /// `account` or `domain`.
    public let targetKind: String
    public let target: String
    public let action: DecisionAction
    public let appliedAt: Date
    public let expiresAt: Date?
    public let liftedAt: Date?
    public let liftedReason: String?
    /// The report category of the decision behind it (what a public blocklist may say about it).
    public let category: String?

    /// Makes a sanction value.
    public init(
        id: Int64, caseID: CaseID, decisionID: Int64, targetKind: String, target: String, action: DecisionAction, appliedAt: Date,
        expiresAt: Date?, liftedAt: Date?, liftedReason: String?, category: String? = nil
    ) {
        self.category = category
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

    /// The sanctions `decision` puts on a case's account (and, for a defederation, on the domain).
    public static func targets(of decision: Decision, account: String) -> [(kind: String, target: String, action: DecisionAction)] {
        decision.actions.compactMap { action in
            switch action {
            case .dismiss: return nil
            case .markSensitive, .silence, .suspend: return ("account", account, action)
            case .defederate(let domain, _, _, _): return ("domain", domain, action)
            }
        }
    }
}

/// Everything a moderator needs to decide a case, in one answer.
public struct CaseDetail: Sendable, Equatable {
    public let summary: CaseSummary
    public let reports: [StoredReport]
    public let hits: [RecordedHit]
    /// Statuses seen by screening (not reported), as evidence for the hits.
    public let screened: [ReportedStatus]
    public let decisions: [StoredDecision]
    /// Sanctions on the account or its domain from any case of the tenant.
    public let sanctions: [Sanction]
    /// Other cases about the same account.
    public let priorCases: [CaseSummary]
    /// Per reporter of this case: how many reports they made to the tenant, how many of those ended dismissed, and
    /// whether they are muted.
    public let reporters: [ReporterHistory]
    public let history: [AuditEntry]

    /// Makes a detail value.
    public init(
        summary: CaseSummary, reports: [StoredReport], hits: [RecordedHit], screened: [ReportedStatus], decisions: [StoredDecision],
        sanctions: [Sanction], priorCases: [CaseSummary], reporters: [ReporterHistory], history: [AuditEntry]
    ) {
        self.summary = summary
        self.reports = reports
        self.hits = hits
        self.screened = screened
        self.decisions = decisions
        self.sanctions = sanctions
        self.priorCases = priorCases
        self.reporters = reporters
        self.history = history
    }
}

/// A reporter's record with a tenant.
public struct ReporterHistory: Sendable, Equatable {
    public let reporter: String
    public let reports: Int
    public let dismissed: Int
    public let muted: Bool

    /// Makes a reporter history.
    public init(reporter: String, reports: Int, dismissed: Int, muted: Bool) {
        self.reporter = reporter
        self.reports = reports
        self.dismissed = dismissed
        self.muted = muted
    }
}

/// What a transition did, for the answer and the live event stream.
public struct TransitionOutcome: Sendable, Equatable {
    public let caseID: CaseID
    public let status: CaseStatus
    public let effects: [CaseEffect]
    /// The decision row created by a decide (or reversal), if any.
    public let decisionID: Int64?
    /// The audit row written.
    public let audit: AuditEntry

    /// Makes an outcome.
    public init(caseID: CaseID, status: CaseStatus, effects: [CaseEffect], decisionID: Int64?, audit: AuditEntry) {
        self.caseID = caseID
        self.status = status
        self.effects = effects
        self.decisionID = decisionID
        self.audit = audit
    }
}

/// What a moderator types to find a case (`q=` on the case list, `/` in the review UI): a case number (`1234`,
/// `#1234`), a handle (`mallory`, `@mallory`, `@mallory@social.example`), an account URL, a domain, or else a piece
/// of an account URL. Pure.
public enum CaseSearch: Sendable, Equatable {
    case caseID(CaseID)
    /// The account whose URL ends in `/user` or `/@user` (any case), on `host` when given.
    case handle(user: String, host: String?)
    case account(String)
    case domain(String)
    /// Account URLs containing the text.
    case text(String)

    /// The search `text` means; nil when it is empty or longer than 300 characters.
    public init?(_ text: String) {
        let query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty, query.count <= 300 else { return nil }
        let digits = query.hasPrefix("#") ? String(query.dropFirst()) : query
        if !digits.isEmpty, digits.count <= 18, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let id = CaseID(digits) {
            self = .caseID(id)
            return
        }
        let lower = query.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            // A profile page (`https://host/@mallory`, what a browser shows) is the account whose id ends in the name.
            if let url = URLComponents(string: query), let domain = InstanceDomain(url: query), url.path.hasPrefix("/@"),
                url.path.dropFirst(2).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }), url.path.count > 2
            {
                self = .handle(user: String(url.path.dropFirst(2)), host: domain.value)
                return
            }
            self = .account(query)
            return
        }
        func isUser(_ part: Substring) -> Bool {
            !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }
        }
        let parts = (query.hasPrefix("@") ? query.dropFirst() : Substring(query)).split(separator: "@", omittingEmptySubsequences: false)
        if parts.count == 2, isUser(parts[0]), !parts[1].isEmpty, !parts[1].contains("/") {
            // The host as cases store their domain (`host:443` is `host`), else as typed.
            self = .handle(user: String(parts[0]), host: InstanceDomain(String(parts[1]))?.value ?? parts[1].lowercased())
        } else if parts.count == 1, query.hasPrefix("@"), isUser(parts[0]) {
            self = .handle(user: String(parts[0]), host: nil)
        } else if parts.count == 1, query.contains("."), !query.contains(where: \.isWhitespace), InstanceDomain(lower) != nil {
            self = .domain(lower)
        } else if parts.count == 1, isUser(parts[0]) {
            self = .handle(user: query, host: nil)
        } else {
            self = .text(query)
        }
    }
}
