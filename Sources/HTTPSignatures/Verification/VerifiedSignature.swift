import Foundation

/// What an accepted signature proved.
public struct VerifiedSignature: Sendable, Equatable {
    /// Which standard the signature followed.
    public enum Dialect: Sendable, Equatable, CustomStringConvertible {
        /// draft-cavage-http-signatures-12 (`Signature` or `Authorization: Signature`).
        case cavage
        /// RFC 9421, with the label of the signature that verified.
        case rfc9421(label: String)

        /// `draft-cavage` or `RFC 9421 (sig1)`.
        public var description: String {
            switch self {
            case .cavage: return "draft-cavage"
            case .rfc9421(let label): return "RFC 9421 (\(label))"
            }
        }
    }

    /// The dialect.
    public let dialect: Dialect
    /// The key that verified it.
    public let keyID: String
    /// The algorithm used.
    public let algorithm: SignatureAlgorithm
    /// The covered headers and components, as named in the signature.
    public let covered: [String]
    /// When it was created (`created`, or the covered `Date`).
    public let created: Date?
    /// When it expires, if it says.
    public let expires: Date?
    /// True when a draft-cavage `(request-target)` verified only without the query (Mastodon's compatibility retry).
    public let matchedWithoutQuery: Bool
}
