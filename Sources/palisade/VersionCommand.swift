import ArgumentParser
import Server

/// `palisade version`
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version of this build."
    )

    func run() {
        print("palisade \(PalisadeVersion.current)")
    }
}
