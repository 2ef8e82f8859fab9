import Foundation
import PalisadeTesting
import Testing

/// Issue 18: secrets are read from files, standard input and pipes alike (`--token-file <(pass show palisade)`), and a
/// file that cannot be a token is refused by name.
@Suite struct SecretFileTests {
    /// Runs `palisade ARGS` through bash, so `<(…)` is bash's process substitution (a /dev/fd pipe).
    func bash(_ command: String) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "\"$0\" " + command, try PalisadeCLI.executable.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aTokenFromProcessSubstitutionIsRead() throws {
        // The server is unreachable: getting as far as calling it shows the token was read.
        let result = try bash("login --server http://127.0.0.1:1 --token-file <(printf 'pal_abc_def\\n')")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("Error: cannot reach http://127.0.0.1:1"), "\(result.stderr)")
    }

    @Test func aMissingOrOversizedSecretFileIsNamed() throws {
        let directory = try TemporaryDirectory("secret-file")
        defer { directory.remove() }
        let missing = try bash("login --server http://127.0.0.1:1 --token-file \(directory.path("nothing"))")
        #expect(missing.stderr == "Error: cannot read the secret from \(directory.path("nothing")): No such file or directory\n")
        let big = try directory.write("big", String(repeating: "a", count: 5000))
        let oversized = try bash("login --server http://127.0.0.1:1 --token-file \(big)")
        #expect(oversized.stderr == "Error: \(big) holds more than 4096 bytes: not a token file\n")
    }
}
