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
        /// Requests (redirects included) one lookup may make: a key document and its owner, with a redirect each.
        public var requestBudget = 4
        /// Fetches in flight at once, over all hosts.
        public var globalConcurrency = 16
        /// Fetches in flight at once to one host.
        public var perHostConcurrency = 2
        /// Fetches allowed to wait for a slot; more fail at once.
        public var maximumWaiting = 256
        /// Parsed keys kept (least recently used dropped first).
        public var keyCacheCapacity = 10_000
        /// Bytes of actor documents kept for later lookups (least recently used dropped first).
        public var actorCacheBytes = 16 * 1_048_576
        /// How long a key that failed to resolve is not fetched again.
        public var failureLifetime: TimeInterval = 300
        /// A key is fetched anew after a failed verification (rotation) at most this often.
        public var refetchInterval: TimeInterval = 60

        /// Settings with the given address policy and defaults otherwise.
        public init(addressPolicy: AddressPolicy) {
            self.addressPolicy = addressPolicy
        }
    }

    private let client: HTTPClient
    private let signer: MessageSigner?
    private let settings: Settings
    private let now: @Sendable () -> Date
    private let limiter: FetchLimiter
    /// Parsed keys only (never whole documents), least recently used dropped first.
    private var keys = RecencyCache<String, (key: ResolvedKey, until: Date, fetchedAt: Date)>()
    /// Actor documents, kept within `actorCacheBytes`.
    private var actors = RecencyCache<String, (actor: Actor, until: Date, bytes: Int)>()
    private var actorBytes = 0
    /// Keys that failed to resolve, and why, until when.
    private var failures = RecencyCache<String, (error: RemoteFetchError, until: Date)>()
    /// One lookup per key id in flight; others wait for its answer.
    private var inFlight: [String: Task<ResolvedKey, any Error>] = [:]

    /// A directory fetching through `client` (which must not follow redirects itself), signing GETs with `signer`.
    public init(client: HTTPClient, signer: MessageSigner?, settings: Settings, now: @escaping @Sendable () -> Date) {
        self.client = client
        self.signer = signer
        self.settings = settings
        self.now = now
        self.limiter = FetchLimiter(global: settings.globalConcurrency, perHost: settings.perHostConcurrency, maximumWaiting: settings.maximumWaiting)
    }

    /// The key and its owner, from the cache or fetched (one fetch per key id at a time; a recent failure is
    /// answered from memory).
    public func resolve(_ keyID: String) async throws(RemoteFetchError) -> ResolvedKey {
        let date = now()
        if let cached = keys[keyID], cached.until > date { return cached.key }
        if let failed = failures[keyID], failed.until > date {
            throw RemoteFetchError.recentlyFailed(keyID: keyID, detail: failed.error.description)
        }
        if let running = inFlight[keyID] { return try await Self.answer(of: running) }
        let task = Task { [self] in try await self.fetchKey(keyID) }
        inFlight[keyID] = task
        defer { inFlight[keyID] = nil }
        do {
            let resolved = try await Self.answer(of: task)
            let fetchedAt = now()
            keys[keyID] = (resolved, fetchedAt.addingTimeInterval(settings.cacheLifetime), fetchedAt)
            keys.trim(to: settings.keyCacheCapacity)
            failures[keyID] = nil
            return resolved
        } catch {
            if case .busy = error {} else {
                let failedAt = now()
                failures[keyID] = (error, failedAt.addingTimeInterval(settings.failureLifetime))
                // Expired failures go in batches (a stream of fresh junk key ids would otherwise keep the cache full).
                if failures.count % 256 == 0 { failures.removeAll { $0.until <= failedAt } }
                failures.trim(to: settings.keyCacheCapacity)
            }
            throw error
        }
    }

    private static func answer(of task: Task<ResolvedKey, any Error>) async throws(RemoteFetchError) -> ResolvedKey {
        do {
            return try await task.value
        } catch let error as RemoteFetchError {
            throw error
        } catch {
            throw RemoteFetchError.transport(url: "", detail: String(describing: error))
        }
    }

    /// Drops a cached key, so the next `resolve` fetches it again.
    public func forget(_ keyID: String) {
        keys[keyID] = nil
        failures[keyID] = nil
    }

    /// After a signature failed with the cached key: drops it so that it is fetched anew (the sender may have
    /// rotated its key), unless it was fetched less than `refetchInterval` ago. Whether a refetch is allowed.
    public func forgetForRefetch(_ keyID: String) -> Bool {
        guard let cached = keys[keyID] else { return false }
        guard now().timeIntervalSince(cached.fetchedAt) >= settings.refetchInterval else { return false }
        keys[keyID] = nil
        return true
    }

    /// The actor document at `id`, from the cache or fetched.
    public func actor(_ id: String) async throws(RemoteFetchError) -> Actor {
        if let cached = actors[id], cached.until > now() { return cached.actor }
        var budget = settings.requestBudget
        let (document, bytes) = try await fetchDocument(id, budget: &budget)
        let actor: Actor
        do {
            actor = try Actor(document)
        } catch {
            throw RemoteFetchError.unreadable(url: id, detail: error.description)
        }
        guard actor.id == id || InboxGate.sameOrigin(actor.id, id) else {
            throw RemoteFetchError.unreadable(url: id, detail: "the document's id \(actor.id) is on another server")
        }
        remember(actor, bytes: bytes)
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
        var budget = settings.requestBudget
        let data = try await fetch(url, accept: "application/jrd+json, application/json", budget: &budget)
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
        var budget = settings.requestBudget
        let (document, _) = try await fetchDocument(id, budget: &budget)
        guard document.id == id || document.id.map({ InboxGate.sameOrigin($0, id) }) == true else {
            throw RemoteFetchError.unreadable(url: id, detail: "the document's id \(document.id ?? "(none)") is on another server")
        }
        return document
    }

    /// Any small document at `url` (a domain's proof file): a signed GET under the same address policy, caps, budget
    /// and time limit as every fetch, reading at most `maximumBytes`.
    public func document(at url: String, accept: String, maximumBytes: Int) async throws(RemoteFetchError) -> Data {
        var budget = settings.requestBudget
        let data = try await fetch(url, accept: accept, budget: &budget)
        guard data.count <= maximumBytes else { throw RemoteFetchError.tooLarge(url: url, limit: maximumBytes) }
        return data
    }

    /// Whether the actor's document or one of its keys is cached (nothing is fetched).
    public func isCached(actor id: String) -> Bool {
        actors.peek(id) != nil || keys.contains { $0.key.ownerID == id }
    }

    /// Drops everything cached of an actor: its document and the keys it owns (after a `Delete` of the actor).
    public func forgetActor(_ id: String) {
        if let dropped = actors[id] { actorBytes -= dropped.bytes }
        actors[id] = nil
        keys.removeAll { $0.key.ownerID == id }
    }

    /// How many parsed keys and actor documents are held, and the documents' bytes (for tests and metrics).
    public var cacheSizes: (keys: Int, actors: Int, actorBytes: Int, failures: Int) {
        (keys.count, actors.count, actorBytes, failures.count)
    }

    private func remember(_ actor: Actor, bytes: Int) {
        guard bytes <= settings.actorCacheBytes / 8 else { return }  // one huge document never crowds out the rest
        if let old = actors[actor.id] { actorBytes -= old.bytes }
        actors[actor.id] = (actor, now().addingTimeInterval(settings.cacheLifetime), bytes)
        actorBytes += bytes
        while actorBytes > settings.actorCacheBytes, let evicted = actors.removeLeastRecent() {
            actorBytes -= evicted.bytes
        }
    }

    private nonisolated func fetchKey(_ keyID: String) async throws(RemoteFetchError) -> ResolvedKey {
        let documentURL = String(keyID.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        var budget = settings.requestBudget
        let (document, _) = try await fetchDocument(documentURL, budget: &budget)
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
        return try key(keyID, publishedBy: try await fetchDocument(owner, budget: &budget).document)
    }

    private nonisolated func key(_ keyID: String, publishedBy document: ASObject) throws(RemoteFetchError) -> ResolvedKey {
        let actor: Actor
        do {
            actor = try Actor(document)
        } catch {
            throw RemoteFetchError.keyNotPublished(keyID: keyID, detail: error.description)
        }
        guard InboxGate.sameOrigin(actor.id, keyID) else {
            throw RemoteFetchError.keyNotPublished(keyID: keyID, detail: "the actor \(actor.id) is on another server than the key")
        }
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

    /// GETs an ActivityStreams document, signed, following at most `maximumRedirects` checked redirects; with its size.
    nonisolated func fetchDocument(_ url: String, budget: inout Int) async throws(RemoteFetchError) -> (document: ASObject, bytes: Int) {
        let data = try await fetch(url, accept: #"application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams""#, budget: &budget)
        do {
            return (try ActivityStreamsDocument.decode(data, limits: .init(maximumBytes: settings.maximumBytes)), data.count)
        } catch {
            throw RemoteFetchError.unreadable(url: url, detail: error.description)
        }
    }

    /// GETs a body of at most `maximumBytes`, signed, following at most `maximumRedirects` checked redirects; every
    /// request (redirects too) spends one unit of `budget`. The host is resolved once, checked, and the connection made
    /// to the checked address (a second resolution could answer differently: DNS rebinding).
    private nonisolated func fetch(_ url: String, accept: String, budget: inout Int) async throws(RemoteFetchError) -> Data {
        var current = url
        for _ in 0...settings.maximumRedirects {
            guard let components = URLComponents(string: current), let scheme = components.scheme?.lowercased(),
                scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty,
                components.user == nil, components.password == nil
            else { throw RemoteFetchError.invalidURL(current) }
            guard budget > 0 else { throw RemoteFetchError.budgetExhausted(url: url) }
            budget -= 1
            let bareHost = AddressPolicy.bareHost(host)
            let addresses = try await settings.addressPolicy.checkedAddresses(host: bareHost)
            var request = HTTPClientRequest(url: current)
            request.headers.add(name: "Accept", value: accept)
            request.headers.add(name: "User-Agent", value: "Palisade (+\(signer?.keyID ?? "unsigned"))")
            try await limiter.acquire(host: bareHost.lowercased())
            let outcome: Result<(status: Int, location: String?, body: Data?), RemoteFetchError>
            do {
                try sign(&request, components: components)
                outcome = .success(try await execute(request, host: bareHost, pinnedTo: addresses.first))
            } catch let error as RemoteFetchError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(.transport(url: current, detail: String(describing: error)))
            }
            await limiter.release(host: bareHost.lowercased())
            let answer = try outcome.get()
            if [301, 302, 303, 307, 308].contains(answer.status), let location = answer.location {
                current = URL(string: location, relativeTo: URL(string: current))?.absoluteString ?? location
                continue
            }
            guard answer.status == 200 else { throw RemoteFetchError.status(answer.status, url: current) }
            guard let body = answer.body else { throw RemoteFetchError.tooLarge(url: current, limit: settings.maximumBytes) }
            return body
        }
        throw RemoteFetchError.tooManyRedirects(url: url)
    }

    /// Sends one request: by name through the shared client when no address was checked (private addresses allowed),
    /// else through a client that connects to `address` for `host` (TLS still checks the certificate for `host`).
    private nonisolated func execute(_ request: HTTPClientRequest, host: String, pinnedTo address: String?) async throws -> (status: Int, location: String?, body: Data?) {
        if address == nil || AddressPolicy.isAddressLiteral(host) {
            return try await Self.read(try await client.execute(request, timeout: settings.timeout), limit: settings.maximumBytes)
        }
        let pinned = PinnedClients.makeClient(host: host, address: address!, eventLoopGroup: client.eventLoopGroup, timeout: settings.timeout)
        do {
            let answer = try await Self.read(try await pinned.execute(request, timeout: settings.timeout), limit: settings.maximumBytes)
            try? await pinned.shutdown()
            return answer
        } catch {
            try? await pinned.shutdown()
            throw error
        }
    }

    /// The status, the redirect target, and the body (nil when larger than `limit`; not read for redirects).
    private static func read(_ response: HTTPClientResponse, limit: Int) async throws -> (status: Int, location: String?, body: Data?) {
        let status = Int(response.status.code)
        guard status == 200 else { return (status, response.headers.first(name: "location"), nil) }
        do {
            let body = try await response.body.collect(upTo: limit)
            return (status, nil, Data(body.readableBytesView))
        } catch is NIOTooManyBytesError {
            return (status, nil, nil)
        }
    }

    /// Adds `Date` and a draft-cavage `Signature` over `(request-target) host date` from the service actor.
    private nonisolated func sign(_ request: inout HTTPClientRequest, components: URLComponents) throws {
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
