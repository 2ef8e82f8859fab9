import Foundation

/// Why a moderation operation failed, in words the person can act on.
public enum ModerationError: Error, Equatable, CustomStringConvertible {
    /// No tenant with that slug (or id).
    case noSuchTenant(String)
    /// The slug is taken.
    case tenantExists(String)
    /// No attached instance with that domain (in the tenant).
    case noSuchInstance(String)
    /// The domain is attached already to this tenant.
    case instanceExists(String)
    /// The domain cannot be attached to this tenant (it belongs to another; which one is not said).
    case instanceUnavailable(String)
    /// The tenant's admin did not prove control of the domain (operators attach without proof).
    case domainNotProven(domain: String, wellKnownURL: String, token: String)
    /// The instance actor is not on the domain being attached.
    case actorNotOnDomain(actor: String, domain: String)
    /// No moderator of that name (in the tenant).
    case noSuchModerator(String)
    /// The name is taken.
    case moderatorExists(String)
    /// No token with that id.
    case noSuchToken(String)
    /// No such case in the tenant (another tenant's case is "no such case" too).
    case noSuchCase(CaseID)
    /// No such decision on the case.
    case noSuchDecision(Int64)
    /// The queue has nothing to claim.
    case queueEmpty(String)
    /// An escalation names a queue nothing uses yet (a typo, most likely); starting one is said on purpose.
    case unknownQueue(String, known: [String])
    /// The role does not allow it.
    case forbidden(String)
    /// A value is out of range or malformed.
    case invalid(String)
    /// The case state machine refused the event.
    case transition(CaseTransitionError)
    /// Reopening the case would make a second active case about its account: a newer one is open.
    case newerCaseOpen(account: String, caseID: CaseID)

    public var description: String {
        switch self {
        case .noSuchTenant(let slug): return "no tenant '\(slug)' (palisade admin tenants list shows them)"
        case .tenantExists(let slug): return "a tenant '\(slug)' exists already"
        case .noSuchInstance(let domain): return "no attached instance '\(domain)'"
        case .instanceExists(let domain): return "the instance '\(domain)' is attached to this tenant already"
        case .instanceUnavailable(let domain):
            return "the instance '\(domain)' cannot be attached to this tenant; ask the operator (a domain belongs to one tenant)"
        case .domainNotProven(let domain, let url, let token):
            return "control of \(domain) is not proven: serve \(token) at \(url) (plain text), or put it in the instance actor's profile, then attach again"
        case .actorNotOnDomain(let actor, let domain):
            return "the instance actor \(actor.prefix(200)) is not on \(domain): it must live on the attached domain"
        case .noSuchModerator(let name): return "no moderator '\(name)'"
        case .moderatorExists(let name): return "a moderator '\(name)' exists already (names are unique across tenants)"
        case .noSuchToken(let id): return "no token '\(id)'"
        case .noSuchCase(let id): return "no case \(id)"
        case .noSuchDecision(let id): return "no decision \(id) on this case"
        case .queueEmpty(let queue): return "nothing to claim in queue '\(queue)'"
        case .unknownQueue(let queue, let known):
            return "no queue '\(queue)' (queues: \(known.joined(separator: ", "))): check the name, or start the queue on purpose (\"new_queue\": true)"
        case .forbidden(let detail): return detail
        case .invalid(let detail): return detail
        case .transition(let error): return error.description
        case .newerCaseOpen(let account, let caseID):
            return "a newer case (\(caseID)) about \(account) is open; take the appeal there, or reopen this one once that case is decided"
        }
    }
}
