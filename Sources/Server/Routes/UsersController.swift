import ActivityStreams
import Federation
import Foundation
import Hummingbird

/// Hosted accounts' actors and collections: `/users/{name}`, `/users/{name}/outbox|followers|following`.
struct UsersController {
    let accounts: HostedAccounts
    let baseURL: URL

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.get("/users/:name") { request, context in
            let actor = try await actor(context)
            return try JSONResponse.activity(actor.document, request: request, status: actor.account.deletedAt == nil ? .ok : .gone)
        }
        for collection in ["outbox", "followers", "following"] {
            router.get("/users/:name/\(collection)") { request, context in
                let actor = try await actor(context)
                guard actor.account.deletedAt == nil else { throw APIError(.gone, code: "gone", message: "the account was deleted") }
                return try JSONResponse.activity(actor.emptyCollection(collection), request: request)
            }
        }
    }

    private func actor(_ context: PalisadeRequestContext) async throws -> HostedActor {
        let name = context.parameters.get("name") ?? ""
        guard let actor = try await accounts.actor(named: name, baseURL: baseURL) else {
            throw APIError.notFound("no account named \(name.prefix(60))")
        }
        return actor
    }
}
