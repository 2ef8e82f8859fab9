import Foundation

/// A secret (a token) read from `file`, or from standard input for `-`, without surrounding white space: secrets are
/// never given on the command line, where `ps` shows them.
func readSecret(from file: String) throws -> String {
    let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
    return String(decoding: data.prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
