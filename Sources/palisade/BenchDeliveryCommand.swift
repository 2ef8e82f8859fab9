import ArgumentParser
import Foundation
import Server

/// `palisade bench delivery`
struct BenchDeliveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delivery",
        abstract: "Measure signed deliveries per second from the durable queue to a loopback sink.",
        discussion: """
            Queues one Create{Note} to many inboxes of a loopback sink that answers 202, then runs the delivery worker: \
            each job is signed (RSA-2048, draft-cavage), posted, and its result recorded. Prints the rate beside the RSA-2048 \
            sign rate of all cores. Target: at least 70 % of the sign rate.
            """
    )

    @Option(help: "Deliveries in the measured run.")
    var deliveries = 30_000

    @Option(help: "Deliveries in flight at once (also the per-host limit here: the sink is one host).")
    var concurrency = 32

    func validate() throws {
        guard (100...1_000_000).contains(deliveries) else { throw ValidationError("--deliveries must be between 100 and 1000000") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
    }

    func run() async throws {
        #if DEBUG
        emit("warning: this is a debug build; measure with `make release` and .build/release/palisade")
        #endif
        emit("palisade bench delivery — \(deliveries) deliveries, \(concurrency) in flight, \(ProcessInfo.processInfo.activeProcessorCount) cores (worker and sink share them)")
        let report = try await DeliveryBenchmark.run(deliveries: deliveries, concurrency: concurrency) { emit($0) }
        emit(String(format: "  delivered                %8.0f /s", report.rate))
        emit(String(format: "  RSA-2048 sign            %8.0f /s   (all cores, best of before/after: the floor of a delivery's cost)", report.signRate))
        let ratio = report.rate / report.signRate
        emit(String(format: "  delivered / sign rate    %8.1f %%", ratio * 100))
        emit("  sink received \(report.received) POSTs; jobs not delivered: \(report.undelivered)")
        emit("target ≥ 70 % of the RSA-2048 sign rate, nothing lost: " + (ratio >= 0.7 && report.undelivered == 0 ? "met" : "NOT met"))
    }

    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
