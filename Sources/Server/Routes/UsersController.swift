import ActivityStreams
import Federation
import Foundation
import Hummingbird

/// Hosted accounts' actors, posts and paginated collections: `/users/{name}`, `/users/{name}/statuses/{id}[/activity]`,
/// `/users/{name}/outbox|followers|following[?page=N]`.
struct UsersController {
    let accounts: HostedAccounts
    let posts: any LocalPostStore
    let followers: any FollowerStore
    let baseURL: URL

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.get("/users/:name") { request, context in
            let actor = try await actor(context)
            return try JSONResponse.activity(actor.document, request: request, status: actor.account.deletedAt == nil ? .ok : .gone)
        }
        router.get("/users/:name/outbox") { request, context in
            let actor = try await liveActor(context)
            let total = try await posts.postCount(of: actor.account.name)
            guard let page = try page(request, total: total) else {
                return try JSONResponse.activity(actor.collection("outbox", totalItems: total), request: request)
            }
            let items = try await posts.posts(of: actor.account.name, offset: (page - 1) * HostedActor.pageSize, limit: HostedActor.pageSize)
                .map { post in (try? JSONDecoder().decode(JSONValue.self, from: post.activity)) ?? .string(post.activityID) }
            return try JSONResponse.activity(actor.collectionPage("outbox", page: page, items: items, totalItems: total), request: request)
        }
        router.get("/users/:name/followers") { request, context in
            let actor = try await liveActor(context)
            let total = try await followers.followerCount(of: actor.account.name, state: .accepted)
            guard let page = try page(request, total: total) else {
                return try JSONResponse.activity(actor.collection("followers", totalItems: total), request: request)
            }
            let items = try await followers.followers(
                of: actor.account.name, state: .accepted, offset: (page - 1) * HostedActor.pageSize, limit: HostedActor.pageSize
            ).map { JSONValue.string($0.actorID) }
            return try JSONResponse.activity(actor.collectionPage("followers", page: page, items: items, totalItems: total), request: request)
        }
        router.get("/users/:name/following") { request, context in
            let actor = try await liveActor(context)
            guard let page = try page(request, total: 0) else {
                return try JSONResponse.activity(actor.collection("following", totalItems: 0), request: request)
            }
            return try JSONResponse.activity(actor.collectionPage("following", page: page, items: [], totalItems: 0), request: request)
        }
        router.get("/users/:name/statuses/:id") { request, context in
            let post = try await post(context)
            let create = try JSONDecoder().decode(JSONValue.self, from: post.activity)
            guard var note = create.objectValue?["object"]?.objectValue else { throw APIError.notFound("no such post") }
            note["@context"] = create.objectValue?["@context"]
            return try JSONResponse.activity(.object(note), request: request)
        }
        router.get("/users/:name/statuses/:id/activity") { request, context in
            let post = try await post(context)
            return try JSONResponse.activity(try JSONDecoder().decode(JSONValue.self, from: post.activity), request: request)
        }
    }

    /// The `page` query parameter: nil when absent; 1 up to the last page (page 1 of an empty collection exists).
    private func page(_ request: Request, total: Int) throws -> Int? {
        guard let text = request.uri.queryParameters.get("page") else { return nil }
        let last = max(1, (total + HostedActor.pageSize - 1) / HostedActor.pageSize)
        guard let page = Int(text), (1...last).contains(page) else {
            throw APIError(.badRequest, code: "invalid_page", message: "page must be a number from 1 to \(last)")
        }
        return page
    }

    private func post(_ context: PalisadeRequestContext) async throws -> LocalPost {
        let actor = try await liveActor(context)
        let id = context.parameters.get("id") ?? ""
        guard let post = try await posts.post(id: "\(actor.id)/statuses/\(id)"), post.account == actor.account.name else {
            throw APIError.notFound("no such post")
        }
        return post
    }

    private func liveActor(_ context: PalisadeRequestContext) async throws -> HostedActor {
        let actor = try await actor(context)
        guard actor.account.deletedAt == nil else { throw APIError(.gone, code: "gone", message: "the account was deleted") }
        return actor
    }

    private func actor(_ context: PalisadeRequestContext) async throws -> HostedActor {
        let name = context.parameters.get("name") ?? ""
        guard let actor = try await accounts.actor(named: name, baseURL: baseURL) else {
            throw APIError.notFound("no account named \(name.prefix(60))")
        }
        return actor
    }
}
