import ArgumentParser
import Server

/// `--config FILE`, shared by every command that reads the configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (YAML); default ./palisade.yml when present.", valueName: "file"))
    var config: String?

    /// The checked configuration from the file and the environment.
    func load() throws -> LoadedConfiguration {
        try ConfigurationLoader.load(explicitPath: config)
    }
}
