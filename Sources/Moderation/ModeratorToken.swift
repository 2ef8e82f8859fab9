import Crypto
import Foundation

/// A moderator's bearer token: `pal_<id>_<secret>`. Only its SHA-256 is stored; the whole token is shown once.
public struct ModeratorToken: Sendable, Equatable {
    /// The public part (`tok-` and 8 hex digits), shown in listings and used to revoke it.
    public let id: String
    /// The whole token, as the moderator presents it.
    public let secret: String

    /// A new token from `generator` (the system's CSPRNG in production).
    public static func generate(using generator: inout some RandomNumberGenerator) -> ModeratorToken {
        let idBytes = (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secretBytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let id = "tok-" + idBytes.map { String(format: "%02x", $0) }.joined()
        let secret = Data(secretBytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return ModeratorToken(id: id, secret: "pal_\(id.dropFirst(4))_\(secret)")
    }

    /// What is stored for `secret`: its SHA-256 in hex.
    public static func hash(_ secret: String) -> String {
        AuditChain.hex(SHA256.hash(data: Data(secret.utf8)))
    }

    /// The stored hash of this token.
    public var hash: String { Self.hash(secret) }
}

/// Who a request acts as, once its token is checked: a moderator of a tenant (or an operator, of any tenant).
public struct Principal: Sendable, Equatable {
    /// The moderator.
    public let moderator: Moderator
    /// The tenant the request works in (the moderator's own; an operator names one).
    public let tenantID: TenantID?

    /// Makes a principal.
    public init(moderator: Moderator, tenantID: TenantID?) {
        self.moderator = moderator
        self.tenantID = tenantID
    }

    /// Whether the principal's role is at least `role`.
    public func has(_ role: Role) -> Bool { moderator.role >= role }
}
