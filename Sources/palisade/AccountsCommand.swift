import ArgumentParser

/// `palisade accounts …`
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Hosted accounts: the organisation's own Person actors (safe beside a running server).",
        subcommands: [
            AccountsCreateCommand.self, AccountsListCommand.self, AccountsDeleteCommand.self, AccountsPostCommand.self,
            AccountsFollowersCommand.self, AccountsApproveCommand.self, AccountsRejectCommand.self,
        ]
    )
}
