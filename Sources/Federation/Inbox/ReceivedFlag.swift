import Foundation

/// A report received as a `Flag`, recorded for moderation: who reported, what, and why.
public struct ReceivedFlag: Sendable, Equatable {
    /// The `Flag`'s activity id.
    public let activityID: String
    /// The reporting actor (usually an instance actor).
    public let reporterID: String
    /// The reported objects in order: the account first, then statuses (Mastodon's shape).
    public let objectIDs: [String]
    /// The comment.
    public let comment: String?
    /// When the Flag was accepted.
    public let receivedAt: Date

    /// Makes a received flag.
    public init(activityID: String, reporterID: String, objectIDs: [String], comment: String?, receivedAt: Date) {
        self.activityID = activityID
        self.reporterID = reporterID
        self.objectIDs = objectIDs
        self.comment = comment
        self.receivedAt = receivedAt
    }
}

/// Storage of received flags, consumed by moderation. `record` is idempotent per activity id.
public protocol ReceivedFlagStore: Sendable {
    /// Records the flag unless one with the same activity id is recorded.
    func record(_ flag: ReceivedFlag) async throws
    /// Every recorded flag, oldest first.
    func receivedFlags() async throws -> [ReceivedFlag]
}
