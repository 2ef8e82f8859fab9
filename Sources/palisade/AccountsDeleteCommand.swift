import ArgumentParser
import Federation
import Foundation
import Server

/// `palisade accounts delete NAME`
struct AccountsDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a hosted account: its actor becomes a Tombstone and its name is never reused."
    )

    @Argument(help: "The username.")
    var name: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        try await AccountsContext.with(configuration) { accounts in
            try await accounts.delete(name: name)
            print("deleted \(name.lowercased())")
        }
    }
}
