import ArgumentParser
import Foundation
import Server

/// `palisade bench decisions`
struct BenchDecisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Measure a mass defederation fanning out to many attached instances.",
        discussion: """
            Attaches --instances instances to a tenant, decides a defederation on a case through the real path (the \
            transition writes its dispatch, the dispatcher plans a Flag and a Block per instance and queues them, the \
            delivery worker signs and posts each to a loopback sink answering 202), and times the decision until every \
            delivery is recorded as delivered. Prints deliveries/s beside the RSA-2048 sign rate of all cores, end to end \
            (dispatch and cold connections included) and for the delivery phase alone. Target: end to end at least 50 % \
            of the sign rate (a fan-out of 2,000 signed POSTs within twice the time signing alone takes), and nothing lost.
            """
    )

    @Option(help: "Attached instances the decision goes to (two deliveries each).")
    var instances = 1_000

    @Option(help: "Deliveries in flight at once (also the per-host limit here: the sink is one host).")
    var concurrency = 32

    func validate() throws {
        guard (1...100_000).contains(instances) else { throw ValidationError("--instances must be between 1 and 100000") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
    }

    func run() async throws {
        #if DEBUG
        emit("warning: this is a debug build; measure with `make release` and .build/release/palisade")
        #endif
        emit("palisade bench decisions — \(instances) attached instances, \(concurrency) in flight, \(ProcessInfo.processInfo.activeProcessorCount) cores (worker and sink share them)")
        let report = try await DecisionBenchmark.run(instances: instances, concurrency: concurrency) { emit($0) }
        emit(String(format: "  dispatched (planned and queued %d)  %8.0f ms", report.deliveries, report.dispatchMilliseconds))
        emit(String(format: "  every delivery accepted              %8.0f ms", report.totalMilliseconds))
        emit(String(format: "  delivered, end to end                %8.0f /s", report.rate))
        let phase = Double(report.deliveries) / ((report.totalMilliseconds - report.dispatchMilliseconds) / 1000)
        emit(String(format: "  delivered, once queued               %8.0f /s", phase))
        emit(String(format: "  RSA-2048 sign                        %8.0f /s   (all cores, best of before/after)", report.signRate))
        let ratio = report.rate / report.signRate
        emit(String(format: "  end to end / sign rate               %8.1f %%", ratio * 100))
        emit(String(format: "  once queued / sign rate              %8.1f %%   (bench delivery, warm and steady: ≥ 70 %%)", phase / report.signRate * 100))
        emit("  deliveries not delivered: \(report.undelivered)")
        emit("target end to end ≥ 50 % of the RSA-2048 sign rate, nothing lost: " + (ratio >= 0.5 && report.undelivered == 0 ? "met" : "NOT met"))
    }

    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
