import Foundation
/// Renders an effective configuration as YAML a person can read and reuse, with each value's origin and secrets masked.
public enum ConfigurationPrinter {
    /// What a masked secret shows.
    public static let mask = "<redacted>"

    /// The YAML text: top-level keys first, then one block per section; each line ends with `# origin`.
    public static func render(_ loaded: LoadedConfiguration) -> String {
        var lines = ["# palisade effective configuration (file: \(loaded.filePath ?? "none"))"]
        var currentSection: String?
        for key in ConfigurationKey.all {
            let parts = key.path.split(separator: ".", maxSplits: 1).map(String.init)
            let section = parts.count == 2 ? parts[0] : nil
            let name = parts.last!
            if section != currentSection, let section {
                lines.append("\(section):")
            }
            currentSection = section
            let indent = section == nil ? "" : "  "
            let value: String
            if let raw = key.render(loaded.configuration) {
                value = key.isSecret ? quoted(mask) : raw
            } else {
                value = "null"
            }
            var origin = loaded.origin(of: key.path).description
            if key.path == "base_url", loaded.configuration.baseURL == nil {
                origin += ", derived: \(loaded.configuration.effectiveBaseURL.absoluteString)"
            }
            let body = "\(indent)\(name): \(value)"
            let padding = String(repeating: " ", count: max(1, 44 - body.count))
            lines.append("\(body)\(padding)# \(origin)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A plain YAML scalar when YAML reads it back as the same string, a double-quoted one otherwise.
func yamlScalar(_ text: String) -> String {
    let plainStart: Set<Character> = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./_")
    let plainBody: Set<Character> = plainStart.union(":-@")
    let ambiguous: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]
    guard let first = text.first, plainStart.contains(first), text.allSatisfy(plainBody.contains),
        !ambiguous.contains(text.lowercased()), !text.hasSuffix(":"), Double(text) == nil
    else { return quoted(text) }
    return text
}

/// A double-quoted YAML (and JSON) string.
func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
