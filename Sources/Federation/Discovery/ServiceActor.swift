import ActivityStreams
import Foundation

/// Palisade's own actor: an `Application` at `/actor` that signs everything the service sends.
public struct ServiceActor: Sendable, Equatable {
    /// The public base URL (`base_url`), without a trailing slash.
    public let baseURL: URL
    /// The actor's RSA public key, SPKI PEM.
    public let publicKeyPEM: String

    /// The service actor of the instance at `baseURL`.
    public init(baseURL: URL, publicKeyPEM: String) {
        self.baseURL = baseURL
        self.publicKeyPEM = publicKeyPEM
    }

    /// `https://mod.example.org/actor`
    public var id: String { baseURL.absoluteString + "/actor" }
    /// `https://mod.example.org/actor#main-key`
    public var keyID: String { id + "#main-key" }
    /// The shared inbox, `https://mod.example.org/inbox`.
    public var inbox: String { baseURL.absoluteString + "/inbox" }
    /// `https://mod.example.org/actor/outbox`
    public var outbox: String { id + "/outbox" }
    /// The host (with a port when not the scheme's default), as WebFinger and `preferredUsername` use it.
    public var host: String {
        let components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
        let host = components?.host ?? ""
        return components?.port.map { "\(host):\($0)" } ?? host
    }
    /// `acct:host@host`, the instance-actor form Mastodon uses.
    public var account: String { "acct:\(host)@\(host)" }

    /// The actor document.
    public var document: JSONValue {
        .object([
            "@context": .array([.string("https://www.w3.org/ns/activitystreams"), .string("https://w3id.org/security/v1")]),
            "id": .string(id),
            "type": .string("Application"),
            "preferredUsername": .string(host),
            "name": .string("Palisade moderation service"),
            "summary": .string("The moderation service of \(host). It sends reports and moderation decisions; it does not post."),
            "inbox": .string(inbox),
            "outbox": .string(outbox),
            "endpoints": .object(["sharedInbox": .string(inbox)]),
            "manuallyApprovesFollowers": .bool(true),
            "discoverable": .bool(false),
            "publicKey": .object([
                "id": .string(keyID),
                "owner": .string(id),
                "publicKeyPem": .string(publicKeyPEM),
            ]),
        ])
    }

    /// The actor's outbox: it posts nothing, so an empty ordered collection.
    public var outboxDocument: JSONValue {
        .object([
            "@context": .string("https://www.w3.org/ns/activitystreams"),
            "id": .string(outbox),
            "type": .string("OrderedCollection"),
            "totalItems": .number(0),
            "orderedItems": .array([]),
        ])
    }
}
