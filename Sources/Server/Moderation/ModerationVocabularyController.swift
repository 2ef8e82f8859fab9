import ActivityStreams
import Foundation
import Hummingbird
import Moderation

/// Serves the JSON-LD context of the extension decision activities carry (`decision`, `severity`, `category`,
/// `ruleIds`, `expires`, `case`), at `ModerationVocabulary.contextPath`.
struct ModerationVocabularyController {
    let baseURL: URL

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        let document = ModerationVocabulary.document(baseURL: baseURL).serialized()
        router.get(RouterPath(stringLiteral: ModerationVocabulary.contextPath)) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/ld+json"
            headers[.cacheControl] = "public, max-age=86400"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }
}
