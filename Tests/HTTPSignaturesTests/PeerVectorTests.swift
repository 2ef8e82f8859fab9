import Foundation
import HTTPSignatures
import Testing

/// Requests captured from Mastodon's and fedify's own test suites, each given the outcome that project gives it.
@Suite struct PeerVectorTests {
    struct Vector: Decodable {
        let method: String
        let path: String?
        let url: String?
        let headers: [String: String]
        let body: String?
        let expected: String
        let verification_time: String

        var message: HTTPMessage {
            var target = path ?? "/"
            var fields = headers.sorted { $0.key < $1.key }.map { HTTPMessage.Field($0.key, $0.value) }
            if let url, let components = URLComponents(string: url) {
                target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
                if let query = components.percentEncodedQuery { target += "?" + query }
                if !fields.contains(where: { $0.name.lowercased() == "host" }), let host = components.host {
                    fields.append(.init("Host", host))  // fedify's vectors imply Host from the URL
                }
            }
            return HTTPMessage(method: method, target: target, fields: fields, body: Data((body ?? "").utf8))
        }
        var now: Date { Vectors.date(verification_time) }
    }

    static func vector(_ path: String) throws -> Vector {
        try JSONDecoder().decode(Vector.self, from: Data(Vectors.text(path).utf8))
    }

    /// Resolves keys the way a server would after fetching the actor: only the published keys are known.
    static func keys(_ keyID: String) throws -> VerificationKey {
        switch keyID {
        case "https://remote.domain/users/bob#main-key":
            return try Vectors.publicKey("mastodon/http-signatures/remote-domain-bob.public.pem")
        case "https://example.com/key":
            let document = try JSONSerialization.jsonObject(with: Data(Vectors.text("fedify/example.com-key.json").utf8)) as! [String: Any]
            return try VerificationKey(pem: document["publicKeyPem"] as! String)
        case "https://oeee.cafe/ap/users/3609fd4e-d51d-4db8-9f04-4189815864dd#main-key":
            let actor = try JSONSerialization.jsonObject(with: Data(Vectors.text("fedify/oeee.cafe-actor.json").utf8)) as! [String: Any]
            return try VerificationKey(pem: (actor["publicKey"] as! [String: Any])["publicKeyPem"] as! String)
        default:
            throw HarnessFailure("404 Not Found")
        }
    }

    private func outcome(_ path: String) async throws -> Result<VerifiedSignature, SignatureError> {
        let vector = try Self.vector(path)
        do {
            return .success(try await SignatureVerifier(policy: .mastodon).verify(vector.message, now: vector.now, keys: Self.keys))
        } catch {
            return .failure(error)
        }
    }

    static let accepted = [
        "mastodon/http-signatures/get-valid.json",
        "mastodon/http-signatures/get-query-valid.json",
        "mastodon/http-signatures/post-valid.json",
        "fedify/http-signatures/cavage-hello-world-example-com.json",
        "fedify/http-signatures/cavage-hs2019-real-oeee-cafe-accept.json",
        "fedify/http-signatures/rfc9421-get-from-mastodon-spec.json",
    ]

    @Test(arguments: accepted)
    func acceptedAsThePeerAcceptsIt(path: String) async throws {
        let vector = try Self.vector(path)
        #expect(vector.expected.hasPrefix("accept"))
        guard case .success(let verified) = try await outcome(path) else {
            Issue.record("\(path) was refused: \(try await outcome(path))")
            return
        }
        #expect(verified.matchedWithoutQuery == false)
    }

    @Test func mastodonsUnsignedQueryQuirkIsAcceptedAndFlagged() async throws {
        guard case .success(let verified) = try await outcome("mastodon/http-signatures/get-query-unsigned-compat.json") else {
            Issue.record("refused")
            return
        }
        #expect(verified.matchedWithoutQuery)
    }

    @Test func hs2019WithAnRSAKeyUsesPKCS1AndQuotedCreatedIsRead() async throws {
        guard case .success(let verified) = try await outcome("fedify/http-signatures/cavage-hs2019-real-oeee-cafe-accept.json") else {
            Issue.record("refused")
            return
        }
        #expect(verified.algorithm == .rsaV15SHA256)
        #expect(verified.created == Date(timeIntervalSince1970: 1_756_126_694))
        #expect(verified.expires == Date(timeIntervalSince1970: 1_756_130_294))
    }

