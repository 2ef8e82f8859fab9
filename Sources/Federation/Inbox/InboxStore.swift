import Foundation

/// An activity accepted by the inbox: verified, stored durably, then processed by a worker.
public struct InboxEntry: Sendable, Equatable {
    /// The activity's `id` (the dedupe key); transient activities without one get a digest-based id.
    public let activityID: String
    /// The activity's type.
    public let type: String
    /// The verified actor.
    public let actorID: String
    /// The key that verified the request.
    public let keyID: String
    /// The raw JSON body, exactly as received.
    public let body: Data
    /// When it was accepted.
    public let receivedAt: Date

    /// Makes an entry.
    public init(activityID: String, type: String, actorID: String, keyID: String, body: Data, receivedAt: Date) {
        self.activityID = activityID
        self.type = type
        self.actorID = actorID
        self.keyID = keyID
        self.body = body
        self.receivedAt = receivedAt
    }
}

/// What storing an inbox entry did.
public enum InboxStoreOutcome: Sendable, Equatable {
    /// The entry is now durably stored.
    case stored
    /// An entry with the same activity id was stored before: nothing changed (a replay is a no-op).
    case duplicate
}

/// Durable storage of accepted inbox activities. Implemented by `Store`; `stored` means committed to disk.
public protocol InboxStore: Sendable {
    /// Stores the entry unless its activity id is already stored.
    func store(_ entry: InboxEntry) async throws -> InboxStoreOutcome
    /// Up to `limit` entries not yet processed, oldest first.
    func unprocessed(limit: Int) async throws -> [InboxEntry]
    /// Unprocessed entries in arrival order, leaving out those of `actors` (whose earlier entries are still being
    /// processed: an actor's activities are applied in order, one at a time).
    func unprocessed(limit: Int, excludingActors actors: Set<String>) async throws -> [InboxEntry]
    /// Marks an entry processed (by activity id), with what processing did in words.
    func markProcessed(activityID: String, at date: Date, outcome: String) async throws
    /// What processing the entry did, once processed.
    func processingOutcome(activityID: String) async throws -> String?
}
