import Foundation
import ModerationAPI

/// Which screen is showing.
public enum Screen: Equatable, Sendable {
    /// The tenant's queues with their counts.
    case queues
    /// A queue's cases (or search results, or approvals).
    case cases
    /// One case.
    case detail
}

/// Which cases a list shows.
public enum CaseListSource: Equatable, Sendable {
    /// A queue's cases.
    case queue(String)
    /// Cases awaiting a second moderator's approval.
    case approvals
    /// The cases a search finds: a case number, a handle (`mallory`, `@mallory@host`), an account URL or a domain.
    case search(String)
}

/// A list of cases: what it shows, how it is sorted and filtered, where the cursor is. Only the rows on screen are
/// drawn, so it stays fast with 100,000 loaded.
public struct CaseListing: Equatable, Sendable {
    /// Sort orders the API offers.
    public enum Sort: String, CaseIterable, Sendable {
        case priority, age
    }

    /// Which claims to show.
    public enum Filter: String, CaseIterable, Sendable {
        case all, available, mine
    }

    /// Which states the list asks the server for (issue 18: decided and closed cases are reachable too).
    public enum States: String, CaseIterable, Sendable {
        /// Waiting for a moderator or an approval: open, escalated, reopened, awaiting approval.
        case active
        case decided, closed
        /// Every state.
        case all

        /// The `state` query of the moderation API (nil: every state).
        public var query: String? {
            switch self {
            case .active: return "open,escalated,reopened,awaiting_approval"
            case .decided: return "decided"
            case .closed: return "closed"
            case .all: return nil
            }
        }
    }

    public var source: CaseListSource
    public var items: [CaseSummaryBody] = []
    public var selected = 0
    public var top = 0
    public var sort: Sort = .priority
    public var filter: Filter = .all
    /// The states shown: a queue's active cases, a search's every case.
    public var states: States
    /// Whether more pages may follow (the last page was full).
    public var more = false
    public var loading = false

    /// An empty list of `source`.
    public init(source: CaseListSource) {
        self.source = source
        switch source {
        case .queue: states = .active
        case .approvals: states = .active
        case .search: states = .all
        }
    }

    /// The rows the filter keeps, for the moderator `me`.
    public func visible(me: String?) -> [CaseSummaryBody] {
        switch filter {
        case .all: return items
        case .available: return items.filter { $0.holder == nil }
        case .mine: return items.filter { $0.holder != nil && $0.holder == me }
        }
    }
}

/// The panes of a case.
public enum Pane: String, CaseIterable, Sendable {
    case reports, statuses, hits, sanctions, reporters, history, deliveries

    /// Its tab title.
    public var title: String {
        switch self {
        case .reports: return "Reports"
        case .statuses: return "Statuses"
        case .hits: return "Rule hits"
        case .sanctions: return "Sanctions"
        case .reporters: return "Reporters"
        case .history: return "History"
        case .deliveries: return "Deliveries"
        }
    }

    /// Its title where room is short.
    public var shortTitle: String {
        switch self {
        case .hits: return "Hits"
        case .sanctions: return "Sanctions"
        case .reporters: return "Reporters"
        case .deliveries: return "Sent"
        default: return title
        }
    }
}

/// An open case: its evidence, the pane in front, each pane's scroll, and what the moderator chose to see.
public struct CaseView: Equatable, Sendable {
    public var detail: CaseDetailBody
    public var pane: Pane = .reports
    public var scroll: [Pane: Int] = [:]
    /// Statuses whose content warning is open.
    public var openWarnings: Set<String> = []
    /// Statuses whose media placeholders are shown.
    public var shownMedia: Set<String> = []
    /// When the claim was last renewed by activity.
    public var renewedAt: Date?
    /// Counts replacements of `detail`, so cached lines know when they are stale.
    public var revision = 0
    /// The front pane's lines, wrapped, and what they were made from (kept by `update`, so a frame only slices them).
    public var lines: [[Piece]] = []
    public var linesKey: LinesKey?

