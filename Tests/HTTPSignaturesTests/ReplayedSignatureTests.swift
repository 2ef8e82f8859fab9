import Foundation
import HTTPSignatures
import Testing

/// Issue 16, item 4: an old draft-cavage signature cannot be made fresh again by appending parameters it does not cover.
@Suite struct ReplayedSignatureTests {
    let signedAt = Date(timeIntervalSince1970: 1_795_000_000)
    let keyID = "https://remote.example/users/bob#main-key"

    func signedPost(key: SigningKey) throws -> HTTPMessage {
        var message = HTTPMessage(
            method: "POST", target: "/inbox",
            fields: [.init("Host", "mod.example.org"), .init("Content-Type", "application/activity+json")],
            body: Data(#"{"type":"Flag","actor":"https://remote.example/users/bob"}"#.utf8))
        try MessageSigner(key: key, keyID: keyID).signCavage(&message, now: signedAt)
        return message
    }

    func appending(_ suffix: String, to message: HTTPMessage) throws -> HTTPMessage {
        var copy = message
        let signature = try #require(copy.combinedValue(of: "signature"))
        copy.fields.removeAll { $0.name.lowercased() == "signature" }
        copy.fields.append(.init("Signature", signature + suffix))
        return copy
    }

    static let ages: [TimeInterval] = [3 * 3600, 13 * 3600, 30 * 86_400]

    @Test(arguments: ages)
    func anAppendedCreatedDoesNotRefreshAnOldSignature(age: TimeInterval) throws {
        let key = try SigningKey(RSAKeyPair(privateKeyPEM: Vectors.text("../keys/mastodon-remote-domain-bob.private.pem")))
        let original = try signedPost(key: key)
        let now = signedAt.addingTimeInterval(age)
        let verifier = SignatureVerifier()
        // Before the fix, `created` replaced the signed Date and the replay was accepted and stored.
        for suffix in [",created=\(Int(now.timeIntervalSince1970))", ",created=\(Int(now.timeIntervalSince1970)),expires=\(Int(now.timeIntervalSince1970) + 3600)"] {
            let replayed = try appending(suffix, to: original)
            #expect(throws: SignatureError.expired(expiredAt: signedAt.addingTimeInterval(300), now: now)) {
                try verifier.verify(replayed, candidate: verifier.candidate(in: replayed), key: key.verificationKey, now: now)
            }
        }
    }

    @Test(arguments: ages)
    func anAppendedExpiresDoesNotLengthenAnOldSignature(age: TimeInterval) throws {
        let key = try SigningKey(RSAKeyPair(privateKeyPEM: Vectors.text("../keys/mastodon-remote-domain-bob.private.pem")))
        let now = signedAt.addingTimeInterval(age)
        let replayed = try appending(",expires=\(Int(now.timeIntervalSince1970) + 3600)", to: try signedPost(key: key))
        let verifier = SignatureVerifier()
        #expect(throws: SignatureError.expired(expiredAt: signedAt.addingTimeInterval(300), now: now)) {
            try verifier.verify(replayed, candidate: verifier.candidate(in: replayed), key: key.verificationKey, now: now)
        }
    }

    @Test func anUncoveredExpiresInThePastStillShortensTheWindow() throws {
        let key = SigningKey.generateEd25519()
        let shortened = try appending(",expires=\(Int(signedAt.timeIntervalSince1970) - 7200)", to: try signedPost(key: key))
        let verifier = SignatureVerifier()
        #expect(throws: SignatureError.self) {
            try verifier.verify(shortened, candidate: verifier.candidate(in: shortened), key: key.verificationKey, now: signedAt)
        }
    }

    @Test func aFreshSignatureWithAnUncoveredCreatedStillVerifiesByItsDate() throws {
        let key = SigningKey.generateEd25519()
        let message = try appending(",created=1", to: try signedPost(key: key))
        let verifier = SignatureVerifier()
        let verified = try verifier.verify(message, candidate: verifier.candidate(in: message), key: key.verificationKey, now: signedAt.addingTimeInterval(60))
        #expect(verified.created == signedAt)
    }

    @Test func aSignatureWhoseFreshnessIsUnsignedIsRefused() throws {
        // `headers` without date or (created): nothing signed says when it was made.
        let key = SigningKey.generateEd25519()
        var message = try signedPost(key: key)
        let header = try CavageSignatureHeader.parse(try #require(message.combinedValue(of: "signature")))
        var unsigned = header
        unsigned.headers = ["(request-target)", "host", "digest"]
        unsigned.created = Int(signedAt.timeIntervalSince1970)
        // Coverage is checked before any cryptography, so the signature bytes do not matter here.
        message.fields.removeAll { $0.name.lowercased() == "signature" }
        message.fields.append(.init("Signature", unsigned.serialized))
        let verifier = SignatureVerifier()
        #expect(throws: SignatureError.requiredComponentNotCovered("date or (created)")) {
            try verifier.verify(message, candidate: verifier.candidate(in: message), key: key.verificationKey, now: signedAt)
        }
    }
}
