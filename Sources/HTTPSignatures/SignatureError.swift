import Foundation

/// Why a message could not be signed or its signature was not accepted. Each case names what to fix.
public enum SignatureError: Error, Equatable, CustomStringConvertible {
    /// Neither `Signature` (draft-cavage), `Authorization: Signature`, nor `Signature-Input`/`Signature` (RFC 9421) is present.
    case missingSignature
    /// A signature header could not be parsed at all.
    case malformedHeader(field: String, detail: String)
    /// A parameter is present but its value is unusable.
    case malformedParameter(name: String, detail: String)
    /// A parameter that must be present is absent.
    case missingParameter(String)
    /// A parameter appears twice.
    case duplicateParameter(String)
    /// The algorithm is not one Palisade implements, or is not allowed for what it was used with.
    case unsupportedAlgorithm(String)
    /// The key cannot be used with the algorithm the signature names.
    case keyAlgorithmMismatch(key: String, algorithm: String)
    /// A covered header field or component is missing from the message.
    case missingCoveredComponent(String)
    /// A component the policy requires is not covered by the signature.
    case requiredComponentNotCovered(String)
    /// The message has a body but no digest header to bind it.
    case missingDigest
    /// The digest header names no algorithm Palisade checks (SHA-256 / SHA-512).
    case unsupportedDigest(String)
    /// The body does not match its digest.
    case digestMismatch(algorithm: String, expected: String, computed: String)
    /// The signature's validity ended before now (beyond the allowed clock skew).
    case expired(expiredAt: Date, now: Date)
    /// The signature was created in the future (beyond the allowed clock skew).
    case notYetValid(createdAt: Date, now: Date)
    /// A date could not be read.
    case invalidDate(String)
    /// The cryptographic check failed: the message was altered, or signed with another key.
    case signatureDoesNotVerify(keyID: String)
    /// The message itself (e.g. a request file) could not be read.
    case malformedMessage(String)
    /// Key material could not be read.
    case invalidKey(String)
    /// The key resolver could not produce a key for the id.
    case unknownKey(keyID: String, detail: String)

    /// A sentence an operator can act on.
    public var description: String {
        switch self {
        case .missingSignature:
            return "the request carries no HTTP signature (no Signature, Authorization: Signature, or Signature-Input header)"
        case .malformedHeader(let field, let detail):
            return "the \(field) header cannot be parsed: \(detail)"
        case .malformedParameter(let name, let detail):
            return "the signature parameter '\(name)' is malformed: \(detail)"
        case .missingParameter(let name):
            return "the signature lacks its required '\(name)' parameter"
        case .duplicateParameter(let name):
            return "the signature parameter '\(name)' appears more than once"
        case .unsupportedAlgorithm(let name):
            return "the signature algorithm '\(name)' is not supported"
        case .keyAlgorithmMismatch(let key, let algorithm):
            return "a \(key) key cannot verify or make a '\(algorithm)' signature"
        case .missingCoveredComponent(let name):
            return "the signature covers '\(name)' but the message has no such header or component"
        case .requiredComponentNotCovered(let name):
            return "the signature must cover '\(name)' but does not"
        case .missingDigest:
            return "the request has a body but no Digest or Content-Digest header binding it to the signature"
        case .unsupportedDigest(let value):
            return "the digest '\(value.prefix(60))' uses no supported algorithm (SHA-256 or SHA-512)"
        case .digestMismatch(let algorithm, let expected, let computed):
            return "the body does not match its \(algorithm) digest (header says \(expected), body hashes to \(computed))"
        case .expired(let expiredAt, let now):
            return "the signature expired at \(HTTPDate.iso(expiredAt)) (now \(HTTPDate.iso(now)), after the allowed clock skew)"
        case .notYetValid(let createdAt, let now):
            return "the signature was created at \(HTTPDate.iso(createdAt)), in the future (now \(HTTPDate.iso(now)), beyond the allowed clock skew)"
        case .invalidDate(let value):
            return "'\(value.prefix(60))' is not an HTTP date (expected e.g. 'Tue, 20 Apr 2021 02:07:55 GMT')"
        case .signatureDoesNotVerify(let keyID):
            return "the signature does not verify with the key \(keyID): the message was changed after signing, or another key signed it"
        case .malformedMessage(let detail):
            return "the HTTP message cannot be read: \(detail)"
        case .invalidKey(let detail):
            return "the key cannot be used: \(detail)"
        case .unknownKey(let keyID, let detail):
            return "no key could be found for \(keyID): \(detail)"
        }
    }
}
