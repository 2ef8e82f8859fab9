import ActivityStreams
import Foundation
import Hummingbird

/// JSON responses for ActivityPub and discovery documents.
enum JSONResponse {
    /// ActivityStreams JSON, as `application/ld+json; profile=…` when the client asked for that, else `application/activity+json`.
    static func activity(_ document: JSONValue, request: Request, status: HTTPResponse.Status = .ok) throws -> Response {
        let accept = request.headers[.accept] ?? ""
        let contentType = accept.contains("application/ld+json") && !accept.contains("application/activity+json")
            ? "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"; charset=utf-8"
            : "application/activity+json; charset=utf-8"
        var response = try json(document, contentType: contentType, status: status)
        response.headers[.vary] = "Accept"
        return response
    }

    /// A JSON document with sorted keys.
    static func json(_ document: JSONValue, contentType: String, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder.sortedKeys.encode(document)
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
