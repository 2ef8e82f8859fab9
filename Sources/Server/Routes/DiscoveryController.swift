import ActivityStreams
import Federation
import Foundation
import Hummingbird

/// The service actor and discovery documents: `/actor`, `/actor/outbox`, WebFinger, host-meta, NodeInfo.
struct DiscoveryController {
    let serviceActor: ServiceActor

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.get("/actor") { request, _ in try activityJSON(serviceActor.document, request: request) }
        router.get("/actor/outbox") { request, _ in try activityJSON(serviceActor.outboxDocument, request: request) }
        router.get("/.well-known/webfinger") { request, _ in
            let resource = request.uri.queryParameters["resource"].map(String.init)
            let answer: JSONValue
            do throws(WebFinger.Failure) {
                answer = try WebFinger.answer(resource: resource, serviceActor: serviceActor)
            } catch {
                switch error {
                case .malformedResource: throw APIError(.badRequest, code: "malformed", message: error.description)
                case .notFound: throw APIError.notFound(error.description)
                }
            }
            return try json(answer, contentType: "application/jrd+json; charset=utf-8")
        }
        router.get("/.well-known/host-meta") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/xrd+xml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: WebFinger.hostMeta(baseURL: serviceActor.baseURL))))
        }
        router.get("/.well-known/nodeinfo") { _, _ in
            try json(NodeInfo.wellKnown(baseURL: serviceActor.baseURL), contentType: "application/json; charset=utf-8")
        }
        router.get("/nodeinfo/2.1") { _, _ in
            try json(
                NodeInfo.document(version: PalisadeVersion.current, usage: NodeInfo.Usage()),
                contentType: "application/json; profile=\"\(NodeInfo.schema21)#\"; charset=utf-8")
        }
    }

    /// ActivityStreams JSON, as `application/ld+json; profile=…` when the client asked for that, else `application/activity+json`.
    private func activityJSON(_ document: JSONValue, request: Request) throws -> Response {
        let accept = request.headers[.accept] ?? ""
        let contentType = accept.contains("application/ld+json") && !accept.contains("application/activity+json")
            ? "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"; charset=utf-8"
            : "application/activity+json; charset=utf-8"
        var response = try json(document, contentType: contentType)
        response.headers[.vary] = "Accept"
        return response
    }

    private func json(_ document: JSONValue, contentType: String) throws -> Response {
        let data = try JSONEncoder.sortedKeys.encode(document)
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