    /// What the cached lines depend on.
    public struct LinesKey: Equatable, Sendable {
        public var pane: Pane
        public var width: Int
        public var revision: Int
        public var openWarnings: Set<String>
        public var shownMedia: Set<String>
    }

    /// A view of `detail`, on its reports.
    public init(detail: CaseDetailBody) {
        self.detail = detail
    }

    /// The key of lines wrapped to `width` for what is shown now.
    public func key(width: Int) -> LinesKey {
        LinesKey(pane: pane, width: width, revision: revision, openWarnings: openWarnings, shownMedia: shownMedia)
    }
}

/// A run of text in one style, already sanitised.
public struct Piece: Equatable, Sendable {
    public let text: String
    public let style: Style

    /// Makes a piece.
    public init(text: String, style: Style) {
        self.text = text
        self.style = style
    }
}

/// The decision dialog: each field, the one being edited, and whether a severe decision is being confirmed.
public struct DecisionDialog: Equatable, Sendable {
    /// Its fields, in tab order.
    public enum Field: Int, CaseIterable, Sendable {
        case action, reason, category, rules, expiry, defederation
    }

    /// The forms a defederation takes (issue 18: not only the harshest): severity, and whether media and reports from
    /// the domain are refused.
    public struct Defederation: Equatable, Sendable {
        public let severity: String
        public let rejectMedia: Bool
        public let rejectReports: Bool

        /// `suspend, media and reports refused`.
        public var label: String {
            let refused = [rejectMedia ? "media" : nil, rejectReports ? "reports" : nil].compactMap { $0 }
            return severity + (refused.isEmpty ? "" : ", \(refused.joined(separator: " and ")) refused")
        }
    }

    public static let defederations = [
        Defederation(severity: "suspend", rejectMedia: true, rejectReports: true), Defederation(severity: "suspend", rejectMedia: false, rejectReports: false),
        Defederation(severity: "silence", rejectMedia: true, rejectReports: true), Defederation(severity: "silence", rejectMedia: true, rejectReports: false),
        Defederation(severity: "silence", rejectMedia: false, rejectReports: true), Defederation(severity: "silence", rejectMedia: false, rejectReports: false),
    ]

    public static let actions = ["dismiss", "mark_sensitive", "silence", "suspend", "defederate"]
    public static let categories = ["spam", "violation", "legal", "other"]
    /// Expiries offered: none, or hours from now.
    public static let expiries: [Int?] = [nil, 24, 24 * 7, 24 * 30]
    /// Reasons offered when the tenant has none of its own (typing replaces them).
    public static let builtInTemplates = [
        "Spam or scam", "Harassment of other users", "Hateful content", "Illegal content", "Impersonation", "Ban evasion",
    ]

    public var caseID: Int64
    public var field: Field = .action
    public var action = 0
    public var reason = ""
    /// Where the cursor is in `reason` (nil: at its end).
    public var reasonCursor: Int?
    public var template: Int?
    public var category = 0
    public var rules = ""
    public var expiry = 0
    /// Which of `defederations` a defederation takes.
    public var defederation = 0
    /// The confirmation step of a severe decision (suspend, defederate).
    public var confirming = false
    /// Claim the next case of the queue once this one is decided.
    public var andNext = false
    /// Defederations name the case's domain.
    public var domain: String
    /// The reasons offered: the tenant's templates, else the built-in ones.
    public var templates: [String]

    /// A dialog for the case, offering `templates` (the built-in ones when empty).
    public init(caseID: Int64, domain: String, templates: [String] = []) {
        self.caseID = caseID
        self.domain = domain
        self.templates = templates.isEmpty ? Self.builtInTemplates : templates
    }

    /// The action's name.
    public var actionName: String { Self.actions[action] }

    /// Whether the decision is severe enough to be confirmed.
    public var severe: Bool { ["suspend", "defederate"].contains(actionName) }

