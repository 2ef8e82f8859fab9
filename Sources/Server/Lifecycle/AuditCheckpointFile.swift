#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Moderation

/// The audit checkpoints as an append-only file of JSON lines (`data_dir/audit.checkpoints`, mode 0600), one signed
/// checkpoint per line; the last line is the one in force. Copying the file off the host (a log shipper, a backup)
/// makes it an anchor someone with the database and the host cannot rewrite.
public struct AuditCheckpointFile: AuditCheckpointLog {
    /// The file.
    public let path: String

    /// The log in `path`.
    public init(path: String) {
        self.path = path
    }

    /// The last complete line, read from the end of the file.
    public func last() async throws -> AuditCheckpoint? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw AuditCheckpointError.file(path: path, detail: "cannot be read") }
            return nil
        }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        var window: UInt64 = 4096
        while true {
            let start = size > window ? size - window : 0
            try handle.seek(toOffset: start)
            let data = try handle.readToEnd() ?? Data()
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            // A line is whole when it ends the file with a newline or when the window began before it.
            if let line = lines.last, start == 0 || lines.count > 1 {
                guard let checkpoint = AuditCheckpoint(line: String(decoding: line, as: UTF8.self)) else {
                    throw AuditCheckpointError.file(path: path, detail: "its last line is not a checkpoint (the file was edited)")
                }
                return checkpoint
            }
            if start == 0 { return nil }
            window *= 4
        }
    }

    /// Appends one line (creating the file with mode 0600), synced to disk.
    public func append(_ checkpoint: AuditCheckpoint) async throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { throw AuditCheckpointError.file(path: path, detail: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let bytes = Array((checkpoint.line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw AuditCheckpointError.file(path: path, detail: "could not append a checkpoint")
        }
    }
}
