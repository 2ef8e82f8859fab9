import ActivityStreams
import AsyncHTTPClient
import Foundation
import HTTPSignatures
import NIOCore
import NIOHTTP1

/// Finds the public key behind a signature's `keyId`: fetches the key's document (a signed GET, as servers in
/// authorized-fetch mode require), checks the actor publishes that key on its own server, and caches the answer.
public actor RemoteKeyDirectory {
    /// Limits on fetching.
    public struct Settings: Sendable {
        /// Which addresses may be fetched from.
        public var addressPolicy: AddressPolicy
        /// Time allowed for one request.
        public var timeout: TimeAmount = .seconds(10)
        /// The largest document read.
        public var maximumBytes = 1_048_576
        /// Redirects followed (each target is checked against the address policy).
        public var maximumRedirects = 3
        /// How long a resolved key or actor is trusted before it is fetched again.
        public var cacheLifetime: TimeInterval = 3600
        /// The scheme WebFinger lookups use (`https`; loopback tests use `http`).
        public var webFingerScheme = "https"

        /// Settings with the given address policy and defaults otherwise.
        public init(addressPolicy: AddressPolicy) {
            self.addressPolicy = addressPolicy
        }
    }

    private let client: HTTPClient
    private let signer: MessageSigner?
    private let settings: Settings
    private let now: @Sendable () -> Date
    private var cache: [String: (key: ResolvedKey, until: Date)] = [:]
    private var actors: [String: (actor: Actor, until: Date)] = [:]

    /// A directory fetching through `client` (which must not follow redirects itself), signing GETs with `signer`.
    public init(client: HTTPClient, signer: MessageSigner?, settings: Settings, now: @escaping @Sendable () -> Date) {
        self.client = client
        self.signer = signer
        self.settings = settings
        self.now = now
    }

    /// The key and its owner, from the cache or fetched.
    public func resolve(_ keyID: String) async throws(RemoteFetchError) -> ResolvedKey {
        if let cached = cache[keyID], cached.until > now() { return cached.key }
        let resolved = try await fetchKey(keyID)
        cache[keyID] = (resolved, now().addingTimeInterval(settings.cacheLifetime))
        return resolved
    }

    /// Drops a cached key, so the next `resolve` fetches it again (key rotation).
    public func forget(_ keyID: String) {
        cache[keyID] = nil
    }

    /// The actor document at `id`, from the cache (filled by key lookups too) or fetched.
    public func actor(_ id: String) async throws(RemoteFetchError) -> Actor {
        if let cached = actors[id], cached.until > now() { return cached.actor }
        let document = try await fetchDocument(id)
        let actor: Actor
        do {
            actor = try Actor(document)
        } catch {
            throw RemoteFetchError.unreadable(url: id, detail: error.description)
        }
        guard actor.id == id || InboxGate.sameOrigin(actor.id, id) else {
            throw RemoteFetchError.unreadable(url: id, detail: "the document's id \(actor.id) is on another server")
        }
        remember(actor)
        return actor
    }

    /// Resolves `user@host` (or `acct:user@host`, or `@user@host`) through the host's WebFinger to its actor.
    public func actor(account: String) async throws(RemoteFetchError) -> Actor {
        var handle = account.hasPrefix("acct:") ? String(account.dropFirst(5)) : account
        if handle.hasPrefix("@") { handle.removeFirst() }
        let parts = handle.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            var query = URLComponents(string: "\(settings.webFingerScheme)://\(parts[1])/.well-known/webfinger")
        else { throw RemoteFetchError.invalidURL(account) }
        query.queryItems = [URLQueryItem(name: "resource", value: "acct:\(handle)")]
        guard let url = query.string else { throw RemoteFetchError.invalidURL(account) }
        let data = try await fetch(url, accept: "application/jrd+json, application/json")
        let links = (try? JSONDecoder().decode(JSONValue.self, from: data))?.objectValue?["links"]?.listValue ?? []
        let actorURL = links.lazy.compactMap { link -> String? in
            guard let object = link.objectValue, object["rel"]?.stringValue == "self",
                let type = object["type"]?.stringValue, type.hasPrefix("application/activity+json") || type.hasPrefix("application/ld+json")
            else { return nil }
            return object["href"]?.stringValue
        }.first
        guard let actorURL else {
            throw RemoteFetchError.unreadable(url: url, detail: "the WebFinger answer has no self link to an ActivityPub actor")
        }
        // The actor must live on the host that answered for the account (Mastodon's check against spoofed WebFinger).
        guard URLComponents(string: actorURL)?.host?.lowercased() == URLComponents(string: url)?.host?.lowercased() else {
            throw RemoteFetchError.unreadable(url: url, detail: "the WebFinger answer points to \(actorURL.prefix(200)) on another host")
        }
        return try await actor(actorURL)
    }

    /// The document at `id` (a reported status, for evidence), fetched signed; it must name itself `id`, or at least
    /// live on the same origin (Mastodon answers a status URL with its canonical id).
    public func object(_ id: String) async throws(RemoteFetchError) -> ASObject {
        let document = try await fetchDocument(id)
        guard document.id == id || document.id.map({ InboxGate.sameOrigin($0, id) }) == true else {
            throw RemoteFetchError.unreadable(url: id, detail: "the document's id \(document.id ?? "(none)") is on another server")
        }
        return document
    }

    /// Whether the actor's document or one of its keys is cached (nothing is fetched).
    public func isCached(actor id: String) -> Bool {
        actors[id] != nil || cache.values.contains { $0.key.ownerID == id }
    }

    /// Drops everything cached of an actor: its document and the keys it owns (after a `Delete` of the actor).
    public func forgetActor(_ id: String) {
        actors[id] = nil
        cache = cache.filter { $0.value.key.ownerID != id }
    }

    private func remember(_ actor: Actor) {
        actors[actor.id] = (actor, now().addingTimeInterval(settings.cacheLifetime))
    }

    private func fetchKey(_ keyID: String) async throws(RemoteFetchError) -> ResolvedKey {
        let documentURL = String(keyID.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let document = try await fetchDocument(documentURL)
        if document.isA(Vocabulary.actorTypes) {
            return try key(keyID, publishedBy: document)
        }
        // A separate key document (`CryptographicKey`): its owner must list it.
        guard let owner = document.reference("owner")?.id ?? document.reference("controller")?.id else {
            throw RemoteFetchError.keyNotPublished(keyID: keyID, detail: "the document is neither an actor nor a key with an owner")
        }
        guard InboxGate.sameOrigin(owner, keyID) else {
            throw RemoteFetchError.keyNotPublished(keyID: keyID, detail: "its owner \(owner) is on another server")
        }
        return try key(keyID, publishedBy: try await fetchDocument(owner))
    }

    private func key(_ keyID: String, publishedBy document: ASObject) throws(RemoteFetchError) -> ResolvedKey {
        let actor: Actor
        do {
            actor = try Actor(document)
        } catch {
            throw RemoteFetchError.keyNotPublished(keyID: keyID, detail: error.description)
        }
        guard InboxGate.sameOrigin(actor.id, keyID) else {
            throw RemoteFetchError.keyNotPublished(keyID: keyID, detail: "the actor \(actor.id) is on another server than the key")
        }
        remember(actor)
        do {
            if let published = actor.publicKeys.first(where: { $0.id == keyID }) {
                if let owner = published.owner, owner != actor.id {
                    throw RemoteFetchError.keyNotPublished(keyID: keyID, detail: "the key names \(owner) as owner, not \(actor.id)")
                }
                return ResolvedKey(key: try VerificationKey(pem: published.pem), ownerID: actor.id)
            }
            if let multikey = actor.multikeys.first(where: { $0.id == keyID }) {
                return ResolvedKey(key: try VerificationKey(multikey: multikey.multibase), ownerID: actor.id)
            }
        } catch let error as RemoteFetchError {
            throw error
        } catch {
            throw RemoteFetchError.keyNotPublished(keyID: keyID, detail: String(describing: error))
        }
        throw RemoteFetchError.keyNotPublished(keyID: keyID, detail: "\(actor.id) lists no key with that id")
    }

    /// GETs an ActivityStreams document, signed, following at most `maximumRedirects` checked redirects.
    func fetchDocument(_ url: String) async throws(RemoteFetchError) -> ASObject {
        let data = try await fetch(url, accept: #"application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams""#)
        do {
            return try ActivityStreamsDocument.decode(data, limits: .init(maximumBytes: settings.maximumBytes))
        } catch {
            throw RemoteFetchError.unreadable(url: url, detail: error.description)
        }
    }

    /// GETs a body of at most `maximumBytes`, signed, following at most `maximumRedirects` checked redirects.
    private func fetch(_ url: String, accept: String) async throws(RemoteFetchError) -> Data {
        var current = url
        for _ in 0...settings.maximumRedirects {
            guard let components = URLComponents(string: current), let scheme = components.scheme?.lowercased(),
                scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
            else { throw RemoteFetchError.invalidURL(current) }
            try await settings.addressPolicy.check(host: host)
            let response: HTTPClientResponse
            var request = HTTPClientRequest(url: current)
            request.headers.add(name: "Accept", value: accept)
            request.headers.add(name: "User-Agent", value: "Palisade (+\(signer?.keyID ?? "unsigned"))")
            do {
                try sign(&request, components: components)
                response = try await client.execute(request, timeout: settings.timeout)
            } catch let error as RemoteFetchError {
                throw error
            } catch {
                throw RemoteFetchError.transport(url: current, detail: String(describing: error))
            }
            if [301, 302, 303, 307, 308].contains(Int(response.status.code)), let location = response.headers.first(name: "location") {
                current = URL(string: location, relativeTo: URL(string: current))?.absoluteString ?? location
                continue
            }
            guard response.status == .ok else { throw RemoteFetchError.status(Int(response.status.code), url: current) }
            do {
                let body = try await response.body.collect(upTo: settings.maximumBytes)
                return Data(body.readableBytesView)
            } catch {
                throw RemoteFetchError.tooLarge(url: current, limit: settings.maximumBytes)
            }
        }
        throw RemoteFetchError.tooManyRedirects(url: url)
    }

    /// Adds `Date` and a draft-cavage `Signature` over `(request-target) host date` from the service actor.
    private func sign(_ request: inout HTTPClientRequest, components: URLComponents) throws {
        guard let signer else { return }
        var authority = components.host ?? ""
        if let port = components.port { authority += ":\(port)" }
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        var message = HTTPMessage(method: "GET", target: target, scheme: components.scheme ?? "https", fields: [.init("Host", authority)])
        try signer.signCavage(&message, now: now())
        for name in ["Date", "Signature"] {
            if let value = message.combinedValue(of: name) { request.headers.replaceOrAdd(name: name, value: value) }
        }
    }
}
