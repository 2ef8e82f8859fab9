import CoreMetrics
import HTTPTypes
import Hummingbird

/// Counts requests by method, route and status and records their latency, into an injected metrics factory.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = PalisadeRequestContext

    let factory: any MetricsFactory

    /// Methods outside this set are counted as `other`, so a client cannot mint label values.
    static let knownMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let method = Self.knownMethods.contains(request.method) ? request.method.rawValue : "other"
        // Unmatched paths share one label value: the label set stays bounded whatever clients send.
        let route = context.endpointPath ?? "unmatched"
        Counter(
            label: "palisade_http_requests_total",
            dimensions: [("method", method), ("route", route), ("status", String(response.status.code))],
            factory: factory
        ).increment()
        Timer(
            label: "palisade_http_request_duration_seconds",
            dimensions: [("method", method), ("route", route)],
            factory: factory
        ).recordInterval(since: start)
        return response
    }
}

extension Timer {
    fileprivate func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
