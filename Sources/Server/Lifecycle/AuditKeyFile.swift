#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Moderation

/// The audit chain's HMAC key on disk, outside the database: 32 raw bytes, readable by the owner alone. The default
/// file (`data_dir/audit.key`) is created on first start; a configured `audit.key_file` must exist already, so a typo
/// in the path never silently starts a new key.
public enum AuditKeyFile {
    /// What loading did.
    public enum Outcome: Sendable {
        /// The key was read from the file.
        case loaded(AuditKey)
        /// The file did not exist and was created with a new key.
        case created(AuditKey)

        /// The key.
        public var key: AuditKey {
            switch self {
            case .loaded(let key), .created(let key): return key
            }
        }
    }

    /// Reads the key at `path`; when it is missing and `create` is set, writes a new one from `generator` (mode 0600,
    /// never over an existing file).
    public static func loadOrCreate(path: String, create: Bool, using generator: inout some RandomNumberGenerator) throws(AuditKeyFileError)
        -> Outcome
    {
        if FileManager.default.fileExists(atPath: path) { return .loaded(try load(path)) }
        guard create else { throw .missing(path) }
        let key = AuditKey.generate(using: &generator)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            // Another process created it first: use theirs.
            if errno == EEXIST { return .loaded(try load(path)) }
            throw .unreadable(path, detail: String(cString: strerror(errno)))
        }
        let bytes = key.bytes
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else { throw .unreadable(path, detail: "could not write the new key") }
        return .created(key)
    }

    /// The key of the configuration: `audit.key_file`, or `data_dir/audit.key` (created when missing).
    public static func load(_ configuration: PalisadeConfiguration) throws(AuditKeyFileError) -> Outcome {
        var generator = SystemRandomNumberGenerator()
        return try loadOrCreate(path: configuration.auditKeyPath, create: configuration.audit.keyFile == nil, using: &generator)
    }

    private static func load(_ path: String) throws(AuditKeyFileError) -> AuditKey {
        let mode: Int
        do {
            mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        } catch {
            throw .unreadable(path, detail: (error as NSError).localizedDescription)
        }
        guard mode & 0o077 == 0 else { throw .tooOpen(path, mode: mode & 0o777) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path, detail: "cannot read it") }
        do {
            return try AuditKey(bytes: data)
        } catch {
            throw .malformed(path, detail: error.description)
        }
    }
}

/// Why the audit key cannot be loaded, with what to do.
public enum AuditKeyFileError: Error, Equatable, CustomStringConvertible {
    /// The configured key file does not exist.
    case missing(String)
    /// Group or others may read or write it.
    case tooOpen(String, mode: Int)
    /// It cannot be read (or the new one written).
    case unreadable(String, detail: String)
    /// It is not a key.
    case malformed(String, detail: String)

    public var description: String {
        switch self {
        case .missing(let path):
            return "audit.key_file \(path) does not exist (create it with: head -c 32 /dev/urandom > \(path) && chmod 600 \(path))"
        case .tooOpen(let path, let mode):
            return "the audit key \(path) has mode \(String(mode, radix: 8)); it must be readable by its owner alone (chmod 600 \(path))"
        case .unreadable(let path, let detail): return "cannot use the audit key \(path): \(detail)"
        case .malformed(let path, let detail): return "the audit key \(path) is not usable: \(detail)"
        }
    }
}