    /// The reason as it will be sent: the typed text, else the template.
    public var reasonText: String { reason.isEmpty ? template.map { templates[$0] } ?? "" : reason }
}

/// A one-line text prompt (note, search, escalation queue).
public struct Prompt: Equatable, Sendable {
    /// What the text is for.
    public enum Purpose: Equatable, Sendable {
        case note(Int64), search, escalate(Int64)
        /// The escalation named a queue the tenant does not have: Enter starts it, Esc goes back.
        case newQueue(Int64, String)
        /// Approving a proposed decision, shown in full: Enter approves, Esc cancels.
        case approve(Int64, decision: Int64, summary: String)
        /// Turning a proposed decision down: the reason.
        case reject(Int64, decision: Int64)
        /// Closing a case without a decision: Enter closes, Esc cancels.
        case close(Int64)
        /// Recording the account's appeal of the decision in force: their statement.
        case appeal(Int64)
        /// Reversing the decision in force (after an appeal): the reason.
        case reverse(Int64)
        /// Deciding a case nobody holds: Enter claims it, then the decision dialog opens.
        case claimAndDecide(Int64)
    }

    public var purpose: Purpose
    public var text = ""
    /// Where the cursor is in `text` (nil: at its end).
    public var cursor: Int?

    /// An empty prompt.
    public init(purpose: Purpose) {
        self.purpose = purpose
    }

    /// Its label.
    public var label: String {
        switch purpose {
        case .note: return "Note"
        case .search: return "Search: handle, @user@host, account URL, domain or case number"
        case .escalate: return "Escalate to queue"
        case .newQueue(_, let queue): return "No queue '\(queue)' yet. Enter starts it, Esc cancels"
        case .approve(_, _, let summary): return "Approve \(summary)? Enter approves, Esc cancels"
        case .reject: return "Reject the proposal, reason"
        case .close(let id): return "Close case \(id) without a decision? Enter closes, Esc cancels"
        case .appeal: return "Appeal: the account's statement"
        case .reverse: return "Reverse the decision in force, reason"
        case .claimAndDecide(let id): return "Case \(id) is not claimed: Enter claims it and opens the decision, Esc cancels"
        }
    }

    /// Whether Enter acts on its own (a confirmation), without typed text.
    public var confirms: Bool {
        switch purpose {
        case .newQueue, .approve, .close, .claimAndDecide: return true
        case .note, .search, .escalate, .reject, .appeal, .reverse: return false
        }
    }
}

/// Everything the review UI shows; changed only by `update`.
public struct ReviewModel: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var now: Date
    public var server: String
    public var me: MeBody?
    public var screen: Screen = .queues
    public var queues: [QueueBody] = []
    public var queueSelected = 0
    public var list: CaseListing?
    public var open: CaseView?
    public var dialog: DecisionDialog?
    public var prompt: Prompt?
    public var help = false
    /// The connection is lost (a banner shows; it reconnects).
    public var disconnected = false
    /// The server refused the token (revoked, expired or wrong): the whole screen says to log in again, and why.
    public var tokenRefused: String?
    /// The case being claimed so that its decision dialog opens once the claim lands ("claim and decide").
    public var decidingAfterClaim: Int64?
    /// The case the moderator asked to open: its detail opens the case screen; any other late answer only refreshes
    /// the case already open, never pulls the moderator back into one they left.
    public var wantedCase: Int64?
    /// When the open case was last loaded, so a pane that follows deliveries reloads it while they are under way.
    public var openLoadedAt: Date?
    /// The last outcome or error, in the status line.
    public var status: String?
    /// Set once the user asked to quit.
    public var quitting = false

    /// A model for a `width` × `height` terminal talking to `server`.
    public init(width: Int, height: Int, now: Date, server: String) {
        self.width = width
        self.height = height
        self.now = now
        self.server = server
    }

    /// Rows available for content between the header and the status lines.
    public var bodyHeight: Int { max(height - 4, 1) }
}
