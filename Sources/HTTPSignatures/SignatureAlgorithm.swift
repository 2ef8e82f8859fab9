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
                return try rsa.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation
            case (.rsaPSSSHA512, .rsa(let rsa)):
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
