import Foundation

/// An activity: who did what to which objects, addressed to whom.
public struct Activity: Sendable, Equatable {
    /// The activity as received.
    public let object: ASObject
    /// `id` (transient activities may have none).
    public let id: String?
    /// The type (`Create`, `Flag`, …).
    public let type: String
    /// The actor's id.
    public let actorID: String
    /// The objects acted on, in order (a `Flag` lists the account first, then statuses).
    public let objects: [ObjectReference]
    /// `target`, when present.
    public let target: ObjectReference?
    /// `to`, `cc`, `bto`, `bcc` and `audience` together.
    public let recipients: [String]
    /// `published`.
    public let published: Date?
    /// `content` (a `Flag`'s comment).
    public let content: String?

    /// Reads an activity; fails when the type is not an activity or there is no actor.
    public init(_ object: ASObject) throws(ActivityStreamsError) {
        guard object.isA(Vocabulary.activityTypes) else {
            throw ActivityStreamsError.unexpectedType(object.type, expected: "an activity")
        }
        guard let actor = object.reference("actor")?.id else {
            throw ActivityStreamsError.missingProperty("actor", type: object.type)
        }
        self.object = object
        self.id = object.id
        self.type = object.types.first { Vocabulary.activityTypes.contains($0) } ?? object.type
        self.actorID = actor
        self.objects = object.references("object")
        self.target = object.reference("target")
        self.recipients = ["to", "cc", "bto", "bcc", "audience"].flatMap { object.ids($0) }
        self.published = object.date("published")
        self.content = object.text("content")
    }

    /// Whether the activity is addressed to the public.
    public var isPublic: Bool {
        recipients.contains { Vocabulary.publicAudience.contains($0) }
    }
}
