import ActivityStreams
import Foundation

/// Applies the effects of accepted activities, from the durable inbox, in arrival order. Restart-safe: an entry is
/// marked processed only after its effects are stored, and every effect is idempotent, so an entry processed twice
/// (after a crash between the two) has its effect once.
public struct InboxProcessor: Sendable {
    private let inbox: any InboxStore
    private let flags: any ReceivedFlagStore
    private let now: @Sendable () -> Date

    /// A processor reading `inbox` and recording flags in `flags`.
    public init(inbox: any InboxStore, flags: any ReceivedFlagStore, now: @escaping @Sendable () -> Date) {
        self.inbox = inbox
        self.flags = flags
        self.now = now
    }

    /// Processes up to `limit` entries; returns how many were processed.
    public func processBatch(limit: Int = 100) async throws -> Int {
        let entries = try await inbox.unprocessed(limit: limit)
        for entry in entries {
            try await apply(entry)
            try await inbox.markProcessed(activityID: entry.activityID, at: now())
        }
        return entries.count
    }

    /// The effect of one entry. `Flag`s are recorded for moderation; other types stay recorded in the inbox
    /// (their effects — follows, interactions, deletes — arrive with delivery and hosted-account posting).
    private func apply(_ entry: InboxEntry) async throws {
        guard entry.type == "Flag",
            let object = try? ActivityStreamsDocument.decode(entry.body),
            let activity = try? Activity(object)
        else { return }
        try await flags.record(ReceivedFlag(
            activityID: entry.activityID, reporterID: activity.actorID, objectIDs: activity.objects.compactMap(\.id),
            comment: activity.content ?? activity.object.text("summary"), receivedAt: entry.receivedAt))
    }
}
