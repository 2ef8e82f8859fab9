import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import Moderation

/// An error answered as `{ "error": "…", "code": "…" }` with its status; the message is safe to show a client.
public struct APIError: Error, HTTPResponseError, Equatable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// A stable machine-readable code (`not_found`, `body_too_large`, …).
    public let code: String
    /// A sentence for the client.
    public let message: String
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields = [:]

    /// Makes an error response.
    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// The JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder.sortedKeys.encode(Body(error: message, code: code))
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private struct Body: Encodable {
        let error: String
        let code: String
    }

    /// A route or resource that does not exist.
    public static func notFound(_ what: String = "no such resource") -> APIError {
        APIError(.notFound, code: "not_found", message: what)
    }
}

extension APIError {
    /// Maps any error a handler threw to the JSON shape; unknown errors become a 500 without detail.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ModerationError:
            return error.apiError
        case let error as HTTPError:
            return APIError(error.status, code: code(for: error.status), message: error.body ?? error.status.reasonPhrase, headers: error.headers)
        case let error as any HTTPResponseError:
            return APIError(error.status, code: code(for: error.status), message: error.status.reasonPhrase)
        case is HTTPParserError:
            // A body that breaks HTTP's framing (a bad chunk size) is the client's error, not the server's.
            return APIError(.badRequest, code: "malformed", message: "the request body is not well-formed HTTP (framing or chunk encoding)")
        default:
            return APIError(.internalServerError, code: "internal", message: "internal error; the server log has the detail")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: return "malformed"
        case 401: return "unauthenticated"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 409: return "conflict"
        case 413: return "body_too_large"
        case 422: return "invalid"
        case 429: return "rate_limited"
        case 503: return "unavailable"
        default: return status.code >= 500 ? "internal" : "error"
        }
    }
}
