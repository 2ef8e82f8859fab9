import Crypto
import Foundation
import _CryptoExtras

/// A key that makes signatures: RSA, Ed25519, ECDSA P-256 or an HMAC shared secret.
public struct SigningKey: Sendable {
    enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case hmac(SymmetricKey)
    }

    let material: Material
    /// The algorithm this key is bound to (an RSA-PSS PKCS#8 key binds `rsa-pss-sha512`); nil lets the key type decide.
    public let algorithm: SignatureAlgorithm?
    /// An RSA key again, parsed once by the system's OpenSSL, which signs it faster (see `SystemRSAKey`); nil for
    /// other keys, or when OpenSSL cannot read it (then swift-crypto signs).
    let systemRSA: SystemRSAKey?

    init(_ material: Material, algorithm: SignatureAlgorithm? = nil) {
        self.material = material
        self.algorithm = algorithm
        if case .rsa(let key) = material { systemRSA = SystemRSAKey(privateDER: key.derRepresentation) } else { systemRSA = nil }
    }

    /// The same key with the given OpenSSL form (nil: swift-crypto signs).
    init(_ material: Material, algorithm: SignatureAlgorithm?, systemRSA: SystemRSAKey?) {
        self.material = material
        self.algorithm = algorithm
        self.systemRSA = systemRSA
    }

    /// Reads a private key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`: RSA, RSA-PSS, Ed25519, P-256), PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`) or SEC1 (`BEGIN EC PRIVATE KEY`).
    public init(pem: String) throws(SignatureError) {
        let block = try PEMBlock(pem)
        switch block.label {
        case "PRIVATE KEY":
            let algorithmAndKey = block.algorithmAndKey()
            if algorithmAndKey?.oid == PEMBlock.rsaPSS {
                // RSASSA-PSS PKCS#8: the key is bound to PSS; its OCTET STRING holds a PKCS#1 RSAPrivateKey.
                guard let inner = algorithmAndKey?.key, let key = try? _RSA.Signing.PrivateKey(unsafeDERRepresentation: inner) else {
                    throw SignatureError.invalidKey("the RSA-PSS PRIVATE KEY block holds no readable RSA key")
                }
                self.init(try Self.checkedRSA(key), algorithm: .rsaPSSSHA512)
            } else if let key = try? Curve25519.Signing.PrivateKey(derRepresentation: block.der) {
                self.init(.ed25519(key))
            } else if let key = try? P256.Signing.PrivateKey(derRepresentation: block.der) {
                self.init(.p256(key))
            } else if let key = try? _RSA.Signing.PrivateKey(unsafeDERRepresentation: block.der) {
                self.init(try Self.checkedRSA(key))
            } else {
                throw SignatureError.invalidKey("the PRIVATE KEY block is not an RSA, Ed25519 or P-256 key")
            }
        case "RSA PRIVATE KEY":
            guard let key = try? _RSA.Signing.PrivateKey(unsafeDERRepresentation: block.der) else {
                throw SignatureError.invalidKey("the RSA PRIVATE KEY block is not a PKCS#1 RSA private key")
            }
            self.init(try Self.checkedRSA(key))
        case "EC PRIVATE KEY":
            guard let key = try? P256.Signing.PrivateKey(derRepresentation: block.der) else {
                throw SignatureError.invalidKey("the EC PRIVATE KEY block is not a P-256 key")
            }
            self.init(.p256(key))
        default:
            throw SignatureError.invalidKey("a '\(block.label)' block is not a private key (expected BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)")
        }
    }

    /// The signing half of a stored RSA key pair.
    public init(_ pair: RSAKeyPair) throws(SignatureError) {
        try self.init(pem: pair.privateKeyPEM)
    }

    /// An Ed25519 key from its 32-byte seed.
    public init(ed25519Raw bytes: Data) throws(SignatureError) {
        guard bytes.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
            throw SignatureError.invalidKey("an Ed25519 private key is 32 bytes, got \(bytes.count)")
        }
        self.init(.ed25519(key))
    }

    /// An Ed25519 key from a multibase secret (`z…`: base58btc of multicodec `ed25519-priv`, 0x80 0x26, and the 32-byte seed),
    /// as FEP-8b32 publishes it.
    public init(ed25519Multibase text: String) throws(SignatureError) {
        guard text.first == "z", let decoded = Base58.decode(String(text.dropFirst())), decoded.count == 34,
            decoded[0] == 0x80, decoded[1] == 0x26
        else { throw SignatureError.invalidKey("an Ed25519 multibase secret is 'z' + base58btc of 0x8026 and 32 bytes") }
        try self.init(ed25519Raw: Data(decoded.dropFirst(2)))
    }

    /// A new Ed25519 key.
    public static func generateEd25519() -> SigningKey {
        SigningKey(.ed25519(Curve25519.Signing.PrivateKey()))
    }

    /// An HMAC key from its shared secret bytes.
    public init(sharedSecret: Data) {
        self.init(.hmac(SymmetricKey(data: sharedSecret)))
    }

    /// The matching verification key.
    public var verificationKey: VerificationKey {
        switch material {
        case .rsa(let key): return VerificationKey(.rsa(key.publicKey), algorithm: algorithm)
        case .ed25519(let key): return VerificationKey(.ed25519(key.publicKey), algorithm: algorithm)
        case .p256(let key): return VerificationKey(.p256(key.publicKey), algorithm: algorithm)
        case .hmac(let key): return VerificationKey(.hmac(key), algorithm: algorithm)
        }
    }

    /// The key type in words.
    public var kind: String { verificationKey.kind }

    private static func checkedRSA(_ key: _RSA.Signing.PrivateKey) throws(SignatureError) -> Material {
        guard key.keySizeInBits >= VerificationKey.minimumRSABits else {
            throw SignatureError.invalidKey("the RSA key has \(key.keySizeInBits) bits; at least \(VerificationKey.minimumRSABits) are required")
        }
        return .rsa(key)
    }
}
