import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The data directory: owner-only (0700), its files 0600, because it holds private keys, tokens and reports.
public enum DataDirectory {
    /// Creates `path` (and its parents) when missing; fails when it exists and is not a writable directory. On every
    /// call the directory is made 0700 and the files in it 0600 (a directory made by hand, or files written by an older
    /// version, are tightened), and the process's umask becomes 077 so that whatever it creates later (the database's
    /// write-ahead log, key files) is owner-only from the start.
    public static func prepare(_ path: String) throws(DataDirectoryError) {
        umask(0o077)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DataDirectoryError.notADirectory(path) }
            guard FileManager.default.isWritableFile(atPath: path) else { throw DataDirectoryError.notWritable(path) }
            secure(path)
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DataDirectoryError.cannotCreate(path, detail: (error as NSError).localizedDescription)
        }
    }

    /// 0700 on the directory and its subdirectories, 0600 on its regular files but `*.key` (symbolic links are left
    /// alone).
    static func secure(_ path: String) {
        chmod(path, 0o700)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for entry in entries {
            let child = (path as NSString).appendingPathComponent(entry)
            // attributesOfItem does not follow symbolic links (lstat).
            guard let type = (try? FileManager.default.attributesOfItem(atPath: child))?[.type] as? FileAttributeType else { continue }
            switch type {
            case .typeDirectory: secure(child)
            // Key files are left as they are: one that others could read may have leaked, and the code that loads
            // it refuses it with a message (as ssh does) instead of quietly tightening it.
            case .typeRegular where !entry.hasSuffix(".key"): chmod(child, 0o600)
            default: continue
            }
        }
    }
}

/// Why the data directory cannot be used.
public enum DataDirectoryError: Error, Equatable, CustomStringConvertible {
    /// Something other than a directory is at the path.
    case notADirectory(String)
    /// The directory exists but this process cannot write to it.
    case notWritable(String)
    /// The directory could not be created.
    case cannotCreate(String, detail: String)
    /// No database at the path (a command other than `serve` or `admin init` never creates one).
    case noDatabase(String, origin: String)

    /// A sentence an operator can act on.
    public var description: String {
        switch self {
        case .notADirectory(let path): return "data_dir \(path) exists but is not a directory"
        case .notWritable(let path): return "data_dir \(path) is not writable by this user"
        case .cannotCreate(let path, let detail): return "cannot create data_dir \(path): \(detail)"
        case .noDatabase(let path, let origin):
            return "no Palisade database at \(path) (data_dir from \(origin)): run from the right directory or pass --config"
                + " (`palisade admin init` creates one)"
        }
    }
}
