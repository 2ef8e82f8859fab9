import Foundation

/// A fresh directory under the system's temporary directory, removed by `remove()` (or left for inspection on failure).
public struct TemporaryDirectory: Sendable {
    /// The directory.
    public let url: URL

    /// Creates `palisade-tests/<prefix>-<uuid>/`.
    public init(_ prefix: String = "test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("palisade-tests", isDirectory: true)
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let target = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target)
        return target.path
    }

    /// Deletes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
