import Crypto
import Foundation
import _CryptoExtras

/// A key that verifies signatures: RSA, Ed25519, ECDSA P-256 or an HMAC shared secret.
public struct VerificationKey: Sendable {
    enum Material: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case hmac(SymmetricKey)
    }

    let material: Material
    /// The algorithm this key is bound to (an RSA-PSS SPKI binds `rsa-pss-sha512`); nil lets the key type decide.
    public private(set) var algorithm: SignatureAlgorithm?

    init(_ material: Material, algorithm: SignatureAlgorithm? = nil) {
        self.material = material
        self.algorithm = algorithm
    }

    /// The same key, bound to `algorithm` (RFC 9421 §3.3.7: the algorithm may be fixed by the key, out of band).
    public func bound(to algorithm: SignatureAlgorithm) -> VerificationKey {
        var copy = self
        copy.algorithm = algorithm
        return copy
    }

    /// The key type in words: `RSA-2048`, `Ed25519`, `ECDSA P-256`, `HMAC`.
    public var kind: String {
        switch material {
        case .rsa(let key): return "RSA-\(key.keySizeInBits)"
        case .ed25519: return "Ed25519"
        case .p256: return "ECDSA P-256"
        case .hmac: return "HMAC"
        }
    }

    /// The smallest RSA key accepted for verification (older peers and the draft-cavage vectors use 1024).
    public static let minimumRSABits = 1024

    /// Reads a public key from PEM: SPKI (`BEGIN PUBLIC KEY`: RSA, RSA-PSS, Ed25519, P-256) or PKCS#1 (`BEGIN RSA PUBLIC KEY`).
    public init(pem: String) throws(SignatureError) {
        let block = try PEMBlock(pem)
        switch block.label {
        case "PUBLIC KEY":
            let algorithmAndKey = block.algorithmAndKey()
            if algorithmAndKey?.oid == PEMBlock.rsaPSS {
                // RSASSA-PSS SPKI: the key is bound to PSS; its BIT STRING holds a PKCS#1 RSAPublicKey.
                guard let inner = algorithmAndKey?.key, let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: inner) else {
                    throw SignatureError.invalidKey("the RSA-PSS PUBLIC KEY block holds no readable RSA key")
                }
                self.init(try Self.checkedRSA(key), algorithm: .rsaPSSSHA512)
            } else if let key = try? Curve25519.Signing.PublicKey(derRepresentation: block.der) {
                self.init(.ed25519(key))
            } else if let key = try? P256.Signing.PublicKey(derRepresentation: block.der) {
                self.init(.p256(key))
            } else if let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: block.der) {
                self.init(try Self.checkedRSA(key))
            } else {
                throw SignatureError.invalidKey("the PUBLIC KEY block is not an RSA, Ed25519 or P-256 key")
            }
        case "RSA PUBLIC KEY":
            guard let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: block.der) else {
                throw SignatureError.invalidKey("the RSA PUBLIC KEY block is not a PKCS#1 RSA public key")
            }
            self.init(try Self.checkedRSA(key))
        default:
            throw SignatureError.invalidKey("a '\(block.label)' block is not a public key (expected BEGIN PUBLIC KEY or BEGIN RSA PUBLIC KEY)")
        }
    }

    /// An Ed25519 key from its 32 raw bytes.
    public init(ed25519Raw bytes: Data) throws(SignatureError) {
        guard bytes.count == 32, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else {
            throw SignatureError.invalidKey("an Ed25519 public key is 32 bytes, got \(bytes.count)")
        }
        self.init(.ed25519(key))
    }

    /// A key from FEP-521a's `publicKeyMultibase`: base58btc (`z…`) of the multicodec `ed25519-pub` (0xed 0x01) and 32 bytes.
    public init(multikey: String) throws(SignatureError) {
        guard multikey.first == "z", let decoded = Base58.decode(String(multikey.dropFirst())) else {
            throw SignatureError.invalidKey("a Multikey must be base58btc text starting with 'z'")
        }
        guard decoded.count == 34, decoded[0] == 0xED, decoded[1] == 0x01 else {
            throw SignatureError.invalidKey("only Ed25519 Multikeys (multicodec 0xed01, 34 bytes) are supported")
        }
        try self.init(ed25519Raw: Data(decoded.dropFirst(2)))
    }

    /// An HMAC key from its shared secret bytes.
    public init(sharedSecret: Data) {
        self.init(.hmac(SymmetricKey(data: sharedSecret)))
    }

    private static func checkedRSA(_ key: _RSA.Signing.PublicKey) throws(SignatureError) -> Material {
        guard key.keySizeInBits >= minimumRSABits else {
            throw SignatureError.invalidKey("the RSA key has \(key.keySizeInBits) bits; at least \(minimumRSABits) are required")
        }
        return .rsa(key)
    }
}
