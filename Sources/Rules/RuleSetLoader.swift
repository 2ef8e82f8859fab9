import Crypto
import Foundation
import PCRE

/// What loading a rules directory produced: the set (nil when any error was found), every diagnostic in file and
/// line order, and the text of each file read (to print source lines under diagnostics).
public struct RuleSetLoad: Sendable {
    /// The compiled set, when there were no errors.
    public let ruleSet: RuleSet?
    /// Errors and warnings.
    public let diagnostics: [Diagnostic]
    /// File → its text.
    public let sources: [String: String]

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Every diagnostic, rendered compiler-style with its source line and caret, separated by blank lines.
    public func renderedDiagnostics() -> String {
        diagnostics.map { $0.rendered(source: sources[$0.location.file]) }.joined(separator: "\n\n")
    }
}

/// Reads `rules/**/*.yml` and `rules/lists/*.txt`, then parses, validates and compiles (RULES-FORMAT.md).
public enum RuleSetLoader {
    /// Loads the global rules in `directory` and, when given, a tenant `overlay` directory whose rules add to them,
    /// replace a global rule with the same id, or turn it off (`disabled: true`). The prefilter's compiled databases
    /// are read from and kept in `cache` when given.
    public static func load(directory: String, overlay: String? = nil, cache: PrefilterCache? = nil) -> RuleSetLoad {
        var diagnostics: [Diagnostic] = []
        var sources: [String: String] = [:]
        var hasher = SHA256()
        var definitions = loadDefinitions(directory, layer: "global", diagnostics: &diagnostics, sources: &sources, hasher: &hasher)
        if let overlay {
            let overlaid = loadDefinitions(overlay, layer: "overlay", diagnostics: &diagnostics, sources: &sources, hasher: &hasher)
            for (list, rule) in overlaid {
                definitions.removeAll { $0.1.id == rule.id }
                definitions.append((list, rule))
            }
        }
        return compile(definitions, diagnostics: diagnostics, sources: sources, hasher: hasher, cache: cache)
    }

    /// Parses, validates and compiles one rule file's `text` in memory, as if it were the only file of a directory
    /// (named `file` in diagnostics); `lists` are the term lists it may use, by name, with their text.
    public static func load(file: String, text: String, lists: [String: String] = [:]) -> RuleSetLoad {
        var diagnostics: [Diagnostic] = []
        var sources: [String: String] = [file: text]
        var hasher = SHA256()
        var entries: [String: [PatternSource]] = [:]
        for (name, listText) in lists.sorted(by: { $0.key < $1.key }) {
            let path = "lists/\(name).txt"
            sources[path] = listText
            hasher.update(data: Data((path + "\0" + listText + "\0").utf8))
            entries[name] = TermList.entries(listText, file: path)
        }
        hasher.update(data: Data((file + "\0" + text + "\0").utf8))
        var parser = RuleParser(file: file, source: text, lists: entries)
        var definitions: [(String, RuleDefinition)] = []
        var seen: [String: SourceLocation] = [:]
        for rule in parser.parse() {
            if let first = seen[rule.id] {
                parser.diagnostics.append(Diagnostic(
                    .error, at: rule.location, "duplicate id '\(rule.id)' (first defined at \(first.file):\(first.line):\(first.column))"))
                continue
            }
            seen[rule.id] = rule.location
            definitions.append((file, rule))
        }
        diagnostics += parser.diagnostics
        return compile(definitions, diagnostics: diagnostics, sources: sources, hasher: hasher)
    }

    /// Compiles the enabled definitions; the set exists only when no diagnostic is an error.
    private static func compile(
        _ definitions: [(String, RuleDefinition)], diagnostics: [Diagnostic], sources: [String: String], hasher: SHA256,
        cache: PrefilterCache? = nil
    ) -> RuleSetLoad {
        var diagnostics = diagnostics
        var compiled: [CompiledRule] = []
        for (_, rule) in definitions where !rule.disabled {
            var compiler = RuleCompiler(expensiveAcknowledged: rule.expensive)
            if let condition = compiler.compile(rule.condition) { compiled.append(CompiledRule(definition: rule, condition: condition)) }
            diagnostics += compiler.allDiagnostics
            if rule.tests.isEmpty {
                diagnostics.append(Diagnostic(.warning, at: rule.location, "rule '\(rule.id)' has no tests: add a match and a no_match example"))
            }
        }
        diagnostics.sort { ($0.location, $0.severity == .error ? 0 : 1, $0.message) < ($1.location, $1.severity == .error ? 0 : 1, $1.message) }
        let version = hasher.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
        let failed = diagnostics.contains { $0.severity == .error }
        return RuleSetLoad(ruleSet: failed ? nil : RuleSet(rules: compiled, version: version, cache: cache), diagnostics: diagnostics, sources: sources)
    }

