import Foundation

/// The project's checked-in test data: `fixtures/` and the golden files under `Tests/`.
public enum Fixtures {
    /// The repository root, found from this source file's location.
    public static let projectRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // PalisadeTesting
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// `fixtures/<path>`.
    public static func url(_ path: String) -> URL {
        projectRoot.appendingPathComponent("fixtures").appendingPathComponent(path)
    }

    /// The text of `fixtures/<path>`.
    public static func text(_ path: String) throws -> String {
        try String(contentsOf: url(path), encoding: .utf8)
    }
}
