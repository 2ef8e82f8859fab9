import ActivityStreams
import Crypto
import Foundation
import Hummingbird
import Moderation
import ModerationAPI

/// Who a moderation or admin API request acts as: the holder of a moderator token, or (with `admin.token`) the
/// service operator; and the tenant it works in: the moderator's own, or for operators the one named by `?tenant=`.
struct ModerationAccess: Sendable {
    let tenants: any TenantDirectory
    let adminToken: String?

    /// The operator that `admin.token` stands for.
    static let configuredOperator = Moderator(id: 0, tenantID: nil, name: "operator", role: .operator)

    /// The principal of the request's bearer token; 401 without a valid one.
    func principal(_ request: Request) async throws -> Principal {
        let header = request.headers[.authorization] ?? ""
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw Self.unauthenticated("send 'Authorization: Bearer <token>' (palisade admin moderators add prints one)")
        }
        let presented = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        if let adminToken, BearerToken(value: adminToken).isPresented(in: header) {
            return Principal(moderator: Self.configuredOperator, tenantID: nil)
        }
        guard presented.count <= 200, let moderator = try await tenants.moderator(tokenHash: ModeratorToken.hash(presented)) else {
            throw Self.unauthenticated("the token is unknown or revoked")
        }
        return Principal(moderator: moderator, tenantID: moderator.tenantID)
    }

    /// The tenant the request works in; operators name it with `?tenant=SLUG`.
    func tenant(of principal: Principal, request: Request) async throws -> Tenant {
        if let id = principal.tenantID {
            guard let tenant = try await tenants.tenant(id: id) else { throw ModerationError.noSuchTenant(String(id)) }
            return tenant
        }
        guard let slug = request.uri.queryParameters.get("tenant") else {
            throw APIError(.badRequest, code: "tenant_required", message: "an operator names the tenant: add ?tenant=SLUG")
        }
        guard let tenant = try await tenants.tenant(slug: slug) else { throw ModerationError.noSuchTenant(slug) }
        return tenant
    }

    /// The principal and tenant together.
    func resolve(_ request: Request) async throws -> (Principal, Tenant) {
        let principal = try await principal(request)
        return (principal, try await tenant(of: principal, request: request))
    }

    static func unauthenticated(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthenticated", message: message, headers: [.wwwAuthenticate: "Bearer realm=\"palisade\""])
    }
}

/// Reading JSON request bodies of the moderation and admin APIs: 400 with what is wrong.
enum APIBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: PalisadeRequestContext, limit: Int = 65_536) async throws -> T {
        let buffer = try await request.body.collect(upTo: min(limit, context.maxUploadSize))
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONDecoder.moderationAPI.decode(type, from: data)
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: "malformed", message: "malformed JSON body: \(error.readableDescription)")
        }
    }
}
