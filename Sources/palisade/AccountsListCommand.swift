import ArgumentParser
import Federation
import Foundation
import Server

/// `palisade accounts list`
struct AccountsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List hosted accounts, one per line.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        try await AccountsContext.with(configuration) { services in
            let all = try await services.accounts.list()
            if all.isEmpty { print("no accounts") }
            for account in all {
                let state = account.deletedAt.map { "deleted \($0.formatted(.iso8601))" } ?? "active"
                print("\(account.name)\t\(state)\t\(account.displayName)")
            }
        }
    }
}
