import Foundation
import HTTPSignatures
import Testing

/// draft-cavage-http-signatures-12 Appendix C with its 1024-bit `Test` key.
@Suite struct CavageVectorTests {
    let key: VerificationKey
    let request: HTTPMessage

    init() throws {
        key = try Vectors.publicKey("cavage/test-key-Test.public.pem")
        request = try Vectors.message("cavage/C-test-request.http")
    }

    private func signed(with headerFile: String) throws -> HTTPMessage {
        var message = request
        let (name, value) = try Vectors.unfoldedHeader(headerFile)
        message.fields.append(.init(name, value))
        return message
    }

    @Test(arguments: ["C.1-default-test/signature-header.txt", "C.1-default-test/authorization-header.txt"])
    func defaultTestVerifiesAndRebuildsItsSigningString(file: String) throws {
        let message = try signed(with: "cavage/" + file)
        let verifier = SignatureVerifier(policy: .cryptographicOnly)
        let candidate = try verifier.candidate(in: message)
        guard case .cavage(let header) = candidate else { throw HarnessFailure("expected a cavage signature") }
        #expect(header.headers == ["date"])
        let expected = try Vectors.text("cavage/C.1-default-test/signing-string.txt")
        #expect(try CavageSigningString.build(for: message, header: header) + "\n" == expected)
        let verified = try verifier.verify(message, candidate: candidate, key: key, now: Date())
        #expect(verified.algorithm == .rsaV15SHA256)
        #expect(verified.keyID == "Test")
    }

    @Test func basicTestVerifiesAndRebuildsItsSigningString() throws {
        let message = try signed(with: "cavage/C.2-basic-test/authorization-header.txt")
        let verifier = SignatureVerifier(policy: .cryptographicOnly)
        let candidate = try verifier.candidate(in: message)
        guard case .cavage(let header) = candidate else { throw HarnessFailure("expected a cavage signature") }
        let expected = try Vectors.text("cavage/C.2-basic-test/signing-string.txt")
        #expect(try CavageSigningString.build(for: message, header: header) + "\n" == expected)
        let verified = try verifier.verify(message, candidate: candidate, key: key, now: Date())
        #expect(verified.covered == ["(request-target)", "host", "date"])
    }

    @Test func signingTheBasicTestReproducesItsSignature() throws {
        let privateKey = try Vectors.privateKey("cavage/test-key-Test.private.pem")
        var message = request
        message.fields.removeAll { $0.name.lowercased() == "digest" }
        let date = try #require(HTTPDate.parse("Sun, 05 Jan 2014 21:31:40 GMT"))
        try MessageSigner(key: privateKey, keyID: "Test").signCavage(&message, now: date, headers: ["(request-target)", "host", "date"])
        let published = try CavageSignatureHeader.parse(Vectors.unfoldedHeader("cavage/C.2-basic-test/authorization-header.txt").value, field: "Authorization")
        let ours = try CavageSignatureHeader.parse(try #require(message.combinedValue(of: "signature")))
        #expect(ours.signature == published.signature)
    }

    @Test func theAllHeadersTestIsRejected() throws {
        // C.3 lists (created) and (expires) with algorithm rsa-sha256, which cavage-12 §2.3 forbids; its printed
        // signing string also omits them. A strict verifier refuses it.
        let message = try signed(with: "cavage/C.3-all-headers-test/signature-header.txt")
        let verifier = SignatureVerifier(policy: .cryptographicOnly)
        #expect(throws: SignatureError.malformedParameter(name: "headers", detail: "(created) cannot be covered with algorithm 'rsa-sha256'")) {
            try verifier.verify(message, candidate: verifier.candidate(in: message), key: key, now: Date())
        }
    }

    @Test func theDefaultTestFailsMastodonsCoverageRules() throws {
        let message = try signed(with: "cavage/C.1-default-test/signature-header.txt")
        let verifier = SignatureVerifier(policy: .mastodon)
        #expect(throws: SignatureError.requiredComponentNotCovered("(request-target)")) {
            try verifier.verify(message, candidate: verifier.candidate(in: message), key: key, now: HTTPDate.parse("Sun, 05 Jan 2014 21:31:40 GMT")!)
        }
    }
}

/// A failure of the test's own expectations about a fixture.
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
