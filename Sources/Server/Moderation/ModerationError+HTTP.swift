import Hummingbird
import Moderation

extension ModerationError {
    /// The API answer: 404 for anything missing (or another tenant's), 409 for conflicts of state, 403 for roles.
    var apiError: APIError {
        switch self {
        case .noSuchTenant, .noSuchInstance, .noSuchModerator, .noSuchToken, .noSuchCase, .noSuchDecision:
            return APIError(.notFound, code: "not_found", message: description)
        case .queueEmpty:
            return APIError(.notFound, code: "queue_empty", message: description)
        case .unknownQueue:
            return APIError(.unprocessableContent, code: "unknown_queue", message: description)
        case .tenantExists, .instanceExists, .moderatorExists:
            return APIError(.conflict, code: "exists", message: description)
        case .instanceUnavailable:
            return APIError(.conflict, code: "unavailable", message: description)
        case .domainNotProven:
            return APIError(.forbidden, code: "domain_not_proven", message: description)
        case .actorNotOnDomain:
            return APIError(.unprocessableContent, code: "invalid", message: description)
        case .newerCaseOpen:
            return APIError(.conflict, code: "newer_case_open", message: description)
        case .forbidden:
            return APIError(.forbidden, code: "forbidden", message: description)
        case .invalid:
            return APIError(.unprocessableContent, code: "invalid", message: description)
        case .transition(let refusal):
            switch refusal {
            case .claimedByAnother: return APIError(.conflict, code: "claimed_by_another", message: description)
            case .notClaimedBy: return APIError(.conflict, code: "not_claimed", message: description)
            case .notAllowed: return APIError(.conflict, code: "wrong_state", message: description)
            case .ownProposal: return APIError(.forbidden, code: "own_proposal", message: description)
            case .samePerson: return APIError(.forbidden, code: "same_person", message: description)
            case .notAPerson: return APIError(.forbidden, code: "not_a_person", message: description)
            case .incompleteDecision: return APIError(.unprocessableContent, code: "invalid", message: description)
            }
        }
    }
}
