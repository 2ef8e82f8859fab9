/// One problem in the configuration, with where it was written.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// `palisade.yml:3:7` or `environment variable PALISADE_LISTEN`.
    public let location: String
    /// The dotted key, when the problem belongs to one.
    public let key: String?
    /// What is wrong.
    public let message: String

    /// `palisade.yml:3:7: log.level: expected one of …`
    public var description: String {
        if let key { return "\(location): \(key): \(message)" }
        return "\(location): \(message)"
    }
}

/// Why the configuration could not be loaded.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// `--config` named a file that does not exist.
    case missingFile(path: String)
    /// The file exists but could not be read as text.
    case unreadableFile(path: String, detail: String)
    /// The file or the environment holds invalid keys or values; every problem is listed.
    case invalid([ConfigurationProblem])

    /// One line per problem.
    public var description: String {
        switch self {
        case .missingFile(let path):
            return "config file \(path) does not exist"
        case .unreadableFile(let path, let detail):
            return "cannot read config file \(path): \(detail)"
        case .invalid(let problems):
            let header = problems.count == 1 ? "invalid configuration: " : "invalid configuration (\(problems.count) problems):\n"
            return header + problems.map(\.description).joined(separator: "\n")
        }
    }
}
