import Foundation
import Hummingbird
import Logging
import Store

/// `GET /healthz`: 200 when the database answers, 503 otherwise (the detail goes to the log, not the client).
struct HealthController {
    let store: SQLiteStore

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.get("/healthz", use: health)
    }

    @Sendable func health(_ request: Request, context: PalisadeRequestContext) async throws -> Response {
        do {
            try await store.checkHealth()
            return try json(.ok, HealthReport(status: "ok", checks: ["database": "ok"]))
        } catch {
            context.logger.error("health check failed", metadata: ["error": .string(String(describing: error))])
            return try json(.serviceUnavailable, HealthReport(status: "unavailable", checks: ["database": "failing"]))
        }
    }

    private func json(_ status: HTTPResponse.Status, _ report: HealthReport) throws -> Response {
        let data = try JSONEncoder.sortedKeys.encode(report)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The body of `/healthz`.
struct HealthReport: Codable, Equatable {
    let status: String
    let checks: [String: String]
}

extension JSONEncoder {
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
