import ArgumentParser
import Foundation
import Server

/// `palisade bench inbox`
struct BenchInboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "Measure signed activities accepted per second by the inbox, end to end on loopback.",
        discussion: """
            Starts a real server on a temporary data directory and a loopback remote actor; pre-signs Mastodon Create{Note} \
            requests, then posts them over keep-alive connections. Each is verified (cached key), committed durably and \
            answered 202. Prints the rate, p50/p99 latency and the raw RSA-2048 verify rate of all cores as the ceiling. \
            Target: at least 3,000/s with p99 under 50 ms.
            """
    )

    @Option(help: "Activities in the measured run.")
    var requests = 20_000

    @Option(help: "Concurrent connections of the load generator.")
    var concurrency = 32

    func validate() throws {
        guard (100...1_000_000).contains(requests) else { throw ValidationError("--requests must be between 100 and 1000000") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 1024") }
    }

    func run() async throws {
        #if DEBUG
        emit("warning: this is a debug build; measure with `make release` and .build/release/palisade")
        #endif
        emit("palisade bench inbox — \(requests) signed Create{Note}, \(concurrency) connections, \(ProcessInfo.processInfo.activeProcessorCount) cores (server and load generator share them)")
        let report = try await InboxBenchmark.run(requests: requests, concurrency: concurrency) { emit($0) }
        emit(String(format: "  accepted end to end      %8.0f /s   (p50 %.1f ms, p99 %.1f ms, max %.1f ms)", report.rate, report.p50, report.p99, report.max))
        emit(String(format: "  raw RSA-2048 verify      %8.0f /s   (all cores: the ceiling)", report.rsaVerifyCeiling))
        emit(String(format: "  accepted / ceiling       %8.1f %%", report.rate / report.rsaVerifyCeiling * 100))
        emit("  stored in the inbox      \(report.storedRows) rows (expected \(report.requests + 200), including 200 warm-up); non-202 answers: \(report.failures)")
        let met = report.rate >= 3000 && report.p99 < 50 && report.failures == 0 && report.storedRows == report.requests + 200
        emit("target ≥ 3000/s with p99 < 50 ms, every 202 stored: " + (met ? "met" : "NOT met"))
    }

    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
