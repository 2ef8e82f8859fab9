import ActivityStreams
import Federation
import Foundation
import Moderation

/// Reported statuses fetched from their server (signed, through the remote-actor directory's address policy and
/// limits) and read as evidence: text, content warning, media count, sensitivity, and the author.
struct RemoteStatusLookup: StatusLookup {
    let directory: RemoteKeyDirectory

    func status(_ uri: String) async -> (status: ReportedStatus, author: String?)? {
        guard let document = try? await directory.object(uri), let post = try? Post(document) else { return nil }
        return (
            ReportedStatus(
                id: uri, text: post.contentText, contentWarning: post.summary.flatMap { $0.isEmpty ? nil : $0 }, mediaCount: post.attachments.count,
                sensitive: post.sensitive),
            post.authorID
        )
    }
}
