import Foundation
import Hummingbird
import Prometheus

/// `GET /metrics`: the Prometheus text exposition of every metric; behind a bearer token when `metrics.token` is set.
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    let token: String?
    let gauges: MemoryGauges
    let moderation: ModerationGauges?

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, context: PalisadeRequestContext) async throws -> Response {
        // Metrics describe the service's traffic: on the public listener only with a token (issue 16); without one,
        // the operator reads them from `metrics.listen` on loopback.
        guard let token else {
            throw APIError.notFound("metrics are not served on this address: set metrics.token, or metrics.listen for a loopback listener")
        }
        guard BearerToken(value: token).isPresented(in: request.headers[.authorization]) else {
            throw APIError(
                .unauthorized, code: "unauthenticated", message: "metrics need 'Authorization: Bearer <metrics.token>'",
                headers: [.wwwAuthenticate: "Bearer realm=\"metrics\""])
        }
        return await Self.exposition(registry, gauges: gauges, moderation: moderation)
    }

    /// The Prometheus text of every metric, the memory and moderation gauges read first.
    static func exposition(_ registry: PrometheusCollectorRegistry, gauges: MemoryGauges, moderation: ModerationGauges?) async -> Response {
        await gauges.refresh()
        await moderation?.refresh()
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
}
