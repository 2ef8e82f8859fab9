import Foundation

/// An actor document: a person, a service, an instance actor.
public struct Actor: Sendable, Equatable {
    /// A published public key (`publicKey`, Mastodon's RSA key).
    public struct PublicKey: Sendable, Equatable {
        /// The key id (`…#main-key`).
        public let id: String
        /// The claimed owner.
        public let owner: String?
        /// SPKI PEM.
        public let pem: String

        /// Makes a key value.
        public init(id: String, owner: String?, pem: String) {
            self.id = id
            self.owner = owner
            self.pem = pem
        }
    }

    /// A FEP-521a `Multikey` in `assertionMethod`.
    public struct Multikey: Sendable, Equatable {
        /// The key id.
        public let id: String
        /// The controller.
        public let controller: String?
        /// `publicKeyMultibase`.
        public let multibase: String

        /// Makes a key value.
        public init(id: String, controller: String?, multibase: String) {
            self.id = id
            self.controller = controller
            self.multibase = multibase
        }
    }

    /// The document as received.
    public let object: ASObject
    /// `id`.
    public let id: String
    /// The type (`Person`, `Service`, …).
    public let type: String
    /// `preferredUsername`.
    public let username: String?
    /// `name` (the display name).
    public let displayName: String?
    /// `summary` (the bio, HTML).
    public let summary: String?
    /// `inbox` (some published key documents omit it; such an actor can sign but not be delivered to).
    public let inbox: String?
    /// `endpoints.sharedInbox`.
    public let sharedInbox: String?
    /// `outbox`, `followers`, `following`.
    public let outbox: String?, followers: String?, following: String?
    /// Keys under `publicKey` (an object or a list).
    public let publicKeys: [PublicKey]
    /// Keys under `assertionMethod`.
    public let multikeys: [Multikey]
    /// `manuallyApprovesFollowers`.
    public let manuallyApprovesFollowers: Bool
    /// Whether the actor is automated (`Service`/`Application`).
    public let isBot: Bool
    /// `published`.
    public let published: Date?
    /// Profile fields (`attachment` of type `PropertyValue`): name and HTML value.
    public let fields: [(name: String, value: String)]
    /// `alsoKnownAs`.
    public let alsoKnownAs: [String]
    /// `movedTo`.
    public let movedTo: String?

    /// Reads an actor; fails for other types and for actors without an id.
    public init(_ object: ASObject) throws(ActivityStreamsError) {
        guard object.isA(Vocabulary.actorTypes) else {
            throw ActivityStreamsError.unexpectedType(object.type, expected: "an actor")
        }
        guard let id = object.id else { throw ActivityStreamsError.missingProperty("id", type: object.type) }
        self.object = object
        self.id = id
        self.type = object.types.first { Vocabulary.actorTypes.contains($0) } ?? object.type
        self.username = object.string("preferredUsername")
        self.displayName = object.text("name")
        self.summary = object.text("summary")
        self.inbox = object.string("inbox")
        self.sharedInbox = object.object("endpoints")?.string("sharedInbox")
        self.outbox = object.string("outbox")
        self.followers = object.string("followers")
        self.following = object.string("following")
        self.publicKeys = object.references("publicKey").compactMap { reference in
            guard let key = reference.embedded, let id = key.id, let pem = key.string("publicKeyPem") else { return nil }
            return PublicKey(id: id, owner: key.string("owner"), pem: pem)
        }
        self.multikeys = object.references("assertionMethod").compactMap { reference in
            guard let key = reference.embedded, key.type == "Multikey", let id = key.id, let multibase = key.string("publicKeyMultibase") else { return nil }
            return Multikey(id: id, controller: key.string("controller"), multibase: multibase)
        }
        self.manuallyApprovesFollowers = object.bool("manuallyApprovesFollowers") ?? false
        self.isBot = object.isA(["Service", "Application"])
        self.published = object.date("published")
        self.fields = object.references("attachment").compactMap { reference in
            guard let field = reference.embedded, field.type == "PropertyValue", let name = field.string("name") else { return nil }
            return (name, field.string("value") ?? "")
        }
        self.alsoKnownAs = object.references("alsoKnownAs").compactMap(\.id)
        self.movedTo = object.string("movedTo")
    }

    /// Compares actors by their documents.
    public static func == (lhs: Actor, rhs: Actor) -> Bool { lhs.object == rhs.object }
}
