import ArgumentParser
import Federation
import Foundation
import Moderation
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
        abstract: "List deliveries, most recently updated first: id, state, attempts, next attempt, inbox, activity, last error (tab-separated).",
        discussion: """
            Signed ActivityPub deliveries first (a count per state, then one line each), then the Mastodon admin-API \
            jobs decisions queued (`admin API: …` counts, then one line each, its id as api-N: the instance, what it \
            applies or reverses, the instance's last answer).
            """)

    @Option(help: "Only deliveries in this state: pending, delivered or dead.")
    var state: DeliveryState?

    @Option(help: "At most this many rows (1-100000).")
    var limit = 50

    @OptionGroup var options: ConfigOption

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000") }
    }

    func run() async throws {
        // One opening of the database for both queues.
        try await ModerationContext.with(try options.load().configuration) { services in
            let deliveryCounts = try await services.deliveries.deliveryCounts()
            print(DeliveryState.allStates.map { "\($0.rawValue) \(deliveryCounts[$0] ?? 0)" }.joined(separator: ", "))
            for status in try await services.deliveries.deliveries(in: state, limit: limit) {
                let next = status.state == .pending ? status.nextAttemptAt.formatted(.iso8601) : "-"
                print(tabRow([String(status.id), status.state.rawValue, String(status.attempts), next, status.inbox, status.activityID, status.lastError ?? "-"]))
            }
            let counts = try await services.outbox.enforcementCounts()
            let jobs = try await services.outbox.enforcementJobs(in: state?.rawValue, limit: limit)
            guard !counts.isEmpty else { return }
            print("admin API: " + DeliveryState.allStates.map { "\($0.rawValue) \(counts[$0.rawValue] ?? 0)" }.joined(separator: ", "))
            for job in jobs {
                let next = job.state == "pending" ? job.nextAttemptAt.formatted(.iso8601) : "-"
                print(tabRow(["api-\(job.id)", job.state, String(job.attempts), next, job.instance + " (admin API)", "decision \(job.decisionID): \(job.operation)", job.lastAnswer ?? "-"]))
            }
        }
    }
}

/// `palisade deliveries retry (--all-dead | ID…)`
struct DeliveriesRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Requeue dead-lettered deliveries: due at once, with a new week of retries (their attempt count is kept).")

    @Argument(help: "Ids of dead deliveries, as 'deliveries list --state dead' shows them (api-N: an admin-API job).")
    var ids: [String] = []

    @Flag(help: "Requeue every dead delivery.")
    var allDead = false

    @OptionGroup var options: ConfigOption

    func validate() throws {
        if allDead == !ids.isEmpty { throw ValidationError("give either delivery ids or --all-dead") }
        for id in ids where Self.parse(id) == nil { throw ValidationError("'\(id)' is not a delivery id (a number, or api-N for an admin-API job)") }
    }

    /// A delivery id (`17`) or an admin-API job's (`api-17`).
    static func parse(_ id: String) -> (job: Bool, id: Int64)? {
        if id.hasPrefix("api-") { return Int64(id.dropFirst(4)).map { (true, $0) } }
        return Int64(id).map { (false, $0) }
    }

    func run() async throws {
        let configuration = try options.load().configuration
        let parsed = ids.compactMap(Self.parse)
        let deliveryIDs = parsed.filter { !$0.job }.map(\.id)
        let jobIDs = parsed.filter(\.job).map(\.id)
        var requeued = 0
        try await ModerationContext.with(configuration) { services in
            requeued += try await services.deliveries.requeueDead(ids: allDead ? nil : deliveryIDs, at: Date())
            requeued += try await services.outbox.requeueDeadEnforcement(ids: allDead ? nil : jobIDs, at: Date())
        }
        print("requeued \(requeued) dead deliver\(requeued == 1 ? "y" : "ies")")
        if !allDead, requeued < Set(ids).count {
            print("(\(Set(ids).count - requeued) of the ids given are not dead deliveries and were left as they are)")
        }
    }
}

extension DeliveryState: ExpressibleByArgument {
    static var allStates: [DeliveryState] { [.pending, .delivered, .dead] }
}
