import Foundation

/// A post (or other object) a remote actor created and addressed to hosted accounts.
public struct ReceivedObject: Sendable, Equatable {
    /// The object's id.
    public let id: String
    /// Its author (the activity's actor, checked to be of the object's origin).
    public let actorID: String
    /// `Note`, `Question`, …
    public let type: String
    /// The hosted accounts it is addressed to or mentions.
    public let addressedTo: [String]
    /// The object's JSON.
    public let body: Data
    /// When it was received (or last updated).
    public let receivedAt: Date

    /// Makes a received object value.
    public init(id: String, actorID: String, type: String, addressedTo: [String], body: Data, receivedAt: Date) {
        self.id = id
        self.actorID = actorID
        self.type = type
        self.addressedTo = addressedTo
        self.body = body
        self.receivedAt = receivedAt
    }
}

/// A remote actor's interaction with something local: a like, boost, emoji reaction, or block.
public struct Interaction: Sendable, Equatable {
    /// What kind.
    public enum Kind: String, Sendable, Equatable {
        /// `Like`.
        case like
        /// `Announce` (a boost).
        case announce
        /// `EmojiReact` (Misskey, Pleroma, Akkoma), or a `Like` with `content`.
        case emojiReact
        /// `Block` of a local actor.
        case block
    }

    /// The activity's id (the key `Undo` names).
    public let activityID: String
    /// What kind.
    public let kind: Kind
    /// Who.
    public let actorID: String
    /// The local object or actor it is about.
    public let objectID: String
    /// The emoji of a reaction.
    public let content: String?
    /// When it arrived.
    public let createdAt: Date
    /// When it was undone, if it was.
    public let undoneAt: Date?

    /// Makes an interaction value.
    public init(activityID: String, kind: Kind, actorID: String, objectID: String, content: String?, createdAt: Date, undoneAt: Date? = nil) {
        self.activityID = activityID
        self.kind = kind
        self.actorID = actorID
        self.objectID = objectID
        self.content = content
        self.createdAt = createdAt
        self.undoneAt = undoneAt
    }
}

/// A remote actor announcing it moved to another account (`Move`).
public struct ReceivedMove: Sendable, Equatable {
    /// The `Move`'s id.
    public let activityID: String
    /// The actor that moved.
    public let actorID: String
    /// The account it moved to.
    public let target: String
    /// When it arrived.
    public let createdAt: Date

    /// Makes a move value.
    public init(activityID: String, actorID: String, target: String, createdAt: Date) {
        self.activityID = activityID
        self.actorID = actorID
        self.target = target
        self.createdAt = createdAt
    }
}

/// What was purged when a remote actor was deleted.
public struct ActorPurge: Sendable, Equatable {
    /// Received objects removed.
    public let objects: Int
    /// Interactions removed.
    public let interactions: Int
    /// Follower rows removed.
    public let follows: Int

    /// Makes a purge summary.
    public init(objects: Int, interactions: Int, follows: Int) {
        self.objects = objects
        self.interactions = interactions
        self.follows = follows
    }
}

/// Storage of what the inbox worker records from received activities. Implemented by `Store`; every write is idempotent.
public protocol ReceivedActivityStore: Sendable {
    /// Stores a new object; an object already stored is replaced only when `actorID` matches (an `Update`).
    func saveObject(_ object: ReceivedObject) async throws
    /// The object (nil when unknown or deleted).
    func receivedObject(id: String) async throws -> ReceivedObject?
    /// Marks the object deleted when `actorID` is its author; false when there was nothing of that author to delete.
    @discardableResult
    func deleteObject(id: String, actorID: String, at date: Date) async throws -> Bool
    /// Records an interaction unless its activity id is known.
    func recordInteraction(_ interaction: Interaction) async throws
    /// Marks the interaction with that activity id undone when `actorID` made it; false when there was none.
    @discardableResult
    func undoInteraction(activityID: String, actorID: String, at date: Date) async throws -> Bool
    /// Interactions about a local object or actor, oldest first (undone ones included).
    func interactions(about objectID: String) async throws -> [Interaction]
    /// Records a move unless its activity id is known.
    func recordMove(_ move: ReceivedMove) async throws
    /// Moves recorded for an actor.
    func moves(of actorID: String) async throws -> [ReceivedMove]
    /// Removes everything received from an actor: objects, interactions and follows.
    func purgeActor(_ actorID: String) async throws -> ActorPurge
    /// Whether anything received from the actor is kept: an object, an interaction, a follow or a move.
    func holdsAnything(of actorID: String) async throws -> Bool
}
