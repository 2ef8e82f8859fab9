import Foundation
import PalisadeTesting
import Testing

@Suite struct AccountsCommandTests {
    @Test func createListAndDeleteAnAccount() async throws {
        let directory = try TemporaryDirectory("cli-accounts")
        defer { directory.remove() }
        #expect(try await PalisadeCLI.run(["admin", "init"], in: directory.url).status == 0)
        let created = try await PalisadeCLI.run(["accounts", "create", "Alice", "--display-name", "Alice A."], in: directory.url)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout == "created alice: http://127.0.0.1:8080/users/alice\n")
        let again = try await PalisadeCLI.run(["accounts", "create", "alice"], in: directory.url)
        #expect(again.status == 1)
        #expect(again.stderr == "Error: the name 'alice' is taken (names of deleted accounts are not reused)\n")
        let invalid = try await PalisadeCLI.run(["accounts", "create", "no spaces"], in: directory.url)
        #expect(invalid.stderr.hasPrefix("Error: 'no spaces' is not a valid account name"))
        #expect(try await PalisadeCLI.run(["accounts", "list"], in: directory.url).stdout == "alice\tactive\tAlice A.\n")
        #expect(try await PalisadeCLI.run(["accounts", "delete", "alice"], in: directory.url).stdout == "deleted alice; Delete queued to 0 inboxes\n")
        #expect(try await PalisadeCLI.run(["accounts", "list"], in: directory.url).stdout.hasPrefix("alice\tdeleted "))
    }
}
