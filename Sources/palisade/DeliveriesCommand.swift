import ArgumentParser
import Federation
import Foundation
import Server

/// `palisade deliveries …`
struct DeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "The outgoing delivery queue: what is pending, delivered or dead-lettered, and requeueing (safe beside a running server).",
        subcommands: [DeliveriesListCommand.self, DeliveriesRetryCommand.self]
    )
}

/// `palisade deliveries list [--state STATE] [--limit N]`
struct DeliveriesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List deliveries, most recently updated first: id, state, attempts, next attempt, inbox, activity, last error (tab-separated).")

    @Option(help: "Only deliveries in this state: pending, delivered or dead.")
    var state: DeliveryState?

    @Option(help: "At most this many rows (1-100000).")
    var limit = 50

    @OptionGroup var options: ConfigOption

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000") }
    }

    func run() async throws {
        let configuration = try options.load().configuration
        try await AccountsContext.with(configuration) { services in
            let counts = try await services.deliveries.deliveryCounts()
            print(DeliveryState.allStates.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
            for status in try await services.deliveries.deliveries(in: state, limit: limit) {
                let next = status.state == .pending ? status.nextAttemptAt.formatted(.iso8601) : "-"
                let error = (status.lastError ?? "-").replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
                print([String(status.id), status.state.rawValue, String(status.attempts), next, printable(status.inbox), printable(status.activityID), printable(error)].joined(separator: "\t"))
            }
        }
    }
}

/// `palisade deliveries retry (--all-dead | ID…)`
struct DeliveriesRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Requeue dead-lettered deliveries: due at once, with a new week of retries (their attempt count is kept).")

    @Argument(help: "Ids of dead deliveries, as 'deliveries list --state dead' shows them.")
    var ids: [Int64] = []

    @Flag(help: "Requeue every dead delivery.")
    var allDead = false

    @OptionGroup var options: ConfigOption

    func validate() throws {
        if allDead == !ids.isEmpty { throw ValidationError("give either delivery ids or --all-dead") }
    }

    func run() async throws {
        let configuration = try options.load().configuration
        try await AccountsContext.with(configuration) { services in
            let requeued = try await services.deliveries.requeueDead(ids: allDead ? nil : ids, at: Date())
            print("requeued \(requeued) dead deliver\(requeued == 1 ? "y" : "ies")")
            if !allDead, requeued < Set(ids).count {
                print("(\(Set(ids).count - requeued) of the ids given are not dead deliveries and were left as they are)")
            }
        }
    }
}

extension DeliveryState: ExpressibleByArgument {
    static var allStates: [DeliveryState] { [.pending, .delivered, .dead] }
}
