import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PalisadeTesting
import Testing

@Suite struct AdminMigrateCommandTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory("cli-migrate")
    }

    @Test func dryRunOnANewInstallationListsEverythingAndCreatesNothing() async throws {
        let result = try await PalisadeCLI.run(["admin", "migrate", "--dry-run"], in: directory.url)
        #expect(result.status == 0)
        #expect(result.stdout.contains("the database does not exist yet"))
        #expect(result.stdout.contains("would apply (14):\n  0001-federation-local-actor-keys\n  0002-federation-inbox-activities\n  0003-federation-hosted-accounts\n  0004-federation-received-flags\n  0005-federation-graph-and-delivery\n  0006-federation-delivery-bodies\n  0007-moderation-cases\n  0008-moderation-decisions-out\n  0009-moderation-reason-templates\n  0010-moderation-minted-by\n  0011-moderation-keyed-audit\n  0012-moderation-flags-from\n  0013-moderation-window-observations\n  0014-moderation-case-account-name\n"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("data")))
    }

    @Test func initCreatesTheDatabaseThenMigrateReportsNothingPending() async throws {
        let first = try await PalisadeCLI.run(["admin", "init"], in: directory.url)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "created a Palisade database at \(directory.path("data/palisade.sqlite")) (data_dir from the default; no palisade.yml here)\n")
        #expect(FileManager.default.fileExists(atPath: directory.path("data/palisade.sqlite")))
        let again = try await PalisadeCLI.run(["admin", "init"], in: directory.url)
        #expect(again.stdout == "database at \(directory.path("data/palisade.sqlite")) already exists; nothing to migrate\n")

        let second = try await PalisadeCLI.run(["admin", "migrate"], in: directory.url)
        #expect(second.stdout.contains("already applied (14):\n  0001-federation-local-actor-keys\n  0002-federation-inbox-activities\n  0003-federation-hosted-accounts\n  0004-federation-received-flags\n  0005-federation-graph-and-delivery\n  0006-federation-delivery-bodies\n  0007-moderation-cases\n  0008-moderation-decisions-out\n  0009-moderation-reason-templates\n  0010-moderation-minted-by\n  0011-moderation-keyed-audit\n  0012-moderation-flags-from\n  0013-moderation-window-observations\n  0014-moderation-case-account-name\n"))
        #expect(second.stdout.contains("applied now (0): none\n"))

        let dryRun = try await PalisadeCLI.run(["admin", "migrate", "--dry-run"], in: directory.url)
        #expect(dryRun.stdout.contains("would apply (0): none\n"))
    }

    /// Issue 18: a command run where there is no database (the wrong directory, a missing --config) fails and names the
    /// path and where it came from; it never creates an empty database and "succeeds".
    @Test(arguments: [["admin", "migrate"], ["admin", "tenants", "list"], ["admin", "tenants", "add", "acme"], ["accounts", "list"], ["deliveries", "list"]])
    func aCommandWhereThereIsNoDatabaseFailsAndCreatesNothing(command: [String]) async throws {
        let result = try await PalisadeCLI.run(command, in: directory.url)
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stderr == "Error: no Palisade database at \(directory.path("data/palisade.sqlite")) (data_dir from the default; no palisade.yml here): run from the right directory or pass --config (`palisade admin init` creates one)\n")
        #expect(!FileManager.default.fileExists(atPath: directory.path("data")))
    }

    /// Issue 18: a relative data_dir in a config file is read against the file's directory, so the same deployment is
    /// found from anywhere with --config; one from the environment stays relative to the current directory.
    @Test func aRelativeDataDirIsReadAgainstTheConfigFilesDirectory() async throws {
        _ = try directory.write("deploy/palisade.yml", "data_dir: ./state\n")
        try FileManager.default.createDirectory(atPath: directory.path("elsewhere"), withIntermediateDirectories: true)
        let elsewhere = directory.url.appendingPathComponent("elsewhere")
        let created = try await PalisadeCLI.run(["admin", "init", "--config", "../deploy/palisade.yml"], in: elsewhere)
        #expect(created.stdout == "created a Palisade database at \(directory.path("deploy/state/palisade.sqlite")) (data_dir from ../deploy/palisade.yml:1)\n", "\(created.stderr)")
        let added = try await PalisadeCLI.run(["admin", "tenants", "add", "acme", "--config", "deploy/palisade.yml"], in: directory.url)
        #expect(added.status == 0, "\(added.stderr)")
        let listed = try await PalisadeCLI.run(["admin", "tenants", "list", "--config", directory.path("deploy/palisade.yml")], in: elsewhere)
        #expect(listed.stdout.contains("acme"), "\(listed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("elsewhere/state")))
        #expect(!FileManager.default.fileExists(atPath: directory.path("state")))
        // Without --config, from elsewhere: the error says where it looked and why.
        let lost = try await PalisadeCLI.run(["admin", "tenants", "list"], in: elsewhere)
        #expect(lost.status == 1)
        #expect(lost.stderr.hasPrefix("Error: no Palisade database at \(directory.path("elsewhere/data/palisade.sqlite")) (data_dir from the default; no palisade.yml here)"))
        // A path from the environment is the shell's: relative to where the command runs.
        let fromEnvironment = try await PalisadeCLI.run(
            ["admin", "tenants", "list", "--config", "../deploy/palisade.yml"], in: elsewhere, environment: ["PALISADE_DATA_DIR": "./other"])
        #expect(fromEnvironment.stderr.hasPrefix("Error: no Palisade database at \(directory.path("elsewhere/other/palisade.sqlite")) (data_dir from env PALISADE_DATA_DIR)"))
    }

    @Test func theDataDirectoryIsCreatedOwnerOnly() async throws {
        let result = try await PalisadeCLI.run(["admin", "init"], in: directory.url, environment: ["PALISADE_DATA_DIR": "./nested/state"])
        #expect(result.status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path("nested/state"))
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
    }

    /// Issue 16, item 9: a data directory made by hand (0755) and files left 0644 are tightened on every start, and the
    /// database files the process creates are owner-only.
    @Test func anExistingLooseDataDirectoryIsTightenedOnEveryStart() async throws {
        let data = directory.path("loose")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        FileManager.default.createFile(atPath: data + "/notes.txt", contents: Data("x".utf8), attributes: [.posixPermissions: 0o644])
        let result = try await PalisadeCLI.run(["admin", "init"], in: directory.url, environment: ["PALISADE_DATA_DIR": "./loose"])
        #expect(result.status == 0, "\(result.stderr)")
        func mode(_ path: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }
        #expect(try mode(data) == 0o700)
        #expect(try mode(data + "/notes.txt") == 0o600)
        #expect(try mode(data + "/palisade.sqlite") == 0o600)
        // Loosened again by hand, tightened again by the next start.
        chmod(data + "/palisade.sqlite", 0o644)
        chmod(data, 0o755)
        #expect(try await PalisadeCLI.run(["admin", "migrate"], in: directory.url, environment: ["PALISADE_DATA_DIR": "./loose"]).status == 0)
        #expect(try mode(data) == 0o700)
        #expect(try mode(data + "/palisade.sqlite") == 0o600)
    }

    @Test func aDataDirectoryThatIsAFileIsRefused() async throws {
        try directory.write("data", "not a directory")
        let result = try await PalisadeCLI.run(["admin", "init"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stderr == "Error: data_dir ./data exists but is not a directory\n")
    }
}
