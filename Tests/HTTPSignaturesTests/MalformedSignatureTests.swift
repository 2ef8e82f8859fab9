import Foundation
import HTTPSignatures
import Testing

/// The w3c-ccg test suite's malformed requests, and fuzz-style hostile headers: each gets a typed error, never a crash.
@Suite struct MalformedSignatureTests {
    static let negative: [(String, SignatureError)] = [
        ("negative-created-with-ecdsa-algorithm", .malformedParameter(name: "headers", detail: "(created) cannot be covered with algorithm 'ecdsa'")),
        ("negative-created-with-hmac-algorithm", .malformedParameter(name: "headers", detail: "(created) cannot be covered with algorithm 'hmac'")),
        ("negative-created-with-rsa-algorithm", .malformedParameter(name: "headers", detail: "(created) cannot be covered with algorithm 'rsa'")),
        ("negative-duplicate-headers-param", .duplicateParameter("headers")),
        ("negative-no-keyid", .missingParameter("keyId")),
        ("negative-no-signature-param", .missingParameter("signature")),
    ]

    @Test(arguments: negative)
    func w3cNegativeRequestIsRefused(name: String, expected: SignatureError) throws {
        let message = try Vectors.message("w3c-ccg-test-suite/\(name).httpMessage")
        let verifier = SignatureVerifier(policy: .cryptographicOnly)
        #expect(throws: expected) {
            let candidate = try verifier.candidate(in: message)
            guard case .cavage(let header) = candidate else { return }
            // A parsable header still has to produce a signing string before any key is involved.
            _ = try CavageSigningString.build(for: message, header: header)
        }
    }

    @Test func w3cExpiredRequestIsRefusedAsExpired() throws {
        var message = try Vectors.message("w3c-ccg-test-suite/negative-expired.httpMessage")
        // The suite ships headers only; its Digest (of the spec's body) cannot match, so drop it to reach the window.
        message.fields.removeAll { $0.name == "Digest" }
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        // Only the time window (expires=0), before any cryptography or coverage rule.
        let verifier = SignatureVerifier(policy: VerificationPolicy(enforceCoverage: false))
        #expect(throws: SignatureError.expired(expiredAt: Date(timeIntervalSince1970: 0), now: now)) {
            try verifier.verify(message, candidate: verifier.candidate(in: message), key: VerificationKey(sharedSecret: Data("k".utf8)), now: now)
        }
        // Under Mastodon's rules it is refused even earlier, for what it does not cover.
        #expect(throws: SignatureError.requiredComponentNotCovered("(request-target)")) {
            try SignatureVerifier().verify(message, candidate: verifier.candidate(in: message), key: VerificationKey(sharedSecret: Data("k".utf8)), now: now)
        }
    }

    @Test func mixedCaseHeaderNamesAreCanonicalised() throws {
        let message = try Vectors.message("w3c-ccg-test-suite/edge-mixed-case-header-names.httpMessage")
        let header = CavageSignatureHeader(keyID: "k", algorithm: "hs2019", headers: ["host", "digest", "content-length"], signature: Data())
        #expect(try CavageSigningString.build(for: message, header: header) == "host: example.com\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\ncontent-length: 18")
    }

    @Test func anEmptyHeaderValueSignsAsEmpty() throws {
        let message = try Vectors.message("w3c-ccg-test-suite/edge-zero-length-header.httpMessage")
        let header = CavageSignatureHeader(keyID: "k", algorithm: "hs2019", headers: ["zero"], signature: Data())
        #expect(try CavageSigningString.build(for: message, header: header) == "zero: ")
    }

    @Test func aMultiValuedHeaderKeepsItsCommaList() throws {
        let message = try Vectors.message("w3c-ccg-test-suite/edge-duplicate-header-values.httpMessage")
        let header = CavageSignatureHeader(keyID: "k", algorithm: "hs2019", headers: ["duplicate"], signature: Data())
        #expect(try CavageSigningString.build(for: message, header: header) == "duplicate: one, two")
    }

    // MARK: Fuzz-style: hostile variations of a valid header

    static let valid = #"keyId="https://a.example/actor#main-key",algorithm="rsa-sha256",headers="(request-target) host date",signature="c2lnbmF0dXJl""#

    /// Found while fuzzing: thousands of distinct parameters (within the 16 KiB header limit) made the duplicate check quadratic on every request.
    @Test func aHeaderWithThousandsOfParametersIsRefusedAtOnce() throws {
        let header = (0..<2000).map { "p\($0)=1" }.joined(separator: ",") + #",keyId="k",signature="c2ln""#
        let started = Date()
        #expect(throws: SignatureError.malformedHeader(field: "Signature", detail: "more than 32 parameters")) { try CavageSignatureHeader.parse(header) }
        #expect(Date().timeIntervalSince(started) < 1)
        let extended = (0..<20).map { "ext\($0)=\"x\"" }.joined(separator: ",") + #",keyId="k",signature="c2ln""#
        #expect(try CavageSignatureHeader.parse(extended).keyID == "k", "unknown extension parameters within the limit are ignored")
    }

    @Test func everyTruncationOfAValidCavageHeaderGivesATypedResult() throws {
        #expect(try CavageSignatureHeader.parse(Self.valid).keyID == "https://a.example/actor#main-key")
        for length in 0..<Self.valid.count {
            let truncated = String(Self.valid.prefix(length))
            do {
                _ = try CavageSignatureHeader.parse(truncated)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func everyTruncationOfAValidSignatureInputGivesATypedResult() {
        let input = #"sig1=("@method" "@target-uri" "content-digest");created=1703066400;keyid="https://a.example/actor#main-key""#
        for length in 0...input.count {
            let message = HTTPMessage(method: "POST", target: "/inbox", fields: [
                .init("Host", "b.example"), .init("Signature-Input", String(input.prefix(length))), .init("Signature", "sig1=:c2ln:"),
            ])
            do {
                _ = try SignatureVerifier().candidate(in: message)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func hostileCavageHeadersAreRefusedWithTypedErrors() {
        let cases: [(String, SignatureError)] = [
            (String(repeating: "a", count: 20_000), .malformedHeader(field: "Signature", detail: "longer than 16384 bytes")),
            (#"keyId="k",keyId="k2",signature="c2ln""#, .duplicateParameter("keyid")),
            (#"keyId="k",signature="not base64!!""#, .malformedParameter(name: "signature", detail: "not base64")),
            (#"keyId="k",signature="c2ln",created=12abc"#, .malformedParameter(name: "created", detail: "'12abc' is not a Unix time")),
            (#"keyId="k",signature="c2ln",created=99999999999999999999"#, .malformedParameter(name: "created", detail: "'99999999999999999999' is not a Unix time")),
            (#"keyId="unterminated,signature="c2ln""#, .malformedHeader(field: "Signature", detail: "expected ',' after parameter 'keyid'")),
            (#"keyId="k",signature="c2ln"#, .malformedParameter(name: "signature", detail: "the quoted value is not closed")),
            (#"keyId="k" signature="c2ln""#, .malformedHeader(field: "Signature", detail: "expected ',' after parameter 'keyid'")),
            (#"kéyId="k",signature="c2ln""#, .malformedHeader(field: "Signature", detail: "'kéyid' is not a parameter name")),
            (#"keyId="k",signature="c2ln",headers="""#, .malformedParameter(name: "headers", detail: "empty")),
            ("", .missingParameter("keyId")),
        ]
        for (value, expected) in cases {
            #expect(throws: expected, "\(value.prefix(40))") { try CavageSignatureHeader.parse(value) }
        }
    }

    @Test func duplicatedSignatureHeadersAreRefused() {
        let message = HTTPMessage(method: "GET", target: "/", fields: [
            .init("Host", "a.example"), .init("Signature", Self.valid), .init("Signature", Self.valid),
        ])
        #expect(throws: SignatureError.malformedHeader(field: "Signature", detail: "the header appears 2 times")) {
            try SignatureVerifier().candidate(in: message)
        }
    }

    @Test func nonASCIIAndOversizedSignatureInputsAreRefused() {
        for input in [#"sig1=("@method");keyid="ключ""#, "sig1=(" + String(repeating: "\"a\" ", count: 5000) + ");keyid=\"k\"", "sig1=\"not a list\""] {
            let message = HTTPMessage(method: "GET", target: "/", fields: [
                .init("Host", "a.example"), .init("Signature-Input", input), .init("Signature", "sig1=:c2ln:"),
            ])
            #expect(throws: SignatureError.self) { try SignatureVerifier().candidate(in: message) }
        }
    }

    @Test func aSignatureWithoutItsSignatureInputMemberIsRefused() {
        let message = HTTPMessage(method: "GET", target: "/", fields: [
            .init("Host", "a.example"), .init("Signature-Input", #"sig1=("@method");keyid="k""#), .init("Signature", "other=:c2ln:"),
        ])
        #expect(throws: SignatureError.malformedHeader(field: "Signature", detail: "no byte-sequence signature for label 'sig1'")) {
            try SignatureVerifier().candidate(in: message)
        }
    }

    @Test func aMessageWithoutAnySignatureSaysSo() {
        let message = HTTPMessage(method: "GET", target: "/", fields: [.init("Host", "a.example")])
        #expect(throws: SignatureError.missingSignature) { try SignatureVerifier().candidate(in: message) }
    }

    @Test func malformedRequestFilesAreRefusedWithTheLine() {
        let cases: [(String, String)] = [
            ("", "the message is empty"),
            ("GARBAGE\n", "is not a request line"),
            ("GET /x HTTP/1.1\nno colon here\n\n", "line 2 is not a header field"),
            ("GET /x HTTP/1.1\nContent-Length: 50\n\nshort", "Content-Length is 50 but the body has only 5 bytes"),
            ("GET /x HTTP/1.1\nContent-Length: ten\n\n", "Content-Length 'ten' is not a number"),
        ]
        for (text, fragment) in cases {
            let error = #expect(throws: SignatureError.self) { try RawHTTPMessage.parse(Data(text.utf8)) }
            #expect(error?.description.contains(fragment) == true, "\(String(describing: error))")
        }
        let huge = "GET / HTTP/1.1\n" + String(repeating: "X-Filler: aaaaaaaaaaaaaaaa\n", count: 20_000)
        #expect(throws: SignatureError.malformedMessage("the header block is larger than 262144 bytes")) { try RawHTTPMessage.parse(Data(huge.utf8)) }
    }
}

@Suite struct RawHTTPMessageTests {
    @Test func crlfAndLFFilesParseAlike() throws {
        let lf = "POST /inbox?a=1 HTTP/1.1\nHost: Example.COM\nX-Two: a\nX-Two: b\nContent-Length: 4\n\nbody\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        let a = try RawHTTPMessage.parse(Data(lf.utf8))
        let b = try RawHTTPMessage.parse(Data(crlf.utf8))
        #expect(a == b)
        #expect(a.method == "POST")
        #expect(a.path == "/inbox")
        #expect(a.query == "a=1")
        #expect(a.authority == "example.com")
        #expect(a.combinedValue(of: "x-two") == "a, b")
        #expect(a.body == Data("body".utf8))
    }

    @Test func serializedMessagesParseBack() throws {
        let message = HTTPMessage(method: "GET", target: "/x", fields: [.init("Host", "a.example"), .init("Accept", "*/*")], body: Data())
        #expect(try RawHTTPMessage.parse(RawHTTPMessage.serialize(message)) == message)
    }
}
