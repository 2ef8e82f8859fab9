import ActivityStreams
import HTTPSignatures

/// Why the inbox refuses a request. Each case maps to one HTTP status at the edge.
public enum InboxRefusal: Error, Equatable, CustomStringConvertible {
    /// The body is not a usable ActivityStreams document (400, or 413 when too large).
    case malformedDocument(ActivityStreamsError)
    /// The document is not an activity, or lacks an actor (400).
    case notAnActivity(ActivityStreamsError)
    /// The HTTP signature is missing or does not verify (401).
    case signature(SignatureError)
    /// The key that signed belongs to someone other than the activity's actor (401).
    case keyNotOwnedByActor(keyOwner: String, actor: String)
    /// The activity (or an object it carries) claims an id on another server than its actor's (403).
    case foreignOrigin(id: String, actor: String)
    /// A `Delete` or `Update` of an actor by itself, where nothing of the actor is held: there is nothing to apply, so
    /// it is acknowledged (202) without fetching the key of an actor that is usually gone, and nothing is stored —
    /// Mastodon answers the same, which ends the sender's retries.
    case nothingHeldOfActor(type: String, actor: String)
    /// The request names a `Host` this server does not answer to: a signature made for another server (421).
    case notOurHost(String)

    /// A sentence for the sender's operator.
    public var description: String {
        switch self {
        case .malformedDocument(let error): return error.description
        case .notAnActivity(let error): return error.description
        case .signature(let error): return error.description
        case .keyNotOwnedByActor(let owner, let actor):
            return "the signing key belongs to \(owner), not to the activity's actor \(actor)"
        case .foreignOrigin(let id, let actor):
            return "\(id) is not on the same server as the actor \(actor)"
        case .notOurHost(let host):
            return "the request is addressed to host '\(host.prefix(200))', which is not this server"
        case .nothingHeldOfActor(let type, let actor):
            return "\(type) of \(actor) by itself: nothing of that actor is held here, so there is nothing to apply"
        }
    }
}