    static let refused: [(String, SignatureError)] = [
        ("date-too-old.json", .expired(expiredAt: Date(timeIntervalSince1970: 0), now: Date(timeIntervalSince1970: 0))),
        ("get-path-mismatch.json", .signatureDoesNotVerify(keyID: "https://remote.domain/users/bob#main-key")),
        ("get-query-mismatch.json", .signatureDoesNotVerify(keyID: "https://remote.domain/users/bob#main-key")),
        ("method-mismatch.json", .requiredComponentNotCovered("digest")),
        ("post-digest-not-signed.json", .requiredComponentNotCovered("digest")),
        ("post-tampered-body.json", .digestMismatch(algorithm: "SHA-256", expected: "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=", computed: "wFNeS+K3n/2TKRMFQ2v4iTFOSj+uwF7P/Lt98xrZ5Ro=")),
        ("post-tampered-path.json", .signatureDoesNotVerify(keyID: "https://remote.domain/users/bob#main-key")),
        ("unknown-key-404.json", .unknownKey(keyID: "https://remote.domain/users/alice#main-key", detail: "404 Not Found")),
        ("unparsable-date.json", .invalidDate("wrong date")),
    ]

    @Test(arguments: refused)
    func refusedAsMastodonRefusesIt(file: String, expected: SignatureError) async throws {
        let path = "mastodon/http-signatures/" + file
        #expect(try Self.vector(path).expected.hasPrefix("reject"))
        guard case .failure(let error) = try await outcome(path) else {
            Issue.record("\(file) was accepted")
            return
        }
        if case .expired = expected {
            guard case .expired = error else {
                Issue.record("expected expired, got \(error)")
                return
            }
        } else {
            #expect(error == expected)
        }
    }

    @Test func aMethodMismatchAlsoFailsTheCryptographyItself() throws {
        let vector = try Self.vector("mastodon/http-signatures/method-mismatch.json")
        let verifier = SignatureVerifier(policy: .cryptographicOnly)
        #expect(throws: SignatureError.signatureDoesNotVerify(keyID: "https://remote.domain/users/bob#main-key")) {
            try verifier.verify(vector.message, candidate: verifier.candidate(in: vector.message), key: Self.keys("https://remote.domain/users/bob#main-key"), now: vector.now)
        }
    }
}

/// PKCS#1 v1.5 is deterministic: signing the peers' requests with their published key reproduces their signatures.
@Suite struct PeerSignatureReproductionTests {
    let key: SigningKey

    init() throws {
        key = try SigningKey(pem: Vectors.text("mastodon/http-signatures/remote-domain-bob.private.pem"))
    }

    @Test func mastodonsSignedPostIsReproducedExactly() throws {
        let vector = try PeerVectorTests.vector("mastodon/http-signatures/post-valid.json")
        let published = try CavageSignatureHeader.parse(try #require(vector.headers["Signature"]))
        var message = vector.message
        message.fields.removeAll { $0.name == "Signature" }
        try MessageSigner(key: key, keyID: published.keyID).signCavage(&message, now: vector.now, headers: published.headers)
        let ours = try CavageSignatureHeader.parse(try #require(message.combinedValue(of: "signature")))
        #expect(ours.signature == published.signature)
        #expect(ours.headers == ["host", "date", "digest", "(request-target)"])
    }

    @Test func theRFC9421RequestFromMastodonsSpecIsReproducedExactly() throws {
        let vector = try PeerVectorTests.vector("fedify/http-signatures/rfc9421-get-from-mastodon-spec.json")
        let published = try #require(try MessageSignatureInput.all(in: vector.message).first)
        var message = vector.message
        message.fields.removeAll { ["Signature", "Signature-Input"].contains($0.name) }
        try MessageSigner(key: key, keyID: try #require(published.keyID))
            .signRFC9421(&message, now: Date(timeIntervalSince1970: TimeInterval(try #require(published.created))))
        #expect(message.combinedValue(of: "signature-input") == vector.headers["Signature-Input"])
        #expect(message.combinedValue(of: "signature") == vector.headers["Signature"])
    }
}
