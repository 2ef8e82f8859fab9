import Crypto
import Foundation

/// The service's own secret, kept outside the database in `data_dir/palisade.key` (32 random bytes, mode 0600, made
/// on first start): a copy of the database alone cannot forge what it keys. Purposes get keys of their own, derived
/// with HKDF (`domain-proof`, `secrets-at-rest`, …).
public struct ServiceSecret: Sendable {
    private let key: SymmetricKey

    /// The file name inside the data directory.
    public static let fileName = "palisade.key"

    /// A secret from raw bytes (tests).
    public init(key: SymmetricKey) {
        self.key = key
    }

    /// Reads `data_dir/palisade.key`, or creates it (0600) when missing; a file of another size is an error.
    public static func loadOrCreate(dataDirectory: String) throws -> ServiceSecret {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw ServiceSecretError.tooOpen(path: path, mode: mode & 0o777)
        }
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw ServiceSecretError.malformed(path: path, bytes: data.count) }
            return ServiceSecret(key: SymmetricKey(data: data))
        }
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ServiceSecretError.cannotWrite(path: path)
        }
        return ServiceSecret(key: key)
    }

    /// The secret beside the database at `databasePath` (`palisade.key` in the same directory), when there is one.
    public static func load(besideDatabase databasePath: String) throws -> ServiceSecret? {
        let path = ((databasePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard data.count == 32 else { throw ServiceSecretError.malformed(path: path, bytes: data.count) }
        return ServiceSecret(key: SymmetricKey(data: data))
    }

    /// The key for one purpose.
    public func key(for purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("palisade:\(purpose)".utf8), outputByteCount: 32)
    }
}

/// Why the service secret cannot be used.
public enum ServiceSecretError: Error, Equatable, CustomStringConvertible {
    /// The file exists but is not 32 bytes.
    case malformed(path: String, bytes: Int)
    /// The file could not be created.
    case cannotWrite(path: String)
    /// Group or others may read or write it.
    case tooOpen(path: String, mode: Int)

    /// A sentence an operator can act on.
    public var description: String {
        switch self {
        case .malformed(let path, let bytes):
            return "\(path) holds \(bytes) bytes, not the 32 of a Palisade service secret; restore it from a backup (it keys domain proofs)"
        case .cannotWrite(let path): return "cannot write the service secret \(path)"
        case .tooOpen(let path, let mode):
            return "the service secret \(path) has mode \(String(mode, radix: 8)); it must be readable by its owner alone (chmod 600 \(path))"
        }
    }
}
