import Crypto
import Foundation
import Hummingbird

/// A configured bearer token (`metrics.token`, `admin.token`) and the check of an `Authorization` header against it.
struct BearerToken: Sendable {
    let value: String

    /// Whether `header` is `Bearer <the token>`; compared in constant time (by comparing digests).
    func isPresented(in header: String?) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        return SHA256.hash(data: Data(header.dropFirst(7).utf8)) == SHA256.hash(data: Data(value.utf8))
    }
}

extension BearerToken {
    /// The admin API's gate: 404 while `admin.token` is unset (the API is off), 401 without the token.
    static func requireAdmin(_ request: Request, token: String?) throws {
        guard let token else { throw APIError.notFound("the admin API is off: set admin.token to enable it") }
        guard BearerToken(value: token).isPresented(in: request.headers[.authorization]) else {
            throw APIError(
                .unauthorized, code: "unauthenticated", message: "the admin API needs 'Authorization: Bearer <admin.token>'",
                headers: [.wwwAuthenticate: "Bearer realm=\"admin\""])
        }
    }
}
