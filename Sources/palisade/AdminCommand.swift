import ArgumentParser

/// `palisade admin …`
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Operate on the data directory of the configured service (safe beside a running server).",
        subcommands: [
            AdminInitCommand.self, AdminMigrateCommand.self, AdminTenantsCommand.self, AdminInstancesCommand.self, AdminModeratorsCommand.self, AdminReportersCommand.self,
            AdminAuditCommand.self,
        ]
    )
}
