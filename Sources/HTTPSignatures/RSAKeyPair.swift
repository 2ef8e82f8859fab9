import Foundation
import _CryptoExtras

/// An RSA key pair as the fediverse uses it: the private key as PKCS#8 PEM, the public key as SPKI PEM.
public struct RSAKeyPair: Sendable, Equatable {
    /// The private key, `-----BEGIN PRIVATE KEY-----` (PKCS#8).
    public let privateKeyPEM: String
    /// The public key, `-----BEGIN PUBLIC KEY-----` (SPKI), as an actor's `publicKeyPem` carries it.
    public let publicKeyPEM: String
    /// The modulus size in bits.
    public let bitCount: Int

    /// Generates a new RSA-2048 key pair, the size Mastodon and most servers expect.
    public static func generate() throws(KeyError) -> RSAKeyPair {
        do {
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return RSAKeyPair(key)
        } catch {
            throw KeyError.generationFailed(String(describing: error))
        }
    }

    /// Reads a private key in PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) PEM.
    /// Keys under 2048 bits are refused: Palisade never signs with them.
    public init(privateKeyPEM pem: String) throws(KeyError) {
        guard pem.contains("-----BEGIN") else { throw KeyError.notPEM }
        do {
            self.init(try _RSA.Signing.PrivateKey(pemRepresentation: pem))
        } catch {
            if let weak = try? _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem), weak.keySizeInBits < 2048 {
                throw KeyError.tooSmall(bits: weak.keySizeInBits)
            }
            throw KeyError.unreadablePrivateKey(String(describing: error))
        }
    }

    private init(_ key: _RSA.Signing.PrivateKey) {
        self.privateKeyPEM = key.pkcs8PEMRepresentation
        self.publicKeyPEM = key.publicKey.pemRepresentation
        self.bitCount = key.keySizeInBits
    }
}
