import Foundation

/// draft-cavage-http-signatures-12 signing strings, and the algorithm a header names.
public enum CavageSigningString {
    /// The signing string: one `name: value` line per covered header, joined by `\n`.
    /// `includeQuery: false` builds `(request-target)` without the query, as Mastodon retries.
    public static func build(
        for message: HTTPMessage, header: CavageSignatureHeader, includeQuery: Bool = true
    ) throws(SignatureError) -> String {
        var lines: [String] = []
        for name in header.headers {
            switch name {
            case "(request-target)":
                let target = includeQuery ? message.target : message.path
                lines.append("(request-target): \(message.method.lowercased()) \(target)")
            case "(created)":
                try requirePseudoHeaderAllowed(name, algorithm: header.algorithm)
                guard let created = header.created else { throw SignatureError.missingParameter("created") }
                lines.append("(created): \(created)")
            case "(expires)":
                try requirePseudoHeaderAllowed(name, algorithm: header.algorithm)
                guard let expires = header.expires else { throw SignatureError.missingParameter("expires") }
                lines.append("(expires): \(expires)")
            default:
                guard let value = message.combinedValue(of: name) else { throw SignatureError.missingCoveredComponent(name) }
                lines.append("\(name): \(value)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The algorithm a header's `algorithm` names, given the key (`hs2019` and an absent one defer to the key).
    public static func algorithm(named name: String?, key: VerificationKey) throws(SignatureError) -> SignatureAlgorithm {
        switch name?.lowercased() {
        case nil, "hs2019":
            return .implied(by: key)
        case "rsa-sha256":
            guard case .rsa = key.material else { throw SignatureError.keyAlgorithmMismatch(key: key.kind, algorithm: "rsa-sha256") }
            return .rsaV15SHA256
        case "ed25519":
            return .ed25519
        case "hmac-sha256":
            return .hmacSHA256
        default:
            throw SignatureError.unsupportedAlgorithm(name ?? "")
        }
    }

    /// cavage-12 §2.3: `(created)`/`(expires)` must not be used with `rsa`, `hmac` or `ecdsa` algorithms.
    private static func requirePseudoHeaderAllowed(_ name: String, algorithm: String?) throws(SignatureError) {
        guard let algorithm = algorithm?.lowercased() else { return }
        if algorithm.hasPrefix("rsa") || algorithm.hasPrefix("hmac") || algorithm.hasPrefix("ecdsa") {
            throw SignatureError.malformedParameter(name: "headers", detail: "\(name) cannot be covered with algorithm '\(algorithm)'")
        }
    }
}
