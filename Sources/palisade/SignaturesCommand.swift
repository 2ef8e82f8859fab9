import ArgumentParser

/// `palisade signatures …`
struct SignaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signatures",
        abstract: "Sign or verify a raw HTTP request file (debugging federation).",
        subcommands: [SignaturesSignCommand.self, SignaturesVerifyCommand.self]
    )
}
