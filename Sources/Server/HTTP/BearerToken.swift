import Crypto
import Foundation

/// A configured bearer token (`metrics.token`, `admin.token`) and the check of an `Authorization` header against it.
struct BearerToken: Sendable {
    let value: String

    /// Whether `header` is `Bearer <the token>`; compared in constant time (by comparing digests).
    func isPresented(in header: String?) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        return SHA256.hash(data: Data(header.dropFirst(7).utf8)) == SHA256.hash(data: Data(value.utf8))
    }
}
