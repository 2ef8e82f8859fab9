import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A secret (a token) read from `file`, or from standard input for `-`, without surrounding white space: secrets are
/// never given on the command line, where `ps` shows them. `file` may be a pipe (`--token-file <(pass show x)`); at
/// most `SecretFileError.limit` bytes are read.
func readSecret(from file: String) throws -> String {
    let descriptor = file == "-" ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SecretFileError.unreadable(file, detail: String(cString: strerror(errno))) }
    defer { if descriptor != STDIN_FILENO { close(descriptor) } }
    var bytes = [UInt8](repeating: 0, count: SecretFileError.limit + 1)
    var count = 0
    while count < bytes.count {
        let read = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
        if read < 0, errno == EINTR { continue }
        guard read >= 0 else { throw SecretFileError.unreadable(file, detail: String(cString: strerror(errno))) }
        if read == 0 { break }
        count += read
    }
    guard count <= SecretFileError.limit else { throw SecretFileError.tooLong(file) }
    return String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// A secret file that cannot be used.
enum SecretFileError: Error, CustomStringConvertible {
    /// Secrets are short; a longer file is the wrong file.
    static let limit = 4096

    case unreadable(String, detail: String)
    case tooLong(String)

    var description: String {
        switch self {
        case .unreadable(let file, let detail): return "cannot read the secret from \(file == "-" ? "standard input" : file): \(detail)"
        case .tooLong(let file): return "\(file == "-" ? "standard input" : file) holds more than \(Self.limit) bytes: not a token file"
        }
    }
}
