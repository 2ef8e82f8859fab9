import Foundation
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
        #expect(result.stdout.contains("would apply (11):\n  0001-federation-local-actor-keys\n  0002-federation-inbox-activities\n  0003-federation-hosted-accounts\n  0004-federation-received-flags\n  0005-federation-graph-and-delivery\n  0006-federation-delivery-bodies\n  0007-moderation-cases\n  0008-moderation-decisions-out\n  0009-moderation-reason-templates\n  0010-moderation-minted-by\n  0011-moderation-keyed-audit\n"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("data")))
    }

    @Test func migrateAppliesThenReportsNothingPending() async throws {
        let first = try await PalisadeCLI.run(["admin", "migrate"], in: directory.url)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("applied now (11):\n  0001-federation-local-actor-keys\n  0002-federation-inbox-activities\n  0003-federation-hosted-accounts\n  0004-federation-received-flags\n  0005-federation-graph-and-delivery\n  0006-federation-delivery-bodies\n  0007-moderation-cases\n  0008-moderation-decisions-out\n  0009-moderation-reason-templates\n  0010-moderation-minted-by\n  0011-moderation-keyed-audit\n"))
        #expect(FileManager.default.fileExists(atPath: directory.path("data/palisade.sqlite")))

        let second = try await PalisadeCLI.run(["admin", "migrate"], in: directory.url)
        #expect(second.stdout.contains("already applied (11):\n  0001-federation-local-actor-keys\n  0002-federation-inbox-activities\n  0003-federation-hosted-accounts\n  0004-federation-received-flags\n  0005-federation-graph-and-delivery\n  0006-federation-delivery-bodies\n  0007-moderation-cases\n  0008-moderation-decisions-out\n  0009-moderation-reason-templates\n  0010-moderation-minted-by\n  0011-moderation-keyed-audit\n"))
        #expect(second.stdout.contains("applied now (0): none\n"))

        let dryRun = try await PalisadeCLI.run(["admin", "migrate", "--dry-run"], in: directory.url)
        #expect(dryRun.stdout.contains("would apply (0): none\n"))
    }

    @Test func theDataDirectoryIsCreatedOwnerOnly() async throws {
        let result = try await PalisadeCLI.run(["admin", "migrate"], in: directory.url, environment: ["PALISADE_DATA_DIR": "./nested/state"])
        #expect(result.status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path("nested/state"))
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
    }

    @Test func aDataDirectoryThatIsAFileIsRefused() async throws {
        try directory.write("data", "not a directory")
        let result = try await PalisadeCLI.run(["admin", "migrate"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stderr == "Error: data_dir ./data exists but is not a directory\n")
    }
}
