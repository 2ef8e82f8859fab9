import Foundation
import HTTPSignatures
import Testing

/// What Palisade signs, Palisade verifies under Mastodon's policy; any tampering fails with the right error.
@Suite struct SigningRoundTripTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let keyID = "https://mod.example.org/actor#main-key"

    func post() -> HTTPMessage {
        HTTPMessage(method: "POST", target: "/inbox", fields: [.init("Host", "mastodon.example"), .init("Content-Type", "application/activity+json")], body: Data(#"{"type":"Flag"}"#.utf8))
    }

    static let keys: [String] = ["rsa", "ed25519"]

    func signingKey(_ kind: String) throws -> SigningKey {
        kind == "rsa" ? try SigningKey(RSAKeyPair(privateKeyPEM: Vectors.text("../keys/mastodon-remote-domain-bob.private.pem"))) : SigningKey.generateEd25519()
    }

    @Test(arguments: keys)
    func cavagePostVerifiesWithTheExpectedCoverage(kind: String) throws {
        let key = try signingKey(kind)
        var message = post()
        try MessageSigner(key: key, keyID: keyID).signCavage(&message, now: now)
        #expect(message.combinedValue(of: "digest") == BodyDigest.digestHeader(for: message.body))
        #expect(message.combinedValue(of: "date") == HTTPDate.format(now))
        let verified = try SignatureVerifier().verify(message, candidate: SignatureVerifier().candidate(in: message), key: key.verificationKey, now: now.addingTimeInterval(30))
        #expect(verified.covered == ["(request-target)", "host", "date", "digest"])
        #expect(verified.dialect == .cavage)
        let header = try CavageSignatureHeader.parse(try #require(message.combinedValue(of: "signature")))
        #expect(header.algorithm == (kind == "rsa" ? "rsa-sha256" : "hs2019"))
    }

    @Test(arguments: keys)
    func rfc9421PostUsesMastodonsProfile(kind: String) throws {
        let key = try signingKey(kind)
        var message = post()
        try MessageSigner(key: key, keyID: keyID).signRFC9421(&message, now: now)
        #expect(message.combinedValue(of: "signature-input") == #"sig1=("@method" "@target-uri" "content-digest");created=1795000000;keyid="https://mod.example.org/actor#main-key""#)
        let verified = try SignatureVerifier().verify(message, candidate: SignatureVerifier().candidate(in: message), key: key.verificationKey, now: now)
        #expect(verified.dialect == .rfc9421(label: "sig1"))
        #expect(verified.covered == [#""@method""#, #""@target-uri""#, #""content-digest""#])
    }

    @Test func getsCoverTheTargetHostAndDate() throws {
        let key = SigningKey.generateEd25519()
        var message = HTTPMessage(method: "GET", target: "/users/alice?page=2", fields: [.init("Host", "a.example")])
        try MessageSigner(key: key, keyID: keyID).signCavage(&message, now: now)
        #expect(message.combinedValue(of: "digest") == nil)
        let verified = try SignatureVerifier().verify(message, candidate: SignatureVerifier().candidate(in: message), key: key.verificationKey, now: now)
        #expect(verified.covered == ["(request-target)", "host", "date"])
    }

    enum Tamper: String, CaseIterable, CustomTestStringConvertible {
        case body, path, date, key
        var testDescription: String { rawValue }
    }

    @Test(arguments: Tamper.allCases)
    func tamperingFailsInBothDialects(tamper: Tamper) throws {
        let key = try signingKey("rsa")
        let otherKey = try Vectors.publicKey("rfc9421/verbatim/keys/test-key-rsa.public.pkcs1.pem")
        for dialect in ["cavage", "rfc9421"] {
            var message = post()
            let signer = MessageSigner(key: key, keyID: keyID)
            if dialect == "cavage" { try signer.signCavage(&message, now: now) } else { try signer.signRFC9421(&message, now: now) }
            var verificationKey = key.verificationKey
            switch tamper {
            case .body: message.body = Data(#"{"type":"Block"}"#.utf8)
            case .path: message.target = "/users/admin/inbox"
            case .date: message.setField("Date", HTTPDate.format(now.addingTimeInterval(60)))
            case .key: verificationKey = otherKey
            }
            let verifier = SignatureVerifier()
            let verify = { try verifier.verify(message, candidate: verifier.candidate(in: message), key: verificationKey, now: self.now) }
            if tamper == .date && dialect == "rfc9421" {
                // Mastodon's RFC 9421 profile does not cover Date (created is a parameter): changing it changes nothing.
                _ = try verify()
                continue
            }
            let error = #expect(throws: SignatureError.self, "\(dialect)") { try verify() }
            switch (tamper, error) {
            case (.body, .digestMismatch?), (.path, .signatureDoesNotVerify?), (.key, .signatureDoesNotVerify?), (.date, .signatureDoesNotVerify?):
                break
            default:
                Issue.record("\(tamper) in \(dialect) gave \(String(describing: error))")
            }
        }
    }

    @Test func mastodonsWindowAcceptsAnHourOfSkewAndRefusesBeyond() throws {
        let key = SigningKey.generateEd25519()
        var message = HTTPMessage(method: "GET", target: "/actor", fields: [.init("Host", "a.example")])
        try MessageSigner(key: key, keyID: keyID).signCavage(&message, now: now)
        let verifier = SignatureVerifier()
        let candidate = try verifier.candidate(in: message)
        // valid for 5 minutes, plus one hour of skew either side
        _ = try verifier.verify(message, candidate: candidate, key: key.verificationKey, now: now.addingTimeInterval(300 + 3600 - 1))
        _ = try verifier.verify(message, candidate: candidate, key: key.verificationKey, now: now.addingTimeInterval(-3600 + 1))
        #expect(throws: SignatureError.expired(expiredAt: now.addingTimeInterval(300), now: now.addingTimeInterval(300 + 3601))) {
            try verifier.verify(message, candidate: candidate, key: key.verificationKey, now: now.addingTimeInterval(300 + 3601))
        }
        #expect(throws: SignatureError.notYetValid(createdAt: now, now: now.addingTimeInterval(-3601))) {
            try verifier.verify(message, candidate: candidate, key: key.verificationKey, now: now.addingTimeInterval(-3601))
        }
    }

    @Test func anExpiresBeyondTwelveHoursIsCapped() throws {
        let key = SigningKey.generateEd25519()
        var message = HTTPMessage(method: "GET", target: "/actor", fields: [.init("Host", "a.example")])
        try MessageSigner(key: key, keyID: keyID).signRFC9421(&message, now: now, expires: now.addingTimeInterval(7 * 24 * 3600))
        let verifier = SignatureVerifier()
        _ = try verifier.verify(message, candidate: verifier.candidate(in: message), key: key.verificationKey, now: now.addingTimeInterval(12 * 3600))
        #expect(throws: SignatureError.expired(expiredAt: now.addingTimeInterval(12 * 3600), now: now.addingTimeInterval(14 * 3600))) {
            try verifier.verify(message, candidate: verifier.candidate(in: message), key: key.verificationKey, now: now.addingTimeInterval(14 * 3600))
        }
    }

    @Test func aConfiguredSkewIsHonoured() throws {
        let key = SigningKey.generateEd25519()
        var message = HTTPMessage(method: "GET", target: "/actor", fields: [.init("Host", "a.example")])
        try MessageSigner(key: key, keyID: keyID).signCavage(&message, now: now)
        let strict = SignatureVerifier(policy: VerificationPolicy(clockSkewPast: 60, clockSkewFuture: 60))
        #expect(throws: SignatureError.self) {
            try strict.verify(message, candidate: strict.candidate(in: message), key: key.verificationKey, now: now.addingTimeInterval(300 + 61))
        }
    }

    @Test func theFEP8b32SecretKeySignsWhatItsActorsMultikeyVerifies() throws {
        let feature = try Vectors.text("fep/8b32/fep-8b32.feature")
        let secret = try #require(feature.firstMatch(of: /Ed25519 secret key "(z[1-9A-HJ-NP-Za-km-z]+)"/)?.1)
        let actor = try JSONSerialization.jsonObject(with: Data(Vectors.text("fep/8b32/actor-multikey.json").utf8)) as? [String: Any]
        let method = try #require((actor?["assertionMethod"] as? [[String: Any]])?.first)
        let multikey = try VerificationKey(multikey: try #require(method["publicKeyMultibase"] as? String))
        #expect(multikey.kind == "Ed25519")

        let key = try SigningKey(ed25519Multibase: String(secret))
        var message = HTTPMessage(method: "GET", target: "/users/alice", fields: [.init("Host", "server.example")])
        try MessageSigner(key: key, keyID: "https://server.example/users/alice#ed25519-key").signRFC9421(&message, now: now)
        let verified = try SignatureVerifier().verify(message, candidate: SignatureVerifier().candidate(in: message), key: multikey, now: now)
        #expect(verified.algorithm == .ed25519)
    }

    @Test func malformedKeysAreRefusedWithReasons() {
        #expect(throws: SignatureError.invalidKey("only Ed25519 Multikeys (multicodec 0xed01, 34 bytes) are supported")) {
            try VerificationKey(multikey: "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc")
        }
        #expect(throws: SignatureError.invalidKey("a Multikey must be base58btc text starting with 'z'")) { try VerificationKey(multikey: "z0OIl") }
        #expect(throws: SignatureError.invalidKey("an Ed25519 public key is 32 bytes, got 31")) { try VerificationKey(ed25519Raw: Data(count: 31)) }
        #expect(throws: SignatureError.self) { try VerificationKey(pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n") }
        #expect(throws: SignatureError.self) { try VerificationKey(pem: "not pem") }
    }

    @Test func aPKCS1PublicKeyAndItsSPKIFormVerifyAlike() throws {
        let pkcs1 = try Vectors.publicKey("rfc9421/verbatim/keys/test-key-rsa.public.pkcs1.pem")
        let key = try Vectors.privateKey("rfc9421/verbatim/keys/test-key-rsa.private.pkcs1.pem")
        let data = Data("hello".utf8)
        let signature = try SignatureAlgorithm.rsaV15SHA256.sign(data, with: key)
        #expect(try SignatureAlgorithm.rsaV15SHA256.isValid(signature, of: data, key: pkcs1))
        #expect(try !SignatureAlgorithm.rsaV15SHA256.isValid(signature, of: Data("hellO".utf8), key: pkcs1))
    }
}
