import Foundation
import Yams

/// Where an effective configuration value came from.
public enum ConfigurationOrigin: Sendable, Equatable, CustomStringConvertible {
    /// The built-in default.
    case defaultValue
    /// A line of the YAML file.
    case file(path: String, line: Int)
    /// A `PALISADE_*` environment variable.
    case environment(name: String)

    /// `default`, `palisade.yml:3`, or `env PALISADE_LISTEN`.
    public var description: String {
        switch self {
        case .defaultValue: return "default"
        case .file(let path, let line): return "\(path):\(line)"
        case .environment(let name): return "env \(name)"
        }
    }
}

/// A configuration together with where each value came from.
public struct LoadedConfiguration: Sendable {
    /// The effective values.
    public var configuration: PalisadeConfiguration
    /// The origin of each key that is not at its default, by dotted path.
    public var origins: [String: ConfigurationOrigin]
    /// The file that was read, if any.
    public var filePath: String?

    /// Where `path` got its value.
    public func origin(of path: String) -> ConfigurationOrigin {
        origins[path] ?? .defaultValue
    }

    /// Relative `data_dir`, `rules_dir`, `overlays_dir` and `audit.key_file` written in the file or left at their
    /// defaults are read against the file's directory, so a command run from elsewhere with `--config` finds the same
    /// deployment; those from `PALISADE_*` variables stay relative to the current directory. Records `data_dir`'s origin.
    mutating func resolvePathsAgainstFile() {
        let directory = filePath.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        func resolved(_ path: String, _ key: String) -> String {
            if case .environment = origin(of: key) { return path }
            guard !directory.isEmpty, directory != ".", !path.hasPrefix("/") else { return path }
            let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
            return (directory as NSString).appendingPathComponent(relative)
        }
        configuration.dataDirectory = resolved(configuration.dataDirectory, "data_dir")
        configuration.rulesDirectory = resolved(configuration.rulesDirectory, "rules_dir")
        configuration.overlaysDirectory = resolved(configuration.overlaysDirectory, "overlays_dir")
        if let keyFile = configuration.audit.keyFile { configuration.audit.keyFile = resolved(keyFile, "audit.key_file") }
        switch origin(of: "data_dir") {
        case .defaultValue: configuration.dataDirectoryOrigin = filePath.map { "the default, beside \($0)" } ?? "the default; no \(ConfigurationLoader.defaultFileName) here"
        case .file(let path, let line): configuration.dataDirectoryOrigin = "\(path):\(line)"
        case .environment(let name): configuration.dataDirectoryOrigin = "env \(name)"
        }
    }
}

/// Reads the YAML config file and `PALISADE_*` overrides into a checked `PalisadeConfiguration`.
public enum ConfigurationLoader {
    /// The file read when no `--config` is given, if it exists.
    public static let defaultFileName = "palisade.yml"
    /// Environment variables that start with `PALISADE_` but are not configuration keys.
    public static let nonConfigurationVariables: Set<String> = ["PALISADE_TOKEN", "PALISADE_SERVER"]

