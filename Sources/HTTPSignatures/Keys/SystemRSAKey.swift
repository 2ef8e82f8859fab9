import CSystemRSA
import Foundation

/// An RSA key held by the system's OpenSSL (libcrypto 3), parsed once: RSA signing there runs at about twice
/// swift-crypto's rate on the build machine (`palisade bench signatures` prints both), and every delivery is one
/// RSA signature per inbox. Signatures are the same bytes as swift-crypto's (PKCS#1 v1.5 is deterministic; tests
/// check both ways). Safe to use from several threads at once: each thread signs with a digest context of its own.
final class SystemRSAKey: @unchecked Sendable {
    /// The two RSA schemes of `SignatureAlgorithm`.
    enum Scheme {
        case pkcs1SHA256, pssSHA512

        var code: Int32 {
            switch self {
            case .pkcs1SHA256: return Int32(PALISADE_RSA_PKCS1_SHA256)
            case .pssSHA512: return Int32(PALISADE_RSA_PSS_SHA512)
            }
        }
    }

    private let key: OpaquePointer
    /// The signature length in bytes.
    let bytes: Int

    private init(_ key: OpaquePointer) {
        self.key = key
        bytes = Int(palisade_rsa_key_bytes(key))
    }

    deinit { palisade_rsa_key_free(key) }

    /// A private key from PKCS#1 or PKCS#8 DER, or nil when OpenSSL cannot read it.
    convenience init?(privateDER der: Data) {
        guard let key = der.withUnsafeBytes({ palisade_rsa_private_key($0.bindMemory(to: UInt8.self).baseAddress, $0.count) }) else { return nil }
        self.init(key)
    }

    /// A public key from PKCS#1 RSAPublicKey or SubjectPublicKeyInfo DER, or nil.
    convenience init?(publicDER der: Data) {
        guard let key = der.withUnsafeBytes({ palisade_rsa_public_key($0.bindMemory(to: UInt8.self).baseAddress, $0.count) }) else { return nil }
        self.init(key)
    }

    /// The signature of `data`, or nil when OpenSSL fails (the caller falls back to swift-crypto).
    func sign(_ data: Data, scheme: Scheme) -> Data? {
        var signature = Data(count: bytes)
        let written = signature.withUnsafeMutableBytes { output in
            data.withUnsafeBytes { input in
                palisade_rsa_sign(
                    key, scheme.code, input.bindMemory(to: UInt8.self).baseAddress, input.count, output.bindMemory(to: UInt8.self).baseAddress,
                    output.count)
            }
        }
        guard written > 0 else { return nil }
        signature.count = Int(written)
        return signature
    }

    /// Whether `signature` signs `data`; nil on an internal OpenSSL failure (the caller falls back to swift-crypto).
    func isValid(_ signature: Data, of data: Data, scheme: Scheme) -> Bool? {
        let result = signature.withUnsafeBytes { signatureBytes in
            data.withUnsafeBytes { input in
                palisade_rsa_verify(
                    key, scheme.code, input.bindMemory(to: UInt8.self).baseAddress, input.count,
                    signatureBytes.bindMemory(to: UInt8.self).baseAddress, signatureBytes.count)
            }
        }
        return result < 0 ? nil : result == 1
    }

    /// The OpenSSL library in use, for benchmark reports.
    static var libraryVersion: String { String(cString: palisade_rsa_library_version()) }
}
