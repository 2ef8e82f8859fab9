import ActivityStreams
import Federation
import Foundation
import Hummingbird

/// The service actor and discovery documents: `/actor`, `/actor/outbox`, WebFinger, host-meta, NodeInfo.
struct DiscoveryController {
    let serviceActor: ServiceActor
    let accounts: HostedAccounts
    let posts: any LocalPostStore

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.get("/actor") { request, _ in try JSONResponse.activity(serviceActor.document, request: request) }
        router.get("/actor/outbox") { request, _ in try JSONResponse.activity(serviceActor.outboxDocument, request: request) }
        router.get("/.well-known/webfinger") { request, _ in
            let resource = request.uri.queryParameters["resource"].map(String.init)
            let answer: JSONValue
            do throws(WebFinger.Failure) {
                answer = try WebFinger.answer(resource: resource, serviceActor: serviceActor)
            } catch {
                switch error {
                case .malformedResource: throw APIError(.badRequest, code: "malformed", message: error.description)
                case .notFound:
                    guard let name = WebFinger.accountName(resource: resource ?? "", serviceActor: serviceActor),
                        let actor = try await accounts.actor(named: name, baseURL: serviceActor.baseURL), actor.account.deletedAt == nil
                    else { throw APIError.notFound(error.description) }
                    return try JSONResponse.json(actor.webFinger(host: serviceActor.host), contentType: "application/jrd+json; charset=utf-8")
                }
            }
            return try JSONResponse.json(answer, contentType: "application/jrd+json; charset=utf-8")
        }
        router.get("/.well-known/host-meta") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/xrd+xml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: WebFinger.hostMeta(baseURL: serviceActor.baseURL))))
        }
        router.get("/.well-known/nodeinfo") { _, _ in
            try JSONResponse.json(NodeInfo.wellKnown(baseURL: serviceActor.baseURL), contentType: "application/json; charset=utf-8")
        }
        router.get("/nodeinfo/2.1") { _, _ in
            let users = try await accounts.list().filter { $0.deletedAt == nil }.count
            let localPosts = try await posts.totalPostCount()
            return try JSONResponse.json(
                NodeInfo.document(version: PalisadeVersion.current, usage: NodeInfo.Usage(users: users, localPosts: localPosts)),
                contentType: "application/json; profile=\"\(NodeInfo.schema21)#\"; charset=utf-8")
        }
    }
}
