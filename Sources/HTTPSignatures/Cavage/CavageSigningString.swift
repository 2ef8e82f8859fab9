import Foundation

/// draft-cavage-http-signatures-12 signing strings, and the algorithm a header names.
public enum CavageSigningString {
    /// The signing string: one `name: value` line per covered header, joined by `\n`.
    /// `includeQuery: false` builds `(request-target)` without the query, as Mastodon retries.
    public static func build(
        for message: HTTPMessage, header: CavageSignatureHeader, includeQuery: Bool = true
    ) throws(SignatureError) -> String {
        String(decoding: try bytes(for: message, header: header, includeQuery: includeQuery), as: UTF8.self)
    }

    /// The signing string as the bytes that are signed; built in one buffer (it runs on every inbox request).
    static func bytes(for message: HTTPMessage, header: CavageSignatureHeader, includeQuery: Bool = true) throws(SignatureError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        for (position, name) in header.headers.enumerated() {
            if position > 0 { out.append(UInt8(ascii: "\n")) }
            switch name {
            case "(request-target)":
                out.append(contentsOf: "(request-target): ".utf8)
                out.append(contentsOf: message.method.utf8.map { (65...90).contains($0) ? $0 | 0x20 : $0 })
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: (includeQuery ? message.target : message.path).utf8)
            case "(created)":
                try requirePseudoHeaderAllowed(name, algorithm: header.algorithm)
                guard let created = header.created else { throw SignatureError.missingParameter("created") }
                out.append(contentsOf: "(created): \(created)".utf8)
            case "(expires)":
                try requirePseudoHeaderAllowed(name, algorithm: header.algorithm)
                guard let expires = header.expires else { throw SignatureError.missingParameter("expires") }
                out.append(contentsOf: "(expires): \(expires)".utf8)
            default:
                out.append(contentsOf: name.utf8)
                out.append(contentsOf: ": ".utf8)
                var found = false
                for field in message.fields where HTTPMessage.sameName(field.name, name) {
                    if found { out.append(contentsOf: ", ".utf8) }
                    out.append(contentsOf: field.value.utf8)
                    found = true
                }
                guard found else { throw SignatureError.missingCoveredComponent(name) }
            }
        }
        return out
    }

    /// The algorithm names `algorithm(named:key:)` accepts (lower case); absent means "as the key says".
    public static let algorithmNames: Set<String> = ["hs2019", "rsa-sha256", "ed25519", "hmac-sha256"]

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
