import ArgumentParser

/// `palisade bench …`
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (build with `make release` or `swift build -c release` first).",
        subcommands: [BenchSignaturesCommand.self, BenchInboxCommand.self, BenchDeliveryCommand.self, BenchRulesCommand.self, BenchQueueCommand.self, BenchDecisionsCommand.self, BenchTUICommand.self, BenchSoakCommand.self]
    )
}
