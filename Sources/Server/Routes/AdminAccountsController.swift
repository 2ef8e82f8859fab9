import ActivityStreams
import Federation
import Foundation
import Hummingbird

/// The admin API for hosted accounts, behind `admin.token`: `POST /api/v1/admin/accounts/{name}/statuses` publishes a
/// post (as `palisade accounts post` does) and answers `201` with its ids and how many deliveries were queued.
struct AdminAccountsController {
    let outbox: Outbox
    let deliveries: any DeliveryQueue
    let token: String?

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.post("/api/v1/admin/accounts/:name/statuses") { request, context in
            try BearerToken.requireAdmin(request, token: token)
            let body = try await request.body.collect(upTo: 65_536)
            guard let document = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView)),
                let text = document.objectValue?["text"]?.stringValue
            else {
                throw APIError(.badRequest, code: "malformed", message: #"send a JSON object {"text": "…"}"#)
            }
            let post: LocalPost
            do {
                post = try await outbox.post(account: context.parameters.get("name") ?? "", text: text)
            } catch let error as HostedAccountError {
                switch error {
                case .notFound, .invalidName: throw APIError.notFound(error.description)
                case .alreadyDeleted: throw APIError(.gone, code: "gone", message: error.description)
                case .nameTaken: throw APIError(.conflict, code: "conflict", message: error.description)
                }
            } catch let error as OutboxError {
                throw APIError(.unprocessableContent, code: "invalid_post", message: error.description)
            }
            let queued = try await deliveries.deliveries(of: post.activityID).count
            return try JSONResponse.json(
                .object(["id": .string(post.id), "activity_id": .string(post.activityID), "deliveries": .number(Double(queued))]),
                contentType: "application/json; charset=utf-8", status: .created)
        }
    }
}
