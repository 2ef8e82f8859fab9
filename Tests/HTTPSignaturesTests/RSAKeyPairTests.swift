import Foundation
import HTTPSignatures
import PalisadeTesting
import Testing

@Suite struct RSAKeyPairTests {
    @Test func generatedKeyIs2048BitsWithPKCS8AndSPKIPEM() throws {
        let pair = try RSAKeyPair.generate()
        #expect(pair.bitCount == 2048)
        #expect(pair.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(pair.publicKeyPEM.hasPrefix("-----BEGIN PUBLIC KEY-----"))
    }

    @Test func twoGeneratedKeysDiffer() throws {
        #expect(try RSAKeyPair.generate() != RSAKeyPair.generate())
    }

    @Test func privateKeyPEMReadsBackToTheSamePair() throws {
        let pair = try RSAKeyPair.generate()
        #expect(try RSAKeyPair(privateKeyPEM: pair.privateKeyPEM) == pair)
    }

    @Test func readsRFC9421PKCS1PrivateKey() throws {
        let pair = try RSAKeyPair(privateKeyPEM: Fixtures.text("keys/rfc9421-test-key-rsa.private.pkcs1.pem"))
        #expect(pair.bitCount == 2048)
        #expect(pair.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test func derivesMastodonsPublishedPublicKeyFromItsPrivateKey() throws {
        let pair = try RSAKeyPair(privateKeyPEM: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem"))
        let published = try Fixtures.text("keys/mastodon-remote-domain-bob.public.pem")
        #expect(pair.publicKeyPEM.filter { !$0.isWhitespace } == published.filter { !$0.isWhitespace })
    }

    @Test func refusesTheCavage1024BitKeyAsTooSmall() throws {
        #expect(throws: KeyError.tooSmall(bits: 1024)) {
            try RSAKeyPair(privateKeyPEM: Fixtures.text("keys/cavage-test-key-Test.private.pem"))
        }
    }

    @Test func refusesTextThatIsNotPEM() {
        #expect(throws: KeyError.notPEM) { try RSAKeyPair(privateKeyPEM: "ssh-rsa AAAAB3Nza") }
    }

    @Test func refusesACorruptedPEMBodyWithAReadableError() throws {
        let pem = try Fixtures.text("keys/rfc9421-test-key-rsa.private.pkcs1.pem")
        // Drop one line of base64 from the middle: still PEM, no longer a DER key.
        var lines = pem.components(separatedBy: "\n")
        lines.remove(at: 5)
        let corrupted = lines.joined(separator: "\n")
        #expect(corrupted != pem)
        let error = #expect(throws: KeyError.self) { try RSAKeyPair(privateKeyPEM: corrupted) }
        guard case .unreadablePrivateKey = error else {
            Issue.record("expected unreadablePrivateKey, got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("not a readable RSA private key") == true)
    }
}
