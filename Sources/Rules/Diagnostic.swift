/// A position in a rule file: 1-based line, and column counted in Unicode scalars (as libyaml counts).
public struct SourceLocation: Sendable, Hashable, Comparable {
    /// The file, as given to the loader (relative paths stay relative).
    public let file: String
    /// The line, from 1.
    public let line: Int
    /// The column, from 1.
    public let column: Int

    /// Makes a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// One problem in a rule set, reported the way compilers do.
public struct Diagnostic: Sendable, Hashable {
    /// How bad it is.
    public enum Severity: String, Sendable, Hashable {
        /// The rule set cannot be used (`rules check` exits 1).
        case error
        /// Worth fixing; the rule set still works.
        case warning
    }

    /// Where.
    public let location: SourceLocation
    /// How bad.
    public let severity: Severity
    /// What is wrong, in a sentence.
    public let message: String

    /// Makes a diagnostic.
    public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `file:line:col: severity: message`, then the source line and a caret under the column (when the line is known).
    public func rendered(source: String?) -> String {
        var text = "\(location.file):\(location.line):\(location.column): \(severity.rawValue): \(message)"
        if let source, let line = Self.line(location.line, of: source) {
            let before = line.unicodeScalars.prefix(max(0, location.column - 1))
            let padding = String(before.map { $0 == "\t" ? "\t" : " " })
            text += "\n" + line + "\n" + padding + "^"
        }
        return text
    }

    static func line(_ number: Int, of source: String) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == number { return String(line.hasSuffix("\r") ? line.dropLast() : line) }
            current += 1
        }
        return nil
    }
}