    /// One directory's lists and rules, parsed and validated (duplicate ids within it are errors). The version hash
    /// takes each file's path relative to the directory (and the `layer` it is in) with its contents, so `rules`,
    /// `./rules` and an absolute path give the same version.
    private static func loadDefinitions(
        _ directory: String, layer: String, diagnostics: inout [Diagnostic], sources: inout [String: String], hasher: inout SHA256
    ) -> [(String, RuleDefinition)] {
        let root = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: root, line: 1, column: 1), "no rules directory at \(root)"))
            return []
        }
        let files = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []).sorted()
        var lists: [String: [PatternSource]] = [:]
        for file in files where file.hasPrefix("lists/") && file.hasSuffix(".txt") && !file.dropFirst(6).contains("/") {
            let path = root + "/" + file
            guard let text = read(path, diagnostics: &diagnostics) else { continue }
            sources[path] = text
            hasher.update(data: Data((layer + "/" + file + "\0" + text + "\0").utf8))
            let name = String(file.dropFirst(6).dropLast(4))
            lists[name] = TermList.entries(text, file: path)
        }
        var usedLists: Set<String> = []
        var definitions: [(String, RuleDefinition)] = []
        var seen: [String: SourceLocation] = [:]
        for file in files where (file.hasSuffix(".yml") || file.hasSuffix(".yaml")) && !file.hasPrefix("lists/") {
            let path = root + "/" + file
            guard let text = read(path, diagnostics: &diagnostics) else { continue }
            sources[path] = text
            hasher.update(data: Data((layer + "/" + file + "\0" + text + "\0").utf8))
            var parser = RuleParser(file: path, source: text, lists: lists)
            for rule in parser.parse() {
                if let first = seen[rule.id] {
                    parser.diagnostics.append(Diagnostic(
                        .error, at: rule.location,
                        "duplicate id '\(rule.id)' (first defined at \(first.file):\(first.line):\(first.column))"))
                    continue
                }
                seen[rule.id] = rule.location
                definitions.append((path, rule))
            }
            diagnostics += parser.diagnostics
            usedLists.formUnion(parser.usedLists)
        }
        for name in lists.keys.sorted() where !usedLists.contains(name) {
            diagnostics.append(Diagnostic(.warning, at: SourceLocation(file: root + "/lists/\(name).txt", line: 1, column: 1), "term list '\(name)' is not used by any rule"))
        }
        return definitions
    }

    private static func read(_ path: String, diagnostics: inout [Diagnostic]) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1), "cannot read the file"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1), "the file is not UTF-8"))
            return nil
        }
        return text
    }
}

/// `rules/lists/NAME.txt`: one pattern or `literal: text` per line; `#` comments and blank lines ignored.
enum TermList {
    static func entries(_ text: String, file: String) -> [PatternSource] {
        var entries: [PatternSource] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.hasSuffix("\r") ? line.dropLast() : line
            let trimmed = content.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let indent = content.prefix { $0 == " " || $0 == "\t" }.count
            if trimmed.hasPrefix("literal:") {
                let literal = trimmed.dropFirst("literal:".count).trimmingCharacters(in: .whitespaces)
                let column = content.distance(from: content.startIndex, to: content.range(of: literal)?.lowerBound ?? content.startIndex) + 1
                entries.append(PatternSource(
                    text: literal, isLiteral: true, isWord: false,
                    location: SourceLocation(file: file, line: number + 1, column: column), exactColumns: true))
            } else {
                entries.append(PatternSource(
                    text: trimmed, isLiteral: false, isWord: false,
                    location: SourceLocation(file: file, line: number + 1, column: indent + 1), exactColumns: true))
            }
        }
        return entries
    }
}