    /// Loads `explicitPath` (which must exist), or `./palisade.yml` when present, then the environment.
    public static func load(
        explicitPath: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> LoadedConfiguration {
        let path: String?
        if let explicitPath {
            guard FileManager.default.fileExists(atPath: explicitPath) else {
                throw ConfigurationError.missingFile(path: explicitPath)
            }
            path = explicitPath
        } else {
            path = FileManager.default.fileExists(atPath: defaultFileName) ? defaultFileName : nil
        }
        var text: String?
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError.unreadableFile(path: path, detail: "permission denied or not a regular file")
            }
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigurationError.unreadableFile(path: path, detail: "the file is not UTF-8 text")
            }
            text = decoded
        }
        var loaded = try parse(yaml: text, filePath: path, environment: environment)
        loaded.resolvePathsAgainstFile()
        return loaded
    }

    /// Parses YAML text (nil: no file) and applies the environment. Pure: no file system access.
    public static func parse(
        yaml: String?,
        filePath: String?,
        environment: [String: String]
    ) throws(ConfigurationError) -> LoadedConfiguration {
        var loaded = LoadedConfiguration(configuration: PalisadeConfiguration(), origins: [:], filePath: filePath)
        var problems: [ConfigurationProblem] = []
        if let yaml {
            let file = filePath ?? "<config>"
            do {
                if let root = try Yams.compose(yaml: yaml) {
                    readMapping(root, prefix: "", file: file, into: &loaded, problems: &problems)
                }
            } catch {
                problems.append(yamlProblem(error, file: file))
            }
        }
        readEnvironment(environment, into: &loaded, problems: &problems)
        guard problems.isEmpty else { throw ConfigurationError.invalid(problems) }
        return loaded
    }

    private static func readMapping(
        _ node: Node, prefix: String, file: String,
        into loaded: inout LoadedConfiguration, problems: inout [ConfigurationProblem]
    ) {
        if case .scalar = node, Tag.Name(rawValue: node.tag.rawValue) == .null, !prefix.isEmpty { return }
        guard case .mapping(let mapping) = node else {
            let what = prefix.isEmpty ? "the configuration" : "section '\(prefix)'"
            problems.append(ConfigurationProblem(
                location: location(file, node.mark), key: prefix.isEmpty ? nil : prefix,
                message: "\(what) must be a mapping of keys to values"))
            return
        }
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                problems.append(ConfigurationProblem(
                    location: location(file, keyNode.mark), key: nil, message: "a key must be a plain name"))
                continue
            }
            let path = prefix.isEmpty ? keyScalar.string : "\(prefix).\(keyScalar.string)"
            if prefix.isEmpty, ConfigurationKey.sections.contains(path) {
                readMapping(valueNode, prefix: path, file: file, into: &loaded, problems: &problems)
            } else if let key = ConfigurationKey.byPath[path] {
                guard case .scalar(let valueScalar) = valueNode else {
                    problems.append(ConfigurationProblem(
                        location: location(file, valueNode.mark), key: path,
                        message: "expected a single value, got a \(valueNode.mapping != nil ? "mapping" : "list")"))
                    continue
                }
                do throws(ValueProblem) {
                    try key.apply(&loaded.configuration, input(valueScalar))
                    loaded.origins[path] = .file(path: file, line: valueNode.mark?.line ?? 0)
                } catch {
                    problems.append(ConfigurationProblem(location: location(file, valueNode.mark), key: path, message: error.message))
                }
            } else {
                problems.append(ConfigurationProblem(
                    location: location(file, keyNode.mark), key: path,
                    message: "unknown key" + suggestion(for: path)))
            }
        }
    }

    private static func readEnvironment(
        _ environment: [String: String],
        into loaded: inout LoadedConfiguration, problems: inout [ConfigurationProblem]
    ) {
        for name in environment.keys.sorted() where name.hasPrefix("PALISADE_") {
            guard !nonConfigurationVariables.contains(name) else { continue }
            let path = name.dropFirst("PALISADE_".count).lowercased().replacingOccurrences(of: "__", with: ".")
            guard let key = ConfigurationKey.byPath[path] else {
                problems.append(ConfigurationProblem(
                    location: "environment variable \(name)", key: path,
                    message: "unknown key" + suggestion(for: path)))
                continue
            }
            do throws(ValueProblem) {
                try key.apply(&loaded.configuration, ConfigurationInput(text: environment[name]!, kind: .untyped))
                loaded.origins[path] = .environment(name: name)
            } catch {
                problems.append(ConfigurationProblem(location: "environment variable \(name)", key: path, message: error.message))
            }
        }
    }

    private static func input(_ scalar: Node.Scalar) -> ConfigurationInput {
        let kind: ConfigurationInput.Kind
        // `Node.tag` resolves a plain scalar's implicit tag (`8080` → int); `Scalar.tag` would not.
        switch Tag.Name(rawValue: Node.scalar(scalar).tag.rawValue) {
        case .null: kind = .null
        case .bool: kind = .boolean
        case .int: kind = .integer
        case .float: kind = .float
        default: kind = .string
        }
        return ConfigurationInput(text: scalar.string, kind: kind)
    }

    private static func location(_ file: String, _ mark: Mark?) -> String {
        guard let mark else { return file }
        return "\(file):\(mark.line):\(mark.column)"
    }

    private static func yamlProblem(_ error: any Error, file: String) -> ConfigurationProblem {
        guard let error = error as? YamlError else {
            return ConfigurationProblem(location: file, key: nil, message: "not valid YAML: \(error)")
        }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigurationProblem(location: location(file, mark), key: nil, message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationProblem(
                location: location(file, context.mark), key: duplicates.first,
                message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        case .reader(let problem, _, _, _):
            return ConfigurationProblem(location: file, key: nil, message: "not readable as YAML: \(problem)")
        default:
            return ConfigurationProblem(location: file, key: nil, message: "not valid YAML: \(error)")
        }
    }

    /// ` (did you mean 'listen'?)` when a known key is within two edits.
    private static func suggestion(for path: String) -> String {
        let candidates = ConfigurationKey.all.map(\.path) + ConfigurationKey.sections
        let best = candidates
            .map { ($0, editDistance(path, $0)) }
            .filter { $0.1 <= 2 }
            .min { $0.1 < $1.1 }
        return best.map { " (did you mean '\($0.0)'?)" } ?? "; known keys: \(ConfigurationKey.all.map(\.path).joined(separator: ", "))"
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
