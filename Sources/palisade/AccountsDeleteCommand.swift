import ArgumentParser
import Federation
import Foundation
import Server

/// `palisade accounts delete NAME`
struct AccountsDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a hosted account: its actor becomes a Tombstone, its name is never reused, and its followers are sent a Delete."
    )

    @Argument(help: "The username.")
    var name: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        try await AccountsContext.with(configuration) { services in
            let queued = try await services.accounts.delete(name: name)
            print("deleted \(name.lowercased()); Delete queued to \(queued) inbox\(queued == 1 ? "" : "es")")
        }
    }
}
