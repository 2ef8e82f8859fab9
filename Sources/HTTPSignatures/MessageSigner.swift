import Foundation

/// Signs outgoing HTTP messages with one key, in either dialect.
public struct MessageSigner: Sendable {
    /// The key that signs.
    public let key: SigningKey
    /// The key's URL (`https://mod.example.org/actor#main-key`), sent as `keyId` / `keyid`.
    public let keyID: String

    /// A signer for `key`, published at `keyID`.
    public init(key: SigningKey, keyID: String) {
        self.key = key
        self.keyID = keyID
    }

    /// draft-cavage as every major server verifies it: sets `Date` (when absent) and, for a request with a body or a
    /// POST, `Digest: SHA-256=…`; then `Signature` over `(request-target) host date [digest]`
    /// (or `headers` when given). RSA keys sign `rsa-sha256`, others `hs2019`.
    public func signCavage(_ message: inout HTTPMessage, now: Date, headers: [String]? = nil) throws(SignatureError) {
        guard message.authority != nil else { throw SignatureError.missingCoveredComponent("host") }
        if message.combinedValue(of: "date") == nil { message.setField("Date", HTTPDate.format(now)) }
        let hasBody = !message.body.isEmpty || message.method.uppercased() == "POST"
        if hasBody { message.setField("Digest", BodyDigest.digestHeader(for: message.body)) }
        let covered = headers ?? (["(request-target)", "host", "date"] + (hasBody ? ["digest"] : []))
        let algorithm = SignatureAlgorithm.implied(by: key.verificationKey)
        var header = CavageSignatureHeader(
            keyID: keyID, algorithm: algorithm == .rsaV15SHA256 ? "rsa-sha256" : "hs2019",
            headers: covered.map { $0.lowercased() }, signature: Data())
        if covered.contains("(created)") { header.created = Int(now.timeIntervalSince1970) }
        let signingString = try CavageSigningString.build(for: message, header: header)
        header.signature = try algorithm.sign(Data(signingString.utf8), with: key)
        message.setField("Signature", header.serialized)
    }

    /// RFC 9421 in Mastodon 4.5's profile by default: sets `Content-Digest` for a body, then `Signature-Input` and
    /// `Signature` (label `sig1`) over `("@method" "@target-uri" ["content-digest"])` with `created` and `keyid`.
    public func signRFC9421(
        _ message: inout HTTPMessage, now: Date, components: [String]? = nil, label: String = "sig1",
        algorithm: SignatureAlgorithm? = nil, expires: Date? = nil
    ) throws(SignatureError) {
        let hasBody = !message.body.isEmpty || message.method.uppercased() == "POST"
        if hasBody { message.setField("Content-Digest", BodyDigest.contentDigestHeader(for: message.body)) }
        let covered = components ?? (["@method", "@target-uri"] + (hasBody ? ["content-digest"] : []))
        let chosen = algorithm ?? SignatureAlgorithm.implied(by: key.verificationKey)
        var input = MessageSignatureInput(
            label: label, components: covered, created: Int(now.timeIntervalSince1970), keyID: keyID,
            algorithm: algorithm, expires: expires.map { Int($0.timeIntervalSince1970) })
        let base = try SignatureBase.build(for: message, input: input)
        input.signature = try chosen.sign(Data(base.utf8), with: key)
        message.setField("Signature-Input", "\(label)=\(try input.serializedInnerList())")
        message.setField("Signature", "\(label)=:\(input.signature.base64EncodedString()):")
    }
}
