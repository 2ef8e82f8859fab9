import Foundation
import Logging
import Rules
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The rule sets the service evaluates with: the global set, and for each tenant with an overlay directory
/// (`overlays_dir/SLUG`) the global set with its overlay. Loaded at start, replaced atomically by a reload (SIGHUP or
/// the admin API). A reload compiles off the hot path; readers keep the set they took until they are done with it.
/// A reload where anything does not compile (the global rules or any overlay) is refused whole and the running sets stay.
public final class ActiveRules: Sendable {
    /// The set in use, and the number of the reload that put it there: a reload that started earlier but finished
    /// later never replaces a newer set.
    private let current = Mutex<(set: RuleSet, overlays: [String: RuleSet], reload: Int)>((.empty, [:], 0))
    private let reloadsStarted = Atomic<Int>(0)
    private let directory: String
    private let overlaysDirectory: String?
    private let cache: PrefilterCache?
    private let allowFailingTests: Bool
    private let logger: Logger

    /// What a reload did.
    public enum Outcome: Sendable {
        /// The new set is in use.
        case loaded(RuleSet, RuleSetChanges, warnings: [Diagnostic])
        /// The files do not compile; the running set stays.
        case refused(RuleSetLoad)
        /// The set compiles but some of its own tests fail (`rules.allow_failing_tests` off, no force); the running
        /// set stays.
        case testsFailed([RuleTestResult])
    }

    /// Rules from `directory` (and tenant overlays under `overlaysDirectory`), not yet loaded (empty until `reload`);
    /// compiled prefilter databases are kept in `cache`, so restarts and reloads of unchanged rules skip compiling them.
    /// A set whose own tests fail is refused unless `allowFailingTests`.
    public init(directory: String, overlaysDirectory: String? = nil, cache: PrefilterCache? = nil, allowFailingTests: Bool = false, logger: Logger) {
        self.directory = directory
        self.overlaysDirectory = overlaysDirectory
        self.cache = cache
        self.allowFailingTests = allowFailingTests
        self.logger = logger
    }

    /// The global set in use now.
    public var ruleSet: RuleSet { current.withLock { $0.set } }

    /// The set a tenant evaluates with: the global set with the tenant's overlay, when it has one.
    public func ruleSet(tenant slug: String) -> RuleSet {
        current.withLock { $0.overlays[slug] ?? $0.set }
    }

    /// The tenants with an overlay in use, by slug.
    public var overlaidTenants: [String] { current.withLock { $0.overlays.keys.sorted() } }

    /// Each tenant overlay directory (`overlaysDirectory/SLUG` holding a valid slug), by slug.
    private func overlayDirectories() -> [(slug: String, path: String)] {
        guard let overlaysDirectory,
            let names = try? FileManager.default.contentsOfDirectory(atPath: overlaysDirectory)
        else { return [] }
        return names.sorted().compactMap { name in
            var isDirectory: ObjCBool = false
            let path = overlaysDirectory + "/" + name
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
                name.first?.isLetter == true, name.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
            else { return nil }
            return (name, path)
        }
    }

    /// Loads the directory again; swaps the set in when it compiles and its tests pass (or `force`, or
    /// `allowFailingTests`), and logs what changed (or every problem).
    @discardableResult
    public func reload(reason: String, force: Bool = false) async -> Outcome {
        let directory = self.directory
        let number = reloadsStarted.add(1, ordering: .relaxed).newValue
        let overlayDirectories = overlayDirectories()
        let cache = self.cache
        let (load, overlayLoads) = await Task.detached {
            (
                RuleSetLoader.load(directory: directory, cache: cache),
                overlayDirectories.map { ($0.slug, RuleSetLoader.load(directory: directory, overlay: $0.path, cache: cache)) }
            )
        }.value
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
                ].merging(.numbered("diagnostic", load.diagnostics.map { $0.rendered(source: nil) })) { first, _ in first })
            return .refused(load)
        }
        var overlays: [String: RuleSet] = [:]
        for (slug, overlayLoad) in overlayLoads {
            guard let set = overlayLoad.ruleSet else {
                logger.error(
                    "rules not reloaded: the overlay of tenant \(slug) does not compile; the running sets stay",
                    metadata: ["reason": .string(reason), "tenant": .string(slug)]
                        .merging(.numbered("diagnostic", overlayLoad.diagnostics.map { $0.rendered(source: nil) })) { first, _ in first })
                return .refused(overlayLoad)
            }
            overlays[slug] = set
        }
        // The set's own examples, and each overlay's (document examples read beside the rules), before it goes live.
        let compiled = overlays
        let failing = await Task.detached { () -> [RuleTestResult] in
            // As `rules check` reads them: beside the rules, then the current directory.
            let bases = [directory, (directory as NSString).deletingLastPathComponent, "."]
            var failing = RuleTestRunner.run(next, baseDirectories: bases, now: Date()).filter { !$0.passed }
            for (slug, set) in compiled.sorted(by: { $0.key < $1.key }) {
                let overlayBases = overlayDirectories.first { $0.slug == slug }.map { [$0.path] + bases } ?? bases
                let known = Set(failing.map(\.location))
                failing += RuleTestRunner.run(set, baseDirectories: overlayBases, now: Date()).filter { !$0.passed && !known.contains($0.location) }
            }
            return failing
        }.value
        if !failing.isEmpty {
            let lines = Logger.Metadata.numbered("test", failing.map(Self.line))
            guard allowFailingTests || force else {
                logger.error(
                    "rules not reloaded: their own tests fail; the running set stays (reload with --force, or set rules.allow_failing_tests)",
                    metadata: ["reason": .string(reason), "directory": .string(directory), "failing": .stringConvertible(failing.count)]
                        .merging(lines) { first, _ in first })
                return .testsFailed(failing)
            }
            logger.warning(
                "rules loaded although their own tests fail",
                metadata: ["reason": .string(reason), "failing": .stringConvertible(failing.count)].merging(lines) { first, _ in first })
        }
        let previous = current.withLock { state -> RuleSet? in
            guard number > state.reload else { return nil }
            defer { state = (next, overlays, number) }
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
                "warnings": .stringConvertible(load.diagnostics.count), "overlays": .string(overlays.keys.sorted().joined(separator: ",")),
            ])
        return .loaded(next, changes, warnings: load.diagnostics)
    }
}

extension ActiveRules {
    /// A failing test as one line: `FILE:LINE:COL: test of RULE failed: WHY`.
    public static func line(_ failure: RuleTestResult) -> String {
        "\(failure.location.file):\(failure.location.line):\(failure.location.column): test of \(failure.rule) failed: \(failure.reason)"
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
