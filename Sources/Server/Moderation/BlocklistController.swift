import Foundation
import HTTPSignatures
import Hummingbird
import Moderation

/// A tenant's decisions as subscription feeds, read by instances on a schedule:
/// `GET /blocklists/{tenant}.csv|.json|.txt` (defederated domains; `?severity=suspend|silence` narrows them) and
/// `GET /blocklists/{tenant}/accounts.csv|.json` (sanctioned accounts). `ETag` and `Last-Modified` with `304`; a
/// tenant with a feed token requires it as `?token=` (or a bearer token).
struct BlocklistController {
    let tenants: any TenantDirectory
    let cases: any CaseStore
    let now: @Sendable () -> Date

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.get("/blocklists/:file") { request, context in
            let file = context.parameters.get("file") ?? ""
            guard let dot = file.lastIndex(of: ".") else { throw APIError.notFound("no such blocklist: use SLUG.csv, SLUG.json or SLUG.txt") }
            let format = String(file[file.index(after: dot)...])
            guard ["csv", "json", "txt"].contains(format) else { throw APIError.notFound("no such format '\(format.prefix(20))': csv, json or txt") }
            let severity = request.uri.queryParameters.get("severity")
            if let severity, !["silence", "suspend"].contains(severity) {
                throw APIError(.badRequest, code: "malformed", message: "severity is silence or suspend")
            }
            return try await feed(request, slug: String(file[..<dot])) { list in
                switch format {
                case "csv": return (list.domainsCSV(severity: severity), "text/csv; charset=utf-8")
                case "json": return (list.domainsJSON(severity: severity), "application/json; charset=utf-8")
                default: return (list.domainsText(severity: severity), "text/plain; charset=utf-8")
                }
            }
        }
        // Hummingbird needs one parameter name per position: here `file` holds the tenant's slug.
        router.get("/blocklists/:file/:feed") { request, context in
            let file = context.parameters.get("feed") ?? ""
            guard file == "accounts.csv" || file == "accounts.json" else {
                throw APIError.notFound("no such blocklist: accounts.csv or accounts.json")
            }
            return try await feed(request, slug: context.parameters.get("file") ?? "") { list in
                file == "accounts.csv" ? (list.accountsCSV(), "text/csv; charset=utf-8") : (list.accountsJSON(), "application/json; charset=utf-8")
            }
        }
    }

    private func feed(_ request: Request, slug: String, render: (Blocklist) -> (String, String)) async throws -> Response {
        // An unknown tenant and a private feed without its token answer alike, so slugs cannot be enumerated.
        let hidden = APIError.notFound("no such blocklist, or it is private (a private feed needs ?token=…)")
        guard let tenant = try await tenants.tenant(slug: slug) else { throw hidden }
        if let expected = tenant.feedTokenHash {
            var presented: String? = request.uri.queryParameters.get("token").map { String($0) }
            if presented == nil, let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
                presented = String(header.dropFirst(7))
            }
            // Digests are compared, as BearerToken does: timing says nothing about the token itself.
            guard let presented, ModeratorToken.hash(presented) == expected else { throw hidden }
        }
        let date = now()
        let list = Blocklist(sanctions: try await cases.activeSanctions(tenant: tenant.id, target: nil, at: date))
        let (body, contentType) = render(list)
        let etag = Blocklist.etag(of: body)
        var headers: HTTPFields = [.contentType: contentType, .eTag: etag, .cacheControl: "no-cache"]
        let changed = try await cases.sanctionsChangedAt(tenant: tenant.id, at: date)
        if let changed { headers[.lastModified] = HTTPDate.format(changed) }
        // RFC 9110 §13.2.2: If-None-Match, when present, decides alone; otherwise If-Modified-Since (to the second).
        let notModified: Bool
        if let match = request.headers[.ifNoneMatch] {
            notModified = match.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains { $0 == etag || $0 == "*" }
        } else if let since = request.headers[.ifModifiedSince].flatMap(HTTPDate.parse), let changed {
            notModified = changed.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970
        } else {
            notModified = false
        }
        if notModified { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
