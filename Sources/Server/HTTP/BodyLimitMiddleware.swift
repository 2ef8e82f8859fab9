import Hummingbird

/// Refuses a request whose declared body exceeds `limits.body_bytes` before reading it, and caps what a route
/// may collect from a body without a length (chunked) at the same size.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = PalisadeRequestContext

    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0 else {
                throw APIError(.badRequest, code: "malformed", message: "Content-Length is not a number")
            }
            guard length <= maxBytes else {
                throw APIError(.contentTooLarge, code: "body_too_large", message: "the body is \(length) bytes; the limit is \(maxBytes)")
            }
        }
        var context = context
        context.maxUploadSize = maxBytes
        return try await next(request, context)
    }
}
