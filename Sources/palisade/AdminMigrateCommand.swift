import ArgumentParser
import Logging
import Server
import Store

/// `palisade admin migrate [--dry-run]`
struct AdminMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations, or list them with --dry-run."
    )

    @OptionGroup var options: ConfigOption

    @Flag(name: .long, help: "List applied and pending migrations without changing the database.")
    var dryRun = false

    func run() async throws {
        let configuration = try options.load().configuration
        let path = configuration.databasePath
        print("database: \(path)")
        if dryRun {
            let plan = try SQLiteStore.migrationPlan(path: path)
            guard plan.unknown.isEmpty else { throw StoreError.newerSchema(unknownMigrations: plan.unknown) }
            if !plan.databaseExists { print("the database does not exist yet; `palisade admin init` or `palisade serve` creates it") }
            printList("applied", plan.applied)
            printList("would apply", plan.pending)
        } else {
            let before = try SQLiteStore.migrationPlan(path: path)
            let store = try PalisadeServer.openExistingStore(configuration, logger: Logger(label: "palisade", factory: { _ in SwiftLogNoOpLogHandler() }))
            try store.close()
            printList("already applied", before.applied)
            printList("applied now", before.pending)
        }
    }

    private func printList(_ title: String, _ ids: [String]) {
        print("\(title) (\(ids.count)):\(ids.isEmpty ? " none" : "")")
        for id in ids { print("  \(id)") }
    }
}
