import Foundation
import Logging
import Rules
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The rule set the service evaluates with: loaded at start, replaced atomically by a reload (SIGHUP or the admin
/// API). A reload compiles off the hot path; readers keep the set they took until they are done with it. A set
/// that does not compile is refused and the running one stays.
public final class ActiveRules: Sendable {
    /// The set in use, and the number of the reload that put it there: a reload that started earlier but finished
    /// later never replaces a newer set.
    private let current = Mutex<(set: RuleSet, reload: Int)>((.empty, 0))
    private let reloadsStarted = Atomic<Int>(0)
    private let directory: String
    private let logger: Logger

    /// What a reload did.
    public enum Outcome: Sendable {
        /// The new set is in use.
        case loaded(RuleSet, RuleSetChanges, warnings: [Diagnostic])
        /// The files do not compile; the running set stays.
        case refused(RuleSetLoad)
    }

    /// Rules from `directory`, not yet loaded (an empty set until `reload`).
    public init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// The set in use now.
    public var ruleSet: RuleSet { current.withLock { $0.set } }

    /// Loads the directory again; swaps the set in when it compiles, and logs what changed (or every problem).
    @discardableResult
    public func reload(reason: String) async -> Outcome {
        let directory = self.directory
        let number = reloadsStarted.add(1, ordering: .relaxed).newValue
        let load = await Task.detached { RuleSetLoader.load(directory: directory) }.value
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            logger.notice("no rules directory: no rules are evaluated", metadata: ["directory": .string(directory), "reason": .string(reason)])
            return .refused(load)
        }
        guard let next = load.ruleSet else {
            logger.error(
                "rules not reloaded: the files do not compile; the running set stays",
                metadata: [
                    "reason": .string(reason), "directory": .string(directory),
                    "errors": .stringConvertible(load.diagnostics.filter { $0.severity == .error }.count),
                    "diagnostics": .string(load.renderedDiagnostics()),
                ])
            return .refused(load)
        }
        let previous = current.withLock { state -> RuleSet? in
            guard number > state.reload else { return nil }
            defer { state = (next, number) }
            return state.set
        }
        guard let previous else {
            logger.notice("rules reload overtaken by a later one; its set stays", metadata: ["reason": .string(reason)])
            return .loaded(ruleSet, RuleSetChanges(from: ruleSet, to: ruleSet), warnings: load.diagnostics)
        }
        let changes = RuleSetChanges(from: previous, to: next)
        logger.notice(
            "rules loaded",
            metadata: [
                "reason": .string(reason), "version": .string(next.version), "previous": .string(previous.version),
                "rules": .stringConvertible(next.rules.count), "added": .string(changes.added.joined(separator: ",")),
                "removed": .string(changes.removed.joined(separator: ",")), "changed": .string(changes.changed.joined(separator: ",")),
                "warnings": .stringConvertible(load.diagnostics.count),
            ])
        return .loaded(next, changes, warnings: load.diagnostics)
    }
}

/// Reloads the rules on SIGHUP, until graceful shutdown.
struct RulesReloadService: Service {
    let rules: ActiveRules

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await rules.reload(reason: "SIGHUP")
        }
    }
}
