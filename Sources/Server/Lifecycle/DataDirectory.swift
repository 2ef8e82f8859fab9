import Foundation

/// The data directory: created owner-only (0700) because it holds private keys and tokens.
public enum DataDirectory {
    /// Creates `path` (and its parents) when missing; fails when it exists and is not a writable directory.
    public static func prepare(_ path: String) throws(DataDirectoryError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DataDirectoryError.notADirectory(path) }
            guard FileManager.default.isWritableFile(atPath: path) else { throw DataDirectoryError.notWritable(path) }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DataDirectoryError.cannotCreate(path, detail: (error as NSError).localizedDescription)
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

    /// A sentence an operator can act on.
    public var description: String {
        switch self {
        case .notADirectory(let path): return "data_dir \(path) exists but is not a directory"
        case .notWritable(let path): return "data_dir \(path) is not writable by this user"
        case .cannotCreate(let path, let detail): return "cannot create data_dir \(path): \(detail)"
        }
    }
}
