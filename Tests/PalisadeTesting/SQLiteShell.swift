import Foundation

/// The `sqlite3` shell: reads a database with an implementation independent of ours.
public enum SQLiteShell {
    /// Runs `query` on the database at `path`; returns its output lines (`|`-separated columns).
    public static func query(_ path: String, _ query: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, query]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("sqlite3 failed on \(path): \(query)") }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// `query`, waiting on a thread of its own (see `offThePool`).
    public static func query(_ path: String, _ query: String) async throws -> [String] {
        try await offThePool { try Self.query(path, query) as [String] }
    }
}
