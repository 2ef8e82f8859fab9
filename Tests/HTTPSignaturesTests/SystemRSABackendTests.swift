import Foundation
@_spi(Backends) import HTTPSignatures
import PalisadeTesting
import Testing

/// Issue 21: RSA signatures come from the system's OpenSSL. PKCS#1 v1.5 is deterministic, so they must be the very
/// bytes swift-crypto makes; PSS is randomised, so each backend must accept the other's.
@Suite struct SystemRSABackendTests {
    static let message = Data("(request-target): post /inbox\nhost: mastodon.example\ndate: Fri, 27 Nov 2026 12:00:00 GMT".utf8)

    /// Mastodon's published test key, the RFC 9421 test key (PKCS#1 PEM), the draft-cavage test key (1024 bits) and a
    /// generated one.
    static func keys() throws -> [SigningKey] {
        try [
            SigningKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem")),
            SigningKey(pem: Fixtures.text("keys/rfc9421-test-key-rsa.private.pkcs1.pem")),
            SigningKey(pem: Fixtures.text("keys/cavage-test-key-Test.private.pem")),
            SigningKey(RSAKeyPair.generate()),
        ]
    }

    @Test func pkcs1SignaturesAreSwiftCryptosBytes() throws {
        for key in try Self.keys() {
            for data in [Self.message, Data(), Data(repeating: 0xFF, count: 100_000)] {
                let system = try SignatureAlgorithm.rsaV15SHA256.sign(data, with: key)
                let swiftCrypto = try SignatureAlgorithm.rsaV15SHA256.signWithSwiftCrypto(data, with: key)
                #expect(system == swiftCrypto, "\(key.kind)")
                #expect(try SignatureAlgorithm.rsaV15SHA256.isValid(system, of: data, key: key.verificationKey))
            }
        }
    }

    @Test func pssSignaturesVerifyAcrossBackends() throws {
        // PSS with SHA-512 and a 64-byte salt needs more than 1,024 bits: neither backend signs with the cavage key.
        let cavage = try SigningKey(pem: Fixtures.text("keys/cavage-test-key-Test.private.pem"))
        #expect(throws: SignatureError.self) { try SignatureAlgorithm.rsaPSSSHA512.sign(Self.message, with: cavage) }
        for key in try Self.keys() where key.kind != "RSA-1024" {
            let system = try SignatureAlgorithm.rsaPSSSHA512.sign(Self.message, with: key)
            let swiftCrypto = try SignatureAlgorithm.rsaPSSSHA512.signWithSwiftCrypto(Self.message, with: key)
            #expect(system != swiftCrypto, "PSS is randomised: two signatures differ")
            let publicKey = try #require(SystemRSAPublicKey(key.verificationKey))
            #expect(try SignatureAlgorithm.rsaPSSSHA512.isValid(system, of: Self.message, key: key.verificationKey), "swift-crypto accepts OpenSSL's")
            #expect(SignatureAlgorithm.rsaPSSSHA512.isValidWithSystemOpenSSL(swiftCrypto, of: Self.message, key: publicKey) == true, "and the other way")
            #expect(SignatureAlgorithm.rsaPSSSHA512.isValidWithSystemOpenSSL(system, of: Self.message + Data([0]), key: publicKey) == false)
        }
    }

    /// Hostile signatures (empty, short, long, all ones, another message's) are refused by both backends, and a
    /// refusal leaves nothing behind: the next good signature still verifies.
    @Test func hostileSignaturesAreRefusedAndLeaveNothingBehind() throws {
        let key = try SigningKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem"))
        let publicKey = try #require(SystemRSAPublicKey(key.verificationKey))
        let good = try SignatureAlgorithm.rsaV15SHA256.sign(Self.message, with: key)
        let other = try SignatureAlgorithm.rsaV15SHA256.sign(Data("another".utf8), with: key)
        for bad in [Data(), Data([1]), good.dropLast(), good + Data([0]), Data(repeating: 0xFF, count: good.count), Data(count: 1 << 20), other] {
            #expect(SignatureAlgorithm.rsaV15SHA256.isValidWithSystemOpenSSL(bad, of: Self.message, key: publicKey) == false)
            #expect(try SignatureAlgorithm.rsaV15SHA256.isValid(bad, of: Self.message, key: key.verificationKey) == false)
            #expect(SignatureAlgorithm.rsaV15SHA256.isValidWithSystemOpenSSL(good, of: Self.message, key: publicKey) == true)
        }
        #expect(SignatureAlgorithm.ed25519.isValidWithSystemOpenSSL(good, of: Self.message, key: publicKey) == nil, "not an RSA algorithm")
        #expect(SystemRSAPublicKey(SigningKey.generateEd25519().verificationKey) == nil, "not an RSA key")
    }

    /// Delivery signs on many threads at once with one key: every signature is the one a single thread makes.
    @Test func concurrentSigningWithOneKeyGivesTheSameBytes() async throws {
        let key = try SigningKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem"))
        let expected = try SignatureAlgorithm.rsaV15SHA256.signWithSwiftCrypto(Self.message, with: key)
        let signatures = try await withThrowingTaskGroup(of: [Data].self) { group in
            for _ in 0..<8 {
                group.addTask { try (0..<25).map { _ in try SignatureAlgorithm.rsaV15SHA256.sign(Self.message, with: key) } }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(signatures.count == 200)
        #expect(signatures.allSatisfy { $0 == expected })
    }
}
