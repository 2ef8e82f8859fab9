import Crypto
import Foundation
import _CryptoExtras

/// The RFC 9421 algorithms (draft-cavage's `rsa-sha256` and `hs2019` map onto them).
public enum SignatureAlgorithm: String, Sendable, CaseIterable {
    /// RSASSA-PKCS1-v1_5 with SHA-256: Mastodon's and draft-cavage's `rsa-sha256`.
    case rsaV15SHA256 = "rsa-v1_5-sha256"
    /// RSASSA-PSS with SHA-512 (salt 64 bytes).
    case rsaPSSSHA512 = "rsa-pss-sha512"
    /// ECDSA over P-256 with SHA-256; the signature is raw r‖s (64 bytes).
    case ecdsaP256SHA256 = "ecdsa-p256-sha256"
    /// Ed25519.
    case ed25519 = "ed25519"
    /// HMAC with SHA-256 over a shared secret.
    case hmacSHA256 = "hmac-sha256"

    /// The algorithm a key implies when a signature does not name one (`hs2019`, or RFC 9421 without `alg`).
    /// RSA keys imply PKCS#1 v1.5 with SHA-256, as Mastodon and fedify do.
    public static func implied(by key: VerificationKey) -> SignatureAlgorithm {
        if let bound = key.algorithm { return bound }
        switch key.material {
        case .rsa: return .rsaV15SHA256
        case .ed25519: return .ed25519
        case .p256: return .ecdsaP256SHA256
        case .hmac: return .hmacSHA256
        }
    }

    /// Signs `data`; fails when the key does not fit the algorithm.
    public func sign(_ data: Data, with key: SigningKey) throws(SignatureError) -> Data {
        do {
            switch (self, key.material) {
            case (.rsaV15SHA256, .rsa(let rsa)):
                if let signature = key.systemRSA?.sign(data, scheme: .pkcs1SHA256) { return signature }
                return try rsa.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation
            case (.rsaPSSSHA512, .rsa(let rsa)):
                if let signature = key.systemRSA?.sign(data, scheme: .pssSHA512) { return signature }
                return try rsa.signature(for: SHA512.hash(data: data), padding: .PSS).rawRepresentation
            case (.ecdsaP256SHA256, .p256(let ec)):
                return try ec.signature(for: data).rawRepresentation
            case (.ed25519, .ed25519(let ed)):
                return try ed.signature(for: data)
            case (.hmacSHA256, .hmac(let secret)):
                return Data(HMAC<SHA256>.authenticationCode(for: data, using: secret))
            default:
                throw SignatureError.keyAlgorithmMismatch(key: key.kind, algorithm: rawValue)
            }
        } catch let error as SignatureError {
            throw error
        } catch {
            throw SignatureError.invalidKey("signing failed: \(error)")
        }
    }

    /// Whether `signature` is this algorithm's signature of `data` under `key`; throws when the key does not fit.
    public func isValid(_ signature: Data, of data: Data, key: VerificationKey) throws(SignatureError) -> Bool {
        switch (self, key.material) {
        case (.rsaV15SHA256, .rsa(let rsa)):
            return rsa.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
        case (.rsaPSSSHA512, .rsa(let rsa)):
            return rsa.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA512.hash(data: data), padding: .PSS)
        case (.ecdsaP256SHA256, .p256(let ec)):
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return ec.isValidSignature(parsed, for: data)
        case (.ed25519, .ed25519(let ed)):
            return ed.isValidSignature(signature, for: data)
        case (.hmacSHA256, .hmac(let secret)):
            return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: data, using: secret)
        default:
            throw SignatureError.keyAlgorithmMismatch(key: key.kind, algorithm: rawValue)
        }
    }
}

// The RSA backends one by one, for `palisade bench signatures` and the tests that compare them.
extension SignatureAlgorithm {
    /// Signs with swift-crypto (BoringSSL) even where the system's OpenSSL would.
    @_spi(Backends) public func signWithSwiftCrypto(_ data: Data, with key: SigningKey) throws(SignatureError) -> Data {
        let bare = SigningKey(key.material, algorithm: key.algorithm, systemRSA: nil)
        return try sign(data, with: bare)
    }

    /// Verifies an RSA signature with the system's OpenSSL (the public key parsed once, in `key`); nil for keys that are
    /// not RSA or algorithms that are not RSA.
    @_spi(Backends) public func isValidWithSystemOpenSSL(_ signature: Data, of data: Data, key: SystemRSAPublicKey) -> Bool? {
        switch self {
        case .rsaV15SHA256: return key.key.isValid(signature, of: data, scheme: .pkcs1SHA256)
        case .rsaPSSSHA512: return key.key.isValid(signature, of: data, scheme: .pssSHA512)
        default: return nil
        }
    }

    /// The system OpenSSL's version (e.g. "OpenSSL 3.0.19 27 Jan 2026").
    @_spi(Backends) public static var systemOpenSSLVersion: String { SystemRSAKey.libraryVersion }
}

/// An RSA public key parsed by the system's OpenSSL (see `SignatureAlgorithm.isValidWithSystemOpenSSL`).
@_spi(Backends) public struct SystemRSAPublicKey: Sendable {
    let key: SystemRSAKey

    /// The OpenSSL form of an RSA verification key, or nil for other keys.
    public init?(_ verificationKey: VerificationKey) {
        guard case .rsa(let rsa) = verificationKey.material, let key = SystemRSAKey(publicDER: rsa.derRepresentation) else { return nil }
        self.key = key
    }
}
