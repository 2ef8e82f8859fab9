import ActivityStreams
import Foundation
import HTTPSignatures

/// A verification key and the actor that owns it, as found by fetching the key's document.
public struct ResolvedKey: Sendable {
    /// The key.
    public let key: VerificationKey
    /// The id of the actor that publishes the key.
    public let ownerID: String

    /// Makes a resolved key.
    public init(key: VerificationKey, ownerID: String) {
        self.key = key
        self.ownerID = ownerID
    }
}

/// Decides whether a POST to an inbox is accepted: a well-formed activity, a valid signature by a key its actor owns,
/// and ids on the actor's own server. Slow work (processing) happens after, from the durable store.
public struct InboxGate: Sendable {
    /// The signature rules.
    public let verifier: SignatureVerifier
    /// Document limits (size, depth).
    public let limits: ActivityStreamsDocument.Limits

    /// The `Host` values (authority, lower-cased, default port omitted; `host:*` for any port) this server answers to;
    /// nil accepts any.
    public let servedHosts: Set<String>?

    /// A gate applying `policy`, refusing bodies above `maximumBodyBytes` and requests for hosts not in `servedHosts`.
    public init(policy: VerificationPolicy, maximumBodyBytes: Int, servedHosts: Set<String>? = nil) {
        self.verifier = SignatureVerifier(policy: policy)
        self.limits = ActivityStreamsDocument.Limits(maximumBytes: maximumBodyBytes)
        self.servedHosts = servedHosts.map { Set($0.map { Self.normalisedHost($0, scheme: nil) }) }
    }

    /// `Host` as compared: lower-cased, without a trailing dot, without the scheme's default port.
    public static func normalisedHost(_ host: String, scheme: String?) -> String {
        var value = host.lowercased()
        // The scheme's default port (either, when the scheme is not known) says nothing: `m.example:443` is `m.example`.
        let defaultPorts = switch scheme?.lowercased() {
        case "https": [":443"]
        case "http": [":80"]
        default: [":443", ":80"]
        }
        for port in defaultPorts where value.hasSuffix(port) { value.removeLast(port.count) }
        if value.hasSuffix(".") { value.removeLast() }
        return value
    }

    /// What an accepted request proved.
    public struct Accepted: Sendable {
        /// The entry to store.
        public let entry: InboxEntry
        /// The activity.
        public let activity: Activity
        /// The signature that verified.
        public let signature: VerifiedSignature
    }

    /// Checks a request: parse, then resolve the signing key (through `keys`), verify, and check ownership and origins.
    /// A `Delete` or `Update` of an actor by itself is answered `nothingHeldOfActor` before any key is fetched when
    /// `holdsActor` says nothing of that actor is held (an error there counts as held: the request is verified).
    public func check(
        _ message: HTTPMessage, now: Date, keys: (String) async throws -> ResolvedKey,
        holdsActor: (String) async throws -> Bool = { _ in true }
    ) async throws(InboxRefusal) -> Accepted {
        let object: ASObject
        do {
            object = try ActivityStreamsDocument.decode(message.body, limits: limits)
        } catch {
            throw InboxRefusal.malformedDocument(error)
        }
        let activity: Activity
        do {
            activity = try Activity(object)
        } catch {
            throw InboxRefusal.notAnActivity(error)
        }

        if ["Delete", "Update"].contains(activity.type), activity.objects.count == 1, activity.objects[0].id == activity.actorID,
            (try? await holdsActor(activity.actorID)) == false {
            throw InboxRefusal.nothingHeldOfActor(type: activity.type, actor: activity.actorID)
        }

        if let servedHosts {
            let host = message.combinedValue(of: "host") ?? ""
            let normalised = Self.normalisedHost(host, scheme: message.scheme)
            let anyPort = normalised.lastIndex(of: ":").map { String(normalised[..<$0]) + ":*" }
            guard servedHosts.contains(normalised) || anyPort.map(servedHosts.contains) == true else {
                throw InboxRefusal.notOurHost(host)
            }
        }
        // Everything that can fail without the key fails before anything is fetched.
        let prechecked: SignatureVerifier.Prechecked
        do {
            let candidate = try verifier.candidate(in: message)
            try SignatureVerifier.checkFetchableKeyID(candidate.keyID)
            prechecked = try verifier.precheck(message, candidate: candidate, now: now)
        } catch {
            throw InboxRefusal.signature(error)
        }
        // The key must be the actor's own before it is fetched: a key on another server can never be the actor's.
        guard Self.sameOrigin(prechecked.candidate.keyID, activity.actorID) else {
            throw InboxRefusal.keyNotOwnedByActor(keyOwner: prechecked.candidate.keyID, actor: activity.actorID)
        }
        let resolved: ResolvedKey
        do {
            resolved = try await keys(prechecked.candidate.keyID)
        } catch let error as SignatureError {
            throw InboxRefusal.signature(error)
        } catch {
            throw InboxRefusal.signature(.unknownKey(keyID: prechecked.candidate.keyID, detail: String(describing: error)))
        }
        let signature: VerifiedSignature
        do {
            signature = try verifier.verify(message, prechecked: prechecked, key: resolved.key)
        } catch {
            throw InboxRefusal.signature(error)
        }

        guard resolved.ownerID == activity.actorID else {
            throw InboxRefusal.keyNotOwnedByActor(keyOwner: resolved.ownerID, actor: activity.actorID)
        }
        if let id = activity.id, !Self.sameOrigin(id, activity.actorID) {
            throw InboxRefusal.foreignOrigin(id: id, actor: activity.actorID)
        }
        // The actor may only create, update or delete its own objects; an Announce may carry others' (they are refetched).
        if ["Create", "Update", "Delete"].contains(activity.type) {
            for embedded in activity.objects.compactMap(\.embedded) {
                if let id = embedded.id, !Self.sameOrigin(id, activity.actorID) {
                    throw InboxRefusal.foreignOrigin(id: id, actor: activity.actorID)
                }
                if let author = embedded.reference("attributedTo")?.id, author != activity.actorID,
                    !Self.sameOrigin(author, activity.actorID) {
                    throw InboxRefusal.foreignOrigin(id: author, actor: activity.actorID)
                }
            }
        }
        let activityID = activity.id ?? "urn:palisade:transient:" + BodyDigest.digestHeader(for: message.body)
        let entry = InboxEntry(
            activityID: activityID, type: activity.type, actorID: activity.actorID, keyID: signature.keyID,
            body: message.body, receivedAt: now)
        return Accepted(entry: entry, activity: activity, signature: signature)
    }

    /// Same scheme, host and port.
    public static func sameOrigin(_ a: String, _ b: String) -> Bool {
        guard let x = URLComponents(string: a), let y = URLComponents(string: b), let hostX = x.host, let hostY = y.host else {
            return false
        }
        return x.scheme?.lowercased() == y.scheme?.lowercased() && hostX.lowercased() == hostY.lowercased() && x.port == y.port
    }
}
