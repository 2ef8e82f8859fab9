import ArgumentParser
import Server

/// The `palisade` command: one subcommand per file in this folder.
@main
struct Palisade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "palisade",
        abstract: "Moderation-as-a-service for the fediverse.",
        discussion: "Configuration: --config FILE, else ./palisade.yml when present, then PALISADE_* environment variables.",
        version: PalisadeVersion.current,
        subcommands: [
            ServeCommand.self, ReviewTerminalCommand.self, LoginCommand.self, AdminCommand.self, CasesCommand.self, AccountsCommand.self, DeliveriesCommand.self,
            RulesCommand.self, SignaturesCommand.self, DoctorCommand.self,
            BenchCommand.self,
            VersionCommand.self,
        ]
    )
}
