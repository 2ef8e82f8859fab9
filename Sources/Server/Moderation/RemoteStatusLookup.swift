import ActivityStreams
import Federation
import Foundation
import Moderation

/// Reported statuses fetched from their server (signed, through the remote-actor directory's address policy and
/// limits) and read as evidence: text, content warning, media count, sensitivity, and the author. A fetch that fails
/// for a reason that may pass (timeout, refused connection, 429, 5xx) is tried again after each of `retryDelays`; the
/// inbox runs each sender's activities in a lane of its own, so the wait holds up only that sender.
struct RemoteStatusLookup: StatusLookup {
    let directory: RemoteKeyDirectory
    /// The pauses before the second and later attempts.
    var retryDelays: [Duration] = [.seconds(2), .seconds(10)]

    func status(_ uri: String) async -> (status: ReportedStatus, author: String?)? {
        var document: ASObject?
        for attempt in 0...retryDelays.count {
            do {
                document = try await directory.object(uri)
                break
            } catch {
                guard error.isTransient, attempt < retryDelays.count else { return nil }
                // Cancelled (the server stopping): no more attempts.
                guard (try? await Task.sleep(for: retryDelays[attempt])) != nil else { return nil }
            }
        }
        guard let document, let post = try? Post(document) else { return nil }
        return (
            ReportedStatus(
                id: uri, text: post.contentText, contentWarning: post.summary.flatMap { $0.isEmpty ? nil : $0 }, mediaCount: post.attachments.count,
                sensitive: post.sensitive),
            post.authorID
        )
    }
}
