import ArgumentParser
import Federation
import Foundation
import Server

/// `palisade accounts create NAME`
struct AccountsCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a hosted account with its own RSA-2048 key; prints its actor URL."
    )

    @Argument(help: "The username: 1 to 30 letters, digits or underscores (stored lower-case).")
    var name: String

    @Option(name: .customLong("display-name"), help: "The display name (default: the username).")
    var displayName: String?

    @Option(help: "The bio, plain text.")
    var summary: String?

    @Flag(name: .customLong("approve-followers"), help: "Follows wait for 'palisade accounts approve' instead of being accepted at once.")
    var approveFollowers = false

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        try await AccountsContext.with(configuration) { services in
            let account = try await services.accounts.create(
                name: name, displayName: displayName, summary: summary, approvesFollowers: approveFollowers)
            print("created \(account.name): \(configuration.effectiveBaseURL.absoluteString)/users/\(account.name)")
        }
    }
}
