import ActivityStreams
import ArgumentParser
import Foundation
import Rules
import Server

/// `palisade rules replay --rules DIR [--since 7d] [--tenant SLUG] [--json]`
struct RulesReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Backtest a candidate rule set on stored history: per rule, the items it gains and loses against the active set.",
        discussion: """
            Evaluates every stored report (the report, then each reported status with text, as intake does) and every \
            Create and Update the inbox holds with the active rules (rules_dir, with the tenant's overlay under --tenant) \
            and with the candidate (--rules, with the same overlay), and prints one line per rule that either hits: \
            items hit by each, +gained -lost, and examples (+ gained, - lost). Progress goes to standard error: a \
            counter on a terminal, a line every 10,000 items otherwise. The database is only read. A webhook report's \
            statuses are replayed from their stored text (their links, hashtags and account age are not kept).
            """)

    @Option(help: "The candidate rules directory.")
    var rules: String

    @Option(help: "Only items received within this long before now: 30m, 12h, 7d, 2w (default: everything).")
    var since: String?

    @Option(help: "Only this tenant's reports, with its overlay (inbox activities, which belong to no tenant, are left out).")
    var tenant: String?

    @Option(help: "Examples kept per rule, gained and lost each.")
    var examples = 3

    @Flag(help: "Print one JSON object: {items, rules: [{rule, active, candidate, gained, lost, gained_examples, lost_examples}]}.")
    var json = false

    @OptionGroup var options: ConfigOption

    func validate() throws {
        if let since, Self.duration(since) == nil { throw ValidationError("--since is a number and a unit: 30m, 12h, 7d, 2w") }
        guard (0...100).contains(examples) else { throw ValidationError("--examples is 0 to 100") }
    }

    /// Seconds in `text` (`30m`, `12h`, `7d`, `2w`), or nil.
    static func duration(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let count = Double(text.dropLast()), count > 0 else { return nil }
        switch unit {
        case "m": return count * 60
        case "h": return count * 3600
        case "d": return count * 86400
        case "w": return count * 7 * 86400
        default: return nil
        }
    }

    func run() async throws {
        let configuration = try options.load().configuration
        let overlay = tenant.map { (configuration.overlaysDirectory ?? "") + "/" + $0 }.flatMap { path -> String? in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? path : nil
        }
        let active = try Self.load(configuration.rulesDirectory, overlay: overlay, role: "active")
        let candidate = try Self.load(rules, overlay: overlay, role: "candidate")
        let cutoff = since.flatMap(Self.duration).map { Date().addingTimeInterval(-$0) }
        var progress = ReplayProgress()
        let replay = try await RuleBacktest.run(
            configuration, active: active, candidate: candidate, since: cutoff, tenant: tenant, examples: examples, progress: { progress.count($0) })
        progress.finish(replay.items)
        if json {
            print(String(decoding: replay.json.serialized(), as: UTF8.self))
        } else {
            // Item ids are remote text: shown, never obeyed by the terminal.
            print(replay.rendered().split(separator: "\n", omittingEmptySubsequences: false).map { printable(String($0)) }.joined(separator: "\n"), terminator: "")
        }
    }

    /// A rule set that compiles, or exit 1 with its diagnostics.
    static func load(_ directory: String, overlay: String?, role: String) throws -> RuleSet {
        let load = RuleSetLoader.load(directory: directory, overlay: overlay)
        guard let set = load.ruleSet else {
            FileHandle.standardError.write(Data((load.renderedDiagnostics() + "\n").utf8))
            FileHandle.standardError.write(Data("error: the \(role) rules in \(directory) do not compile (see above)\n".utf8))
            throw ExitCode(1)
        }
        return set
    }
}

/// Items replayed so far, on standard error: a counter redrawn on a terminal, a line every 10,000 items otherwise.
struct ReplayProgress {
    private let terminal = isatty(STDERR_FILENO) == 1
    private let start = Date()
    private var shown = Date.distantPast

    mutating func count(_ items: Int) {
        if terminal {
            let now = Date()
            guard now.timeIntervalSince(shown) > 0.1 else { return }
            shown = now
            FileHandle.standardError.write(Data("\rreplayed \(items) items (\(rate(items))/s)\u{1B}[K".utf8))
        } else if items % 10_000 == 0 {
            FileHandle.standardError.write(Data("replayed \(items) items (\(rate(items))/s)\n".utf8))
        }
    }

    func finish(_ items: Int) {
        FileHandle.standardError.write(Data("\(terminal ? "\r" : "")replayed \(items) items (\(rate(items))/s)\(terminal ? "\u{1B}[K" : "")\n".utf8))
    }

    private func rate(_ items: Int) -> Int {
        Int(Double(items) / max(Date().timeIntervalSince(start), 0.001))
    }
}