/// Compile: patterns to PCRE2 (with their skeleton twins), values to the forms evaluation compares. PCRE2 errors
/// become diagnostics with the caret at PCRE2's offset inside the pattern.
struct RuleCompiler {
    /// The rule says `cost: expensive`: patterns the prefilter cannot skip are expected.
    var expensiveAcknowledged = false
    var diagnostics: [Diagnostic] = []

    /// "Runs on most posts" warnings not yet known to matter: dropped when an `all` has a child with literal gates.
    var broad: [Diagnostic] = []

    /// Diagnostics, with the class-only warnings that still matter.
    var allDiagnostics: [Diagnostic] { diagnostics + broad }

    mutating func compile(_ condition: RuleCondition) -> CompiledCondition? {
        switch condition {
        case .all(let children):
            let before = broad.count
            let compiled = compileChildren(children)
            // A class-only pattern whose rule also requires a pattern with literals only runs where those are found.
            if let compiled, compiled.contains(where: \.isNarrowPatterns) { broad.removeSubrange(before...) }
            return compiled.map(CompiledCondition.all)
        case .any(let children): return compileChildren(children).map(CompiledCondition.any)
        case .none(let children): return compileChildren(children).map(CompiledCondition.none)
        case .field(let field, let test, let location):
            switch WindowField.parse(field) {
            case .failure(let error)?:
                diagnostics.append(Diagnostic(.error, at: location, "\(error.description): a window field is window.DURATION.MEASURE, like window.10m.same_link.accounts"))
                return nil
            case .success?:
                guard case .compare = test else {
                    diagnostics.append(Diagnostic(.error, at: location, "\(field) is a count: compare it with lt, lte, gt or gte"))
                    return nil
                }
            case nil:
                break
            }
            switch test {
            case .patterns(let sources, let raw, let caseSensitive, let multiline):
                var compiled: [CompiledPattern] = []
                for source in sources {
                    if let pattern = compilePattern(source, field: field, raw: raw, caseSensitive: caseSensitive, multiline: multiline) {
                        compiled.append(pattern)
                    }
                }
                return compiled.count == sources.count ? .patterns(field: field, compiled, raw: raw) : nil
            case .oneOf(let values):
                return .oneOf(field: field, Set(values.map { TextNormalisation.normalise($0) }))
            case .compare(let bounds):
                return .compare(field: field, bounds)
            case .exists(let expected):
                return .exists(field: field, expected)
            }
        }
    }

    private mutating func compileChildren(_ children: [RuleCondition]) -> [CompiledCondition]? {
        var compiled: [CompiledCondition] = []
        var failed = false
        for child in children {
            if let condition = compile(child) { compiled.append(condition) } else { failed = true }
        }
        return failed ? nil : compiled
    }

