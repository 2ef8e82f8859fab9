import Hummingbird
import Logging

/// Turns every error a route throws into the JSON error shape; unexpected errors are logged with their detail
/// and answered as a bare 500.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = PalisadeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": .string(String(describing: error))])
            }
            return try apiError.response(from: request, context: context)
        }
    }
}
