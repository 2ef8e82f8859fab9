import ArgumentParser
import Server

/// `palisade serve`
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service until SIGTERM or SIGINT.",
        discussion: "Opens (and migrates) the database under data_dir, creates the service actor's key on first start, and serves HTTP on listen."
    )

    @OptionGroup var options: ConfigOption

    @Flag(name: .long, help: "Print the effective configuration (secrets masked, each value's origin) and exit.")
    var printConfig = false

    func run() async throws {
        let loaded = try options.load()
        if printConfig {
            print(ConfigurationPrinter.render(loaded), terminator: "")
            return
        }
        try await ServiceRunner.serve(loaded.configuration)
    }
}