    private mutating func compilePattern(
        _ source: PatternSource, field: String, raw: Bool, caseSensitive: Bool, multiline: Bool
    ) -> CompiledPattern? {
        var options: PatternOptions = caseSensitive ? [] : [.caseless]
        if multiline { options.insert(.multiline) }
        // The written pattern (literals escaped, words bounded), as PCRE2 will see it.
        let written = source.isLiteral ? PatternRewriter.escape(source.text) : source.text
        let bounded: (String) -> String = { source.isWord ? #"(?<!\w)(?:"# + $0 + #")(?!\w)"# : $0 }
        do {
            // First the pattern as written, so PCRE2's offsets point into what the author typed.
            _ = try Pattern(written, options: options)
        } catch {
            report(error, source)
            return nil
        }
        do {
            if raw {
                return CompiledPattern(source: source, pattern: try Pattern(bounded(written), options: options), skeleton: nil)
            }
            let folded = caseSensitive ? written : PatternRewriter.mapLiterals(written) { TextNormalisation.nfkcCasefold(String($0)) }
            let skeleton = PatternRewriter.mapLiterals(folded) { ScalarSkeletons.shared.skeleton(of: $0) }
            if caseSensitive, written.unicodeScalars.contains(where: { $0.properties.isUppercase }) {
                diagnostics.append(Diagnostic(
                    .warning, at: source.location,
                    "this pattern has capital letters and case_sensitive: true, but \(field) is case-folded before matching: it can never match them (add raw: true)"))
            }
            var compiled = CompiledPattern(
                source: source, pattern: try Pattern(bounded(folded), options: options),
                skeleton: try Pattern(bounded(skeleton), options: options))
            compiled.skeletonIsPattern = skeleton == folded
            // A precheck that does not compile is no precheck: the pattern runs as written.
            compiled.precheck = (
                Precheck.of(bounded(folded)).flatMap { try? Pattern($0, options: options) },
                Precheck.of(bounded(skeleton)).flatMap { try? Pattern($0, options: options) })
            let literals = !caseSensitive && !multiline
            if let text = Self.gates(bounded(folded), literals: literals), let skeletonGates = Self.gates(bounded(skeleton), literals: literals) {
                compiled.gates = (text.gates, skeletonGates.gates)
                compiled.narrow = text.narrow && skeletonGates.narrow
                if !text.narrow, !expensiveAcknowledged {
                    // Kept aside: a required sibling with literal gates filters for it (see `compile`).
                    broad.append(Diagnostic(
                        .warning, at: source.location,
                        "runs on most posts: no literal to index. The prefilter can only look for this pattern's character classes, so it runs on most subjects, which is costly in large rule sets (say `cost: expensive` on the rule if that is intended)"))
                }
            } else {
                // Not gated: a character every match needs still rules out the texts without it.
                func required(_ expression: String) -> RequiredASCII? {
                    SupersetPattern.rewriteTrimmed(expression).flatMap { $0.singleClass && $0.minimumLength > 0 ? RequiredASCII(expression: $0.expression) : nil }
                }
                compiled.requiredASCII = (required(bounded(folded)), required(bounded(skeleton)))
            }
            if compiled.gates == nil, !expensiveAcknowledged {
                diagnostics.append(Diagnostic(
                    .warning, at: source.location,
                    "runs on every post: no literal to index. Neither a literal every match needs (3 bytes or more) nor an expression the prefilter can scan for could be found, so this pattern runs on every subject, which is costly in large rule sets (say `cost: expensive` on the rule if that is intended)"))
            }
            return compiled
        } catch {
            diagnostics.append(Diagnostic(.error, at: source.location, "the normalised form of this pattern does not compile: \(error.description)"))
            return nil
        }
    }

    /// Literals no shorter than this (UTF-8 bytes) are selective enough to gate on alone; with shorter ones the
    /// superset expression is the better gate when there is one.
    static let selectiveLiteralBytes = 4

    /// The prefilter gates of a pattern as PCRE2 runs it: its required literals when they are selective, else its
    /// superset expression when Vectorscan reads one, else its required literals (3 bytes or more); nil: none.
    /// `narrow` is false for an expression of character classes only. `literals: false` for patterns whose literals
    /// may not be byte for byte in the text (case-sensitive spans).
    static func gates(_ pattern: String, literals useLiterals: Bool) -> (gates: [PrefilterGate], narrow: Bool)? {
        let factor = useLiterals ? RequiredLiterals.factor(of: pattern) : nil
        if let factor, RequiredLiterals.Parser.shortest(factor) >= selectiveLiteralBytes {
            return (factor.sorted().map(PrefilterGate.literal), true)
        }
        // The rewriter's own measure of the shortest match, not Vectorscan's (`hs_expression_info` was half of a cached
        // load); an expression it gets wrong is refused at compile and its pattern runs on every subject.
        // One character class (`[^0-9]+`, `.{3,}`, `\s`) fires on nearly every text, at every character: scanning for
        // it costs more than running the pattern.
        if let rewrite = SupersetPattern.rewriteTrimmed(pattern), rewrite.minimumLength > 0, !rewrite.singleClass {
            return ([.expression(rewrite.expression, literals: rewrite.literals)], rewrite.literals > 0 || factor != nil)
        }
        return factor.map { ($0.sorted().map(PrefilterGate.literal), true) }
    }

    private mutating func report(_ error: PCREError, _ source: PatternSource) {
        guard case .compile(let message, let offset) = error else {
            diagnostics.append(Diagnostic(.error, at: source.location, error.description))
            return
        }
        var location = source.location
        if source.exactColumns {
            let prefix = String(decoding: Array(source.text.utf8).prefix(offset), as: UTF8.self)
            location = SourceLocation(file: location.file, line: location.line, column: location.column + prefix.unicodeScalars.count)
        }
        diagnostics.append(Diagnostic(.error, at: location, "PCRE2: \(message)"))
    }
}
