import ArgumentParser
import Foundation
import Logging
import Server
import Store

/// `palisade admin init`: creates the deployment's database (with `serve`, the only command that does).
struct AdminInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database under data_dir (and its keys), or apply pending migrations to the one there.",
        discussion: """
            Every other command (admin, accounts, deliveries, rules replay) refuses to run when data_dir holds no \
            database, so a command run from the wrong directory never creates an empty one and "succeeds". A relative \
            data_dir is read against the configuration file's directory.
            """
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        let path = URL(fileURLWithPath: configuration.databasePath).standardizedFileURL.path
        let existed = FileManager.default.fileExists(atPath: configuration.databasePath)
        let before = try SQLiteStore.migrationPlan(path: configuration.databasePath)
        let store = try PalisadeServer.openStore(configuration, logger: Logger(label: "palisade", factory: { _ in SwiftLogNoOpLogHandler() }))
        try store.close()
        if existed {
            print("database at \(path) already exists; \(before.pending.isEmpty ? "nothing to migrate" : "applied \(before.pending.count) migrations")")
        } else {
            print("created a Palisade database at \(path) (data_dir from \(configuration.dataDirectoryOrigin ?? "the configuration"))")
        }
    }
}
