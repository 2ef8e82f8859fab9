import ActivityStreams
import ArgumentParser
import Federation
import Foundation
import Moderation
import PCRE
import Rules
import Server

/// `palisade rules …`
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Policy authoring: check, test, explain and batch-evaluate rule files (RULES-FORMAT.md); reload them in the running server; backtest a candidate set on stored history.",
        subcommands: [RulesCheckCommand.self, RulesTestCommand.self, RulesExplainCommand.self, RulesEvalCommand.self, RulesReloadCommand.self, RulesReplayCommand.self]
    )
}

/// `--overlay DIR` and `--config FILE`, shared by the rules commands, and how they load the set.
struct RuleSetOptions: ParsableArguments {
    @Option(help: "A tenant overlay directory: adds rules, replaces global ones with the same id, disables them.")
    var overlay: String?

    @OptionGroup var options: ConfigOption

    /// The rules directory: the one given, else the configuration's `rules_dir`.
    func directory(_ given: String?) throws -> String {
        if let given { return given }
        return try options.load().configuration.rulesDirectory
    }

    /// Loads the set, printing diagnostics to standard error; exits 1 on errors.
    func loadOrExit(_ directory: String) throws -> RuleSet {
        let load = RuleSetLoader.load(directory: directory, overlay: overlay)
        if !load.diagnostics.isEmpty { FileHandle.standardError.write(Data((load.renderedDiagnostics() + "\n").utf8)) }
        guard let ruleSet = load.ruleSet else {
            FileHandle.standardError.write(Data("error: the rules in \(directory) do not compile (see above)\n".utf8))
            throw ExitCode(1)
        }
        return ruleSet
    }
}

/// `palisade rules check [DIR] [--overlay DIR]`
struct RulesCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse, validate and compile every rule and run its tests; print every problem as file:line:col. Exit 1 on any error.")

    @Argument(help: "The rules directory (default: rules_dir from the configuration, ./rules).")
    var directory: String?

    @OptionGroup var source: RuleSetOptions

    func run() async throws {
        let root = try source.directory(directory)
        let load = RuleSetLoader.load(directory: root, overlay: source.overlay)
        var errors = load.diagnostics.filter { $0.severity == .error }.count
        let warnings = load.diagnostics.count - errors
        var output = load.diagnostics.isEmpty ? "" : load.renderedDiagnostics() + "\n\n"
        var rules = 0
        if let ruleSet = load.ruleSet {
            rules = ruleSet.rules.count
            for failure in RuleTestRunner.run(ruleSet, baseDirectories: [".", (root as NSString).deletingLastPathComponent], now: Date()) where !failure.passed {
                let diagnostic = Diagnostic(.error, at: failure.location, "test of '\(failure.rule)' failed: \(failure.reason)")
                output += diagnostic.rendered(source: load.sources[failure.location.file]) + "\n\n"
                errors += 1
            }
        }
        output += "\(rules) rules, \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        if let ruleSet = load.ruleSet { output += "rule set version \(ruleSet.version)\n" }
        print(output, terminator: "")
        if errors > 0 { throw ExitCode(1) }
    }
}

/// `palisade rules test [DIR] [--overlay DIR]`
struct RulesTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Run every rule's match / no_match examples; print each failure and 'N passed, M failed'.")

    @Argument(help: "The rules directory (default: rules_dir from the configuration, ./rules).")
    var directory: String?

    @OptionGroup var source: RuleSetOptions

    func run() async throws {
        let root = try source.directory(directory)
        let ruleSet = try source.loadOrExit(root)
        let results = RuleTestRunner.run(ruleSet, baseDirectories: [".", (root as NSString).deletingLastPathComponent], now: Date())
        let failed = results.filter { !$0.passed }
        for failure in failed {
            print("FAIL \(failure.rule) \(failure.location.file):\(failure.location.line):\(failure.location.column): \(failure.reason)")
        }
        print("\(results.count - failed.count) passed, \(failed.count) failed")
        if !failed.isEmpty { throw ExitCode(1) }
    }
}

