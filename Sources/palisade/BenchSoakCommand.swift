import ArgumentParser
import Foundation
import Server

/// `palisade bench soak`
struct BenchSoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run palisade serve under mixed good and hostile traffic and check that its memory stays flat.",
        discussion: """
            Starts `palisade serve` (this binary, as a child process) on a temporary data directory and a loopback attacker \
            whose every key id answers a 1 MiB actor or a 1 MiB array of numbers. Senders post signed Flags, junk signatures \
            naming fresh key ids, 2 MB bodies, bodies that trickle in, and good and forged webhooks, for --minutes. The \
            server's resident memory is sampled every 5 s. Target: after the first minute, memory grows by less than \
            10 % (or 16 MiB), every request gets its expected answer, and every accepted Flag is stored.
            """)

    @Option(help: "How long to run, in minutes.")
    var minutes: Double = 10

    @Option(help: "Senders at once.")
    var concurrency = 16

    func validate() throws {
        guard minutes >= 0.5 && minutes <= 240 else { throw ValidationError("--minutes must be between 0.5 and 240") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
    }

    func run() async throws {
        #if DEBUG
        emit("warning: this is a debug build; measure with `make release` and .build/release/palisade")
        #endif
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        emit("palisade bench soak — \(minutes) min, \(concurrency) senders, \(ProcessInfo.processInfo.activeProcessorCount) cores (server, senders and attacker share them)")
        let report = try await SoakBenchmark.run(executable: executable, seconds: minutes * 60, concurrency: concurrency) { emit($0) }
        // Each minute: resident memory, and where the server says it is (live heap, free heap kept, SQLite, caches).
        for (seconds, mebibytes) in report.samples where Int(seconds) % 60 < 5 || seconds == report.samples.last?.seconds {
            var line = String(format: "  t=%5.0f s   RSS %7.1f MiB", seconds, mebibytes)
            if let (_, b) = report.breakdowns.last(where: { $0.seconds <= seconds + 1 }) {
                line += String(
                    format: "   heap live %6.1f  free %6.1f  sqlite %5.1f MiB   keys %d  actors %d (%.1f MiB)  failures %d", b.heapInUse, b.heapFree, b.sqlite,
                    b.keys, b.actors, b.actorCache, b.failures)
            }
            emit(line)
        }
        for (kind, counts) in report.sent.sorted(by: { $0.key < $1.key }) {
            emit("  \(kind.padding(toLength: 18, withPad: " ", startingAt: 0)) \(counts.total) sent, \(counts.expected) answered as expected")
        }
        let warm = report.samples.first { $0.seconds >= 60 }?.mebibytes ?? report.samples.first?.mebibytes ?? 0
        let end = report.samples.last?.mebibytes ?? 0
        let peak = report.samples.map(\.mebibytes).max() ?? 0
        emit(String(format: "  RSS after 1 min %.1f MiB, at the end %.1f MiB (%+.1f %%), peak %.1f MiB", warm, end, (end - warm) / max(warm, 1) * 100, peak))
        // The trend after the first minute (least squares), so one sample's luck cannot hide or fake growth.
        let later = report.samples.filter { $0.seconds >= 60 }
        if later.count >= 3 {
            let meanX = later.map(\.seconds).reduce(0, +) / Double(later.count)
            let meanY = later.map(\.mebibytes).reduce(0, +) / Double(later.count)
            let slope = later.map { ($0.seconds - meanX) * ($0.mebibytes - meanY) }.reduce(0, +) / later.map { ($0.seconds - meanX) * ($0.seconds - meanX) }.reduce(0, +)
            emit(String(format: "  trend after the first minute %+.2f MiB/min over %d samples", slope * 60, later.count))
        }
        emit("  Flags accepted \(report.acceptedFlags), inbox rows \(report.storedFlags)")
        let allExpected = report.sent.values.allSatisfy { $0.total == $0.expected }
        let flat = end - warm < max(warm * 0.10, 16)
        let met = flat && allExpected && report.storedFlags >= report.acceptedFlags
        emit("target memory flat (< 10 % or 16 MiB growth after the first minute), every answer as expected, every accepted Flag stored: " + (met ? "met" : "NOT met"))
    }

    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
