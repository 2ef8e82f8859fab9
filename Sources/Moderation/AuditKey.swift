import Crypto
import Foundation

/// The key the audit chain is MAC'd with (HMAC-SHA256): 32 random bytes kept outside the database, so someone who can
/// write the database alone cannot rewrite the chain and recompute it.
public struct AuditKey: Sendable {
    /// The key.
    let key: SymmetricKey

    /// A key from its 32 bytes.
    public init(bytes: some ContiguousBytes) throws(AuditKeyError) {
        let count = bytes.withUnsafeBytes { $0.count }
        guard count == 32 else { throw .wrongLength(count) }
        key = SymmetricKey(data: bytes)
    }

    /// A fresh key from `generator` (the system's CSPRNG in production).
    public static func generate(using generator: inout some RandomNumberGenerator) -> AuditKey {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return try! AuditKey(bytes: bytes)
    }

    /// A key made now from the system's CSPRNG and kept nowhere: for a store opened without the configured key (tests,
    /// benchmarks), whose rows then verify only with this same value.
    public static func ephemeral() -> AuditKey {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// The 32 bytes, to write the key file.
    public var bytes: [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// HMAC-SHA256 of `data`, lower-case hex.
    func mac(_ data: Data) -> String {
        AuditChain.hex(HMAC<SHA256>.authenticationCode(for: data, using: key))
    }
}

/// Why an audit key cannot be used.
public enum AuditKeyError: Error, Equatable, CustomStringConvertible {
    /// The key is not 32 bytes.
    case wrongLength(Int)

    public var description: String {
        switch self {
        case .wrongLength(let count): return "an audit key is 32 bytes, this one is \(count) (make one with: head -c 32 /dev/urandom > audit.key)"
        }
    }
}

/// How an audit row's hash is made.
public enum AuditMAC: String, Sendable, Equatable {
    /// Plain SHA-256: rows written before the chain was keyed (before migration 0011); verifiable, not unforgeable.
    case sha256
    /// HMAC-SHA256 with the audit key: every row since.
    case hmacSHA256 = "hmac-sha256"
}