/// `palisade rules explain [--rules DIR] [--json] FILE`
struct RulesExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Evaluate one activity, actor or report document, a Mastodon admin webhook payload (a report: the report and each status), or a {field: value} object, and show the fields, hits, spans and errors.")

    @Option(help: "The rules directory (default: rules_dir from the configuration, ./rules).")
    var rules: String?

    @Flag(help: "Print one JSON object: {subject, hits, errors} (an array of them for a webhook report).")
    var json = false

    @Argument(help: "The JSON document ('-' for standard input).")
    var file: String

    @OptionGroup var source: RuleSetOptions

    func run() async throws {
        let ruleSet = try source.loadOrExit(try source.directory(rules))
        let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
        guard let data else { throw ValidationError("cannot read \(file)") }
        let subjects: [(id: String?, subject: Subject)]
        do {
            subjects = try Self.subjects(of: data)
        } catch {
            FileHandle.standardError.write(Data("error: \(file): \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        let evaluations = subjects.map { ruleSet.evaluate($0.subject) }
        if json {
            let reports = zip(subjects, evaluations).map { RuleReport.json(subject: $0.subject, evaluation: $1) }
            // One object for one subject; a webhook's report is several (the report, then each status): an array.
            let output = reports.count == 1 ? reports[0] : .array(reports)
            print(String(decoding: output.serialized(), as: UTF8.self))
            return
        }
        for ((id, subject), evaluation) in zip(subjects, evaluations) {
            if subjects.count > 1 { print("== \(printable(id ?? "-"))") }
            explain(subject, evaluation, ruleSet: ruleSet)
        }
    }

    /// What the server would evaluate for `data`: a Mastodon admin webhook payload (`{"event", "object"}`: a report is
    /// the report and each of its statuses, as intake screens them; a status or account event is one subject), else
    /// one activity, actor, report document or `{field: value}` object.
    static func subjects(of data: Data) throws(ExplainError) -> [(id: String?, subject: Subject)] {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["event"] is String, object["object"] != nil {
            let event: MastodonWebhook.Event
            do {
                event = try MastodonWebhook.parse(data, domain: InstanceDomain("webhook.invalid")!, now: Date())
            } catch {
                throw ExplainError("not a Mastodon webhook payload Palisade reads: \(error.description)")
            }
            switch event {
            case .report(let report):
                return Intake.subjects(of: report, tenant: "-").map { (Optional($0.id), $0.subject) }
            case .screen(let subject, let subjectID, _):
                return [(subjectID, subject)]
            case .ignored(let name):
                throw ExplainError("the webhook event \(name) is not evaluated by the rules")
            }
        }
        let read = RuleTestRunner.subject(fromJSON: data, now: Date())
        guard let subject = read.subject else { throw ExplainError(read.problem ?? "unreadable") }
        return [(nil, subject)]
    }

    private func explain(_ subject: Subject, _ evaluation: Evaluation, ruleSet: RuleSet) {
        print("subject (\(subject.kind.rawValue), applies as \(subject.appliesToType)); rule set \(ruleSet.version)")
        for name in subject.fields.keys.sorted() {
            let shown = subject.fields[name]!.texts.joined(separator: " | ")
            print("  \(name): \(printable(shown.count > 200 ? String(shown.prefix(200)) + "…" : shown))")
        }
        if evaluation.hits.isEmpty { print("no rule matched") }
        for hit in evaluation.hits {
            var line = "HIT \(hit.rule) (version \(hit.version)) queue \(hit.queue ?? "-") priority \(hit.priority) score \(hit.score)"
            if !hit.tags.isEmpty { line += " tags \(hit.tags.joined(separator: ","))" }
            if let decision = hit.decision { line += " decide \(decision.rawValue)\(hit.confirm ? " (to confirm)" : "")" }
            print(printable(line))
            for span in hit.spans { print("  \(printable(span.field))[\(span.start)..<\(span.end)]: \"\(printable(span.text))\"") }
            // The normalised text the spans are offsets into.
            for field in Set(hit.spans.map(\.field)).sorted() {
                let normalised = (subject.fields[field]?.texts ?? []).map { TextNormalisation.normalise($0) }.joined(separator: " | ")
                print("  normalised \(printable(field)): \(printable(normalised.count > 300 ? String(normalised.prefix(300)) + "…" : normalised))")
            }
        }
        for error in evaluation.errors { print("ERROR \(error.rule): \(printable(error.message))") }
    }
}

/// Why `rules explain` cannot read its document.
struct ExplainError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `palisade rules eval [--rules DIR]`
struct RulesEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Batch evaluation: one JSON subject per line on standard input, one {\"line\", \"hits\", \"errors\"} per line out, in order.")

    @Option(help: "The rules directory (default: rules_dir from the configuration, ./rules).")
    var rules: String?

    @OptionGroup var source: RuleSetOptions

    func run() async throws {
        let ruleSet = try source.loadOrExit(try source.directory(rules))
        let now = Date()
        let matcher = Matcher()
        var number = 0
        while let line = readLine(strippingNewline: true) {
            number += 1
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let read = RuleTestRunner.subject(fromJSON: Data(line.utf8), now: now)
            let output: JSONValue
            if let subject = read.subject {
                let evaluation = ruleSet.evaluate(subject, matcher: matcher)
                output = .object([
                    "line": .number(Double(number)),
                    "hits": .array(evaluation.hits.map { .string($0.rule) }),
                    "errors": .array(evaluation.errors.map { .object(["rule": .string($0.rule), "message": .string($0.message)]) }),
                ])
            } else {
                output = .object([
                    "line": .number(Double(number)), "hits": .array([]),
                    "errors": .array([.object(["rule": .null, "message": .string(read.problem ?? "unreadable")])]),
                ])
            }
            print(String(decoding: output.serialized(), as: UTF8.self))
        }
    }
}
