import Foundation
import HTTPSignatures
import Testing

/// RFC 9421 Appendix B: every example verifies with the RFC's keys, its signature base is reproduced byte for byte,
/// deterministic signatures are reproduced exactly, and the B.4 transformations that must fail, fail.
@Suite struct RFC9421VectorTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let name: String
        let message: String
        let publicKey: String
        let privateKey: String
        let deterministic: Bool
        var testDescription: String { name }
    }

    static let keys = "rfc9421/verbatim/keys/"
    static let examples: [Example] = [
        Example(name: "B.2.1-minimal-rsa-pss", message: "messages/test-request.http", publicKey: keys + "test-key-rsa-pss.public.spki.pem", privateKey: keys + "test-key-rsa-pss.private.pkcs8.pem", deterministic: false),
        Example(name: "B.2.2-selective-rsa-pss", message: "messages/test-request.http", publicKey: keys + "test-key-rsa-pss.public.spki.pem", privateKey: keys + "test-key-rsa-pss.private.pkcs8.pem", deterministic: false),
        Example(name: "B.2.3-full-coverage-rsa-pss", message: "messages/test-request.http", publicKey: keys + "test-key-rsa-pss.public.spki.pem", privateKey: keys + "test-key-rsa-pss.private.pkcs8.pem", deterministic: false),
        Example(name: "B.2.4-response-ecdsa-p256", message: "messages/test-response.http", publicKey: keys + "test-key-ecc-p256.public.spki.pem", privateKey: keys + "test-key-ecc-p256.private.sec1.pem", deterministic: false),
        Example(name: "B.2.6-ed25519", message: "messages/test-request.http", publicKey: keys + "test-key-ed25519.public.spki.pem", privateKey: keys + "test-key-ed25519.private.pkcs8.pem", deterministic: true),
    ]

    private func signed(_ example: Example) throws -> HTTPMessage {
        var message = try Vectors.message("rfc9421/unfolded/" + example.message, adding: "rfc9421/unfolded/\(example.name)/signature-headers.http")
        if example.name.hasPrefix("B.2.4") {
            // RFC 9421 erratum: B.2's printed test-response carries a Content-Digest that is not its body's; B.2.4's
            // signature base covers the body's real SHA-512 digest. Use that one (see the next test for the printed one).
            message.setField("Content-Digest", "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:")
        }
        return message
    }

    @Test func thePrintedTestResponseIsRefusedForItsWrongContentDigest() throws {
        let message = try Vectors.message("rfc9421/unfolded/messages/test-response.http")
        let error = #expect(throws: SignatureError.self) {
            try BodyDigest.checkContentDigest(message.combinedValue(of: "content-digest") ?? "", body: message.body)
        }
        guard case .digestMismatch(let algorithm, _, let computed)? = error else {
            Issue.record("expected a digest mismatch, got \(String(describing: error))")
            return
        }
        #expect(algorithm == "sha-512")
        #expect(computed == "mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==")
    }

    @Test(arguments: examples)
    func exampleVerifiesWithTheRFCKey(example: Example) throws {
        let message = try signed(example)
        let verifier = SignatureVerifier(policy: .cryptographicOnly)
        let candidate = try verifier.candidate(in: message)
        var key = try Vectors.publicKey(example.publicKey)
        if example.name.contains("rsa-pss") {
            key = key.bound(to: .rsaPSSSHA512)  // RFC 9421 §3.3.7: the algorithm comes with the key, out of band
        }
        let verified = try verifier.verify(message, candidate: candidate, key: key, now: Date(timeIntervalSince1970: 1_618_884_473))
        let label = "sig-" + example.name.prefix(5).replacingOccurrences(of: ".", with: "").lowercased()
        #expect(verified.dialect == .rfc9421(label: label))
    }

    @Test(arguments: examples)
    func signatureBaseIsReproducedByteForByte(example: Example) throws {
        let message = try signed(example)
        let input = try #require(try MessageSignatureInput.all(in: message).first)
        let expected = try Vectors.text("rfc9421/unfolded/\(example.name)/signature-base.txt")
        #expect(try SignatureBase.build(for: message, input: input) == expected)
    }

    @Test(arguments: examples)
    func signingWithTheRFCPrivateKeyGivesAVerifyingSignature(example: Example) throws {
        let message = try signed(example)
        var input = try #require(try MessageSignatureInput.all(in: message).first)
        let published = input.signature
        let key = try Vectors.privateKey(example.privateKey)
        let base = try SignatureBase.build(for: message, input: input)
        let algorithm = SignatureAlgorithm.implied(by: key.verificationKey)
        input.signature = try algorithm.sign(Data(base.utf8), with: key)
        if example.deterministic {
            #expect(input.signature == published)
        }
        #expect(try algorithm.isValid(input.signature, of: Data(base.utf8), key: key.verificationKey))
    }

    @Test func hmacExampleIsReproducedExactly() throws {
        let message = try Vectors.message("rfc9421/unfolded/messages/test-request.http", adding: "rfc9421/unfolded/B.2.5-hmac-sha256/signature-headers.http")
        let input = try #require(try MessageSignatureInput.all(in: message).first)
        let base = try SignatureBase.build(for: message, input: input)
        #expect(base == (try Vectors.text("rfc9421/unfolded/B.2.5-hmac-sha256/signature-base.txt")))
        let secret = try Vectors.sharedSecret()
        #expect(try SignatureAlgorithm.hmacSHA256.sign(Data(base.utf8), with: SigningKey(sharedSecret: secret)) == input.signature)
        let verifier = SignatureVerifier(policy: .cryptographicOnly)
        _ = try verifier.verify(message, candidate: verifier.candidate(in: message), key: VerificationKey(sharedSecret: secret), now: Date())
    }

    @Test func anRSAPSSPrivateKeyIsBoundToRSAPSSAndAnRSAEncryptionKeyIsNot() throws {
        let pss = try Vectors.privateKey(Self.keys + "test-key-rsa-pss.private.pkcs8.pem")
        #expect(pss.algorithm == .rsaPSSSHA512)
        #expect(pss.verificationKey.algorithm == .rsaPSSSHA512)
        #expect(try Vectors.publicKey(Self.keys + "test-key-rsa-pss.public.spki.pem").algorithm == nil)
        #expect(try Vectors.publicKey(Self.keys + "test-key-rsa.public.pkcs1.pem").kind == "RSA-2048")
    }

    @Test func tlsTerminatingProxyExampleVerifies() throws {
        let message = try Vectors.message("rfc9421/unfolded/B.3-tls-terminating-proxy/signed-request.http")
        let input = try #require(try MessageSignatureInput.all(in: message).first)
        #expect(try SignatureBase.build(for: message, input: input) == (try Vectors.text("rfc9421/unfolded/B.3-tls-terminating-proxy/signature-base.txt")))
        let verifier = SignatureVerifier(policy: .cryptographicOnly)
        _ = try verifier.verify(message, candidate: .rfc9421(input), key: Vectors.publicKey(Self.keys + "test-key-ecc-p256.public.spki.pem"), now: Date())
    }

    static let transformations: [(String, Bool)] = [
        ("1-original-signed.http", true),
        ("2-added-header-and-query-STILL-VALID.http", true),
        ("3-removed-date-added-referer-collapsed-accept-STILL-VALID.http", true),
        ("4-reordered-fields-STILL-VALID.http", true),
        ("5-changed-method-and-authority-INVALID.http", false),
        ("6-swapped-accept-order-INVALID.http", false),
    ]

    @Test(arguments: transformations)
    func transformationsKeepOrBreakTheSignatureAsTheRFCSays(file: String, valid: Bool) throws {
        let message = try Vectors.message("rfc9421/unfolded/B.4-transformations/" + file)
        let verifier = SignatureVerifier(policy: .cryptographicOnly)
        let key = try Vectors.publicKey(Self.keys + "test-key-ed25519.public.spki.pem")
        if valid {
            _ = try verifier.verify(message, candidate: verifier.candidate(in: message), key: key, now: Date())
        } else {
            #expect(throws: SignatureError.signatureDoesNotVerify(keyID: "test-key-ed25519")) {
                try verifier.verify(message, candidate: verifier.candidate(in: message), key: key, now: Date())
            }
        }
    }

    @Test func queryParamComponentIsDecodedAndReencoded() throws {
        let message = HTTPMessage(method: "GET", target: "/path?param=value&foo=bar&baz=batman&qux=", fields: [.init("Host", "example.com")])
        let input = MessageSignatureInput(label: "s", components: ["@query-param"], created: nil, keyID: "k")
        #expect(throws: SignatureError.malformedHeader(field: "Signature-Input", detail: "\"@query-param\" needs a name parameter")) {
            try SignatureBase.build(for: message, input: input)
        }
    }
}
