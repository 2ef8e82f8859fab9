import Foundation
import Testing

/// Golden files: expected output kept beside the tests. Run with `PALISADE_UPDATE_GOLDEN=1` to rewrite them,
/// then read the diff before committing.
public enum Golden {
    /// Compares `actual` with `Tests/<path>`; records a test issue naming the first differing line.
    public static func expect(_ actual: String, matches path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = Fixtures.projectRoot.appendingPathComponent("Tests").appendingPathComponent(path)
        if ProcessInfo.processInfo.environment["PALISADE_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("golden file \(path) is missing; run with PALISADE_UPDATE_GOLDEN=1 to create it", sourceLocation: sourceLocation)
            return
        }
        guard actual != expected else { return }
        let actualLines = actual.components(separatedBy: "\n")
        let expectedLines = expected.components(separatedBy: "\n")
        let index = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actualLines.count, expectedLines.count)
        let got = index < actualLines.count ? actualLines[index] : "<end of output>"
        let want = index < expectedLines.count ? expectedLines[index] : "<end of file>"
        Issue.record(
            "output differs from golden \(path) at line \(index + 1):\n  expected: \(want)\n  actual:   \(got)",
            sourceLocation: sourceLocation)
    }
}
