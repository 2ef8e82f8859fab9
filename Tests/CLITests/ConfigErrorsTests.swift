import Foundation
import PalisadeTesting
import Testing

/// Configuration mistakes stop every command with exit 1 and a line naming the file, line and key.
@Suite struct ConfigErrorsTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory("cli-config")
    }

    @Test func aBadConfigFileStopsServeWithItsLocation() async throws {
        let path = try directory.write("bad.yml", "listen: 127.0.0.1:8080\nlog:\n  level: chatty\n")
        let result = try await PalisadeCLI.run(["serve", "--config", path], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stderr == "Error: invalid configuration: \(path):3:10: log.level: expected one of trace, debug, info, notice, warning, error, critical, got 'chatty'\n")
        #expect(!FileManager.default.fileExists(atPath: directory.path("data")), "nothing is created when the configuration is refused")
    }

    @Test func aMissingExplicitConfigFileIsNamed() async throws {
        let result = try await PalisadeCLI.run(["admin", "migrate", "--config", "nope.yml"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stderr == "Error: config file nope.yml does not exist\n")
    }

    @Test func palisadeYmlInTheWorkingDirectoryIsReadByDefault() async throws {
        try directory.write("palisade.yml", "data_dir: ./state\nmetrics:\n  token: abcdefghijklmnopqrstuvwxyz\n")
        let result = try await PalisadeCLI.run(["serve", "--print-config"], in: directory.url)
        #expect(result.status == 0)
        #expect(result.stdout.contains("data_dir: ./state                           # palisade.yml:1"))
        #expect(result.stdout.contains(#"token: "<redacted>""#))
        #expect(!result.stdout.contains("abcdefghijklmnopqrstuvwxyz"))
    }

    @Test func aBadEnvironmentVariableIsNamed() async throws {
        let result = try await PalisadeCLI.run(["serve"], in: directory.url, environment: ["PALISADE_LISTEN": "nowhere"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("Error: invalid configuration: environment variable PALISADE_LISTEN: listen: expected host:port"))
    }
}
