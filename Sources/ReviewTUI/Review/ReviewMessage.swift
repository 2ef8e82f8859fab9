import Foundation
import ModerationAPI

/// Something that happened: a key, a resize, a clock tick, an answer from the server, a live event.
public enum ReviewMessage: Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    case tick(Date)
    case me(MeBody)
    case queues([QueueBody])
    /// A page of cases for the list `source`; `appending` adds it after the rows already there.
    case cases(CaseListSource, [CaseSummaryBody], appending: Bool)
    case detail(CaseDetailBody)
    /// A transition succeeded: the case as it now stands, and what it was, in words.
    case done(TransitionBody, String)
    /// A note was added.
    case noted(Int64)
    /// A request failed; the moderator reads why in the status line.
    case failed(String)
    /// A live change of one of the tenant's cases.
    case event(CaseChangeEvent)
    /// The connection was lost (false) or is back (true).
    case connection(Bool)
    /// The server refused the token (401): the moderator must log in again.
    case tokenRefused(String)
}

/// Something the runtime must do for `update`: a request to the server, or leaving.
public enum ReviewCommand: Equatable, Sendable {
    case loadMe
    case loadQueues
    /// A page of a list (after the case id `after`), of the cases in `states`.
    case loadCases(CaseListSource, sort: CaseListing.Sort, after: Int64?, states: CaseListing.States = .active)
    case loadCase(Int64)
    case claim(Int64)
    case renew(Int64)
    case release(Int64)
    case claimNext(queue: String)
    case decide(Int64, DecisionRequest)
    case approve(Int64, decision: Int64)
    case reject(Int64, decision: Int64, reason: String)
    case escalate(Int64, queue: String, newQueue: Bool)
    case note(Int64, String)
    case close(Int64)
    case appeal(Int64, statement: String)
    case reverse(Int64, reason: String)
    case quit
}
