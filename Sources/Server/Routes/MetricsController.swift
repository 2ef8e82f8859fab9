import Crypto
import Foundation
import Hummingbird
import Prometheus

/// `GET /metrics`: the Prometheus text exposition of every metric; behind a bearer token when `metrics.token` is set.
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    let token: String?

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, context: PalisadeRequestContext) async throws -> Response {
        if let token {
            guard let presented = request.headers[.authorization], Self.matches(presented, token: token) else {
                throw APIError(
                    .unauthorized, code: "unauthenticated", message: "metrics need 'Authorization: Bearer <metrics.token>'",
                    headers: [.wwwAuthenticate: "Bearer realm=\"metrics\""])
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }

    /// Compares the presented bearer token with the configured one in constant time (by comparing digests).
    static func matches(_ header: String, token: String) -> Bool {
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let presented = SHA256.hash(data: Data(header.dropFirst(7).utf8))
        let expected = SHA256.hash(data: Data(token.utf8))
        return presented == expected
    }
}
