import Foundation
import PalisadeTesting
import Testing

/// `--help` is part of the contract with operators and scripts: every command's help is golden-tested.
@Suite struct HelpOutputTests {
    static let commands: [[String]] = [
        [], ["serve"], ["review"], ["login"], ["admin"], ["admin", "init"], ["admin", "migrate"], ["cases"], ["cases", "list"], ["cases", "show"],
        ["admin", "tenants"], ["admin", "tenants", "add"], ["admin", "tenants", "list"], ["admin", "tenants", "feed-token"], ["admin", "tenants", "templates"],
        ["admin", "instances"], ["admin", "instances", "add"], ["admin", "instances", "set"], ["admin", "instances", "list"], ["admin", "instances", "remove"], ["admin", "instances", "proof"],
        ["admin", "moderators"], ["admin", "moderators", "add"], ["admin", "moderators", "list"], ["admin", "moderators", "token"],
        ["admin", "moderators", "revoke"], ["admin", "reporters", "mute"], ["admin", "reporters", "unmute"], ["admin", "audit", "verify"], ["accounts"], ["accounts", "create"], ["accounts", "list"], ["accounts", "delete"],
        ["accounts", "post"], ["accounts", "followers"], ["accounts", "approve"], ["accounts", "reject"],
        ["deliveries"], ["deliveries", "list"], ["deliveries", "retry"],
        ["rules"], ["rules", "check"], ["rules", "test"], ["rules", "explain"], ["rules", "eval"], ["rules", "reload"], ["rules", "replay"],
        ["signatures"], ["signatures", "sign"], ["signatures", "verify"], ["doctor"],
        ["bench"], ["bench", "signatures"], ["bench", "inbox"], ["bench", "delivery"], ["bench", "rules"], ["bench", "queue"], ["bench", "decisions"], ["bench", "tui"], ["bench", "soak"], ["version"],
    ]

    @Test(arguments: commands)
    func helpMatchesTheGoldenFile(command: [String]) async throws {
        let directory = try TemporaryDirectory("help")
        defer { directory.remove() }
        let result = try await PalisadeCLI.run(command + ["--help"], in: directory.url, environment: ["COLUMNS": "100"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let name = command.isEmpty ? "palisade" : "palisade-" + command.joined(separator: "-")
        try Golden.expect(result.stdout, matches: "CLITests/Golden/\(name).help.txt")
    }

    @Test func topLevelHelpListsEveryCommandWithOneLine() async throws {
        let directory = try TemporaryDirectory("help")
        defer { directory.remove() }
        let result = try await PalisadeCLI.run(["--help"], in: directory.url)
        for command in ["serve", "review", "login", "admin", "accounts", "deliveries", "rules", "signatures", "bench", "version"] {
            #expect(result.stdout.contains("\n  \(command) "), "\(command) missing from --help")
        }
    }

    @Test func versionPrintsTheVersion() async throws {
        let directory = try TemporaryDirectory("version")
        defer { directory.remove() }
        let result = try await PalisadeCLI.run(["version"], in: directory.url)
        #expect(result.status == 0)
        #expect(result.stdout.range(of: #"^palisade \d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
    }

    @Test func anUnknownCommandFailsWithoutAStackTrace() async throws {
        let directory = try TemporaryDirectory("unknown")
        defer { directory.remove() }
        let result = try await PalisadeCLI.run(["frobnicate"], in: directory.url)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("Error: "))
        #expect(!result.stderr.contains("Fatal error"))
    }
}
