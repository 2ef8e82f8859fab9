import Foundation
import PCRE

/// Where a condition matched, for the moderator: the field, the span in its normalised text (offsets in Unicode
/// scalars, end exclusive) and the text there.
public struct MatchSpan: Sendable, Equatable {
    /// The field.
    public let field: String
    /// Start, in Unicode scalars from the start of the (normalised, unless `raw`) field text.
    public let start: Int
    /// End (exclusive).
    public let end: Int
    /// The matched text.
    public let text: String
}

/// A rule that matched a subject.
public struct RuleHit: Sendable, Equatable {
    /// The rule's id.
    public let rule: String
    /// The rule's version (a hash of it as written).
    public let version: String
    /// Its action's score.
    public let score: Double
    /// Its queue.
    public let queue: String?
    /// Its priority.
    public let priority: Int
    /// Its tags.
    public let tags: [String]
    /// The automatic decision it asks for.
    public let decision: RuleDecision?
    /// Whether that decision waits for a moderator.
    public let confirm: Bool
    /// Where its pattern conditions matched.
    public let spans: [MatchSpan]
}

/// A rule that could not be evaluated on a subject (a match limit); the others still were.
public struct RuleFailure: Sendable, Equatable {
    /// The rule's id.
    public let rule: String
    /// What happened.
    public let message: String
}

/// The outcome of evaluating a subject: hits and errors, in rule-id order.
public struct Evaluation: Sendable, Equatable {
    /// Rules that matched.
    public let hits: [RuleHit]
    /// Rules that failed on this subject.
    public let errors: [RuleFailure]
}

/// What the prefilter looks for on a pattern's behalf: a literal (any of a pattern's literals may fire it) or a
/// superset expression (see `SupersetPattern`).
enum PrefilterGate: Hashable, Sendable {
    case literal(String)
    /// A superset expression and how many literal characters it has outside classes (see `SupersetPattern`): with few,
    /// it is more likely to fire all over ordinary text (see `Prefilter.noisy`).
    case expression(String, literals: Int)
}

/// A compiled pattern condition: the pattern for the normalised (or raw) text, and its skeleton twin, with the
/// prefilter gates each needs and, once the set is built, their ids.
struct CompiledPattern: Sendable {
    let source: PatternSource
    let pattern: Pattern
    let skeleton: Pattern?
    /// Gates of `pattern` and of `skeleton` (one of which fires on any text it matches); nil: the pattern always runs.
    var gates: (text: [PrefilterGate], skeleton: [PrefilterGate])?
    /// Their ids in the set's prefilter.
    var gateIDs: (text: [Int], skeleton: [Int])?
    /// Whether its gates need a literal (not only character classes, which fire on most texts).
    var narrow = false
    /// Whether `skeleton` is the same expression as `pattern` (no look-alike in it): on a text that is its own
    /// skeleton, it finds exactly what `pattern` found.
    var skeletonIsPattern = false
    /// Shorter patterns that match wherever `pattern` and `skeleton` match (see `Precheck`): the prefiltered
    /// evaluation runs them first, and the pattern itself only where they match.
    var precheck: (text: Pattern?, skeleton: Pattern?) = (nil, nil)
    /// For a pattern the prefilter cannot gate: ASCII characters one of which every match of `pattern` (and of
    /// `skeleton`) contains; the prefiltered evaluation does not run it on a text that has none of them.
    var requiredASCII: (text: RequiredASCII?, skeleton: RequiredASCII?) = (nil, nil)
}

/// A condition with its patterns compiled.
indirect enum CompiledCondition: Sendable {
    /// A pattern condition whose every pattern has literal gates.
    var isNarrowPatterns: Bool {
        guard case .patterns(_, let patterns, let raw) = self, !raw, !patterns.isEmpty else { return false }
        return patterns.allSatisfy { $0.narrow && $0.gates != nil }
    }

    /// The same condition with prefilter ids given to every pattern that has gates (new gates numbered in order).
    func assigningGateIDs(_ ids: inout [PrefilterGate: Int]) -> CompiledCondition {
        func id(_ gate: PrefilterGate) -> Int {
            if let known = ids[gate] { return known }
            ids[gate] = ids.count
            return ids.count - 1
        }
        switch self {
        case .all(let children): return .all(children.map { $0.assigningGateIDs(&ids) })
        case .any(let children): return .any(children.map { $0.assigningGateIDs(&ids) })
        case .none(let children): return .none(children.map { $0.assigningGateIDs(&ids) })
        case .patterns(let field, let patterns, let raw):
            return .patterns(field: field, patterns.map { compiled in
                var compiled = compiled
                if let gates = compiled.gates { compiled.gateIDs = (gates.text.map(id), gates.skeleton.map(id)) }
                return compiled
            }, raw: raw)
        default: return self
        }
    }

    /// Records in `scopes` (by gate id) which texts each of this condition's gates gate a pattern on.
    func recordingScopes(_ scopes: inout [PrefilterScope?]) {
        switch self {
        case .all(let children), .any(let children), .none(let children):
            for child in children { child.recordingScopes(&scopes) }
        case .patterns(_, let patterns, _):
            func record(_ id: Int, _ scope: PrefilterScope) {
                scopes[id] = scopes[id].map { $0 == scope ? scope : .both } ?? scope
            }
            for compiled in patterns {
                guard let ids = compiled.gateIDs else { continue }
                for id in ids.text { record(id, .text) }
                for id in ids.skeleton { record(id, .skeleton) }
            }
        default: break
        }
    }

    /// The same condition without the ids of gates the prefilter refused (those patterns always run).
    func droppingGates(_ refused: Set<Int>) -> CompiledCondition {
        guard !refused.isEmpty else { return self }
        switch self {
        case .all(let children): return .all(children.map { $0.droppingGates(refused) })
        case .any(let children): return .any(children.map { $0.droppingGates(refused) })
        case .none(let children): return .none(children.map { $0.droppingGates(refused) })
        case .patterns(let field, let patterns, let raw):
            return .patterns(field: field, patterns.map { compiled in
                var compiled = compiled
                if let ids = compiled.gateIDs, (ids.text + ids.skeleton).contains(where: refused.contains) { compiled.gateIDs = nil }
                return compiled
            }, raw: raw)
        default: return self
        }
    }

    case all([CompiledCondition])
    case any([CompiledCondition])
    case none([CompiledCondition])
    case patterns(field: String, [CompiledPattern], raw: Bool)
    case oneOf(field: String, Set<String>)
    case compare(field: String, [(Comparison, Double)])
    case exists(field: String, Bool)
}

/// A rule ready to evaluate.
public struct CompiledRule: Sendable {
    /// The rule as written.
    public let definition: RuleDefinition
    var condition: CompiledCondition
}

/// An immutable, versioned set of compiled rules. Evaluation is pure apart from the `Matcher` it is given.
public struct RuleSet: Sendable {
    /// The rules, by id.
    public let rules: [CompiledRule]
    /// A hash of every file the set was built from.
    public let version: String

    /// The prefilter over every pattern's gates (nil: no pattern has any).
    let prefilter: Prefilter?
    /// For each field, which rules a firing gate makes candidates (text gates, skeleton gates).
    private let candidatesByGate: [String: (text: [[Int]], skeleton: [[Int]])]
    /// Rules the prefilter cannot rule out (no required pattern with gates): always evaluated.
    private let alwaysEvaluated: [Int]

    /// A set of these rules (sorted by id), with its prefilter (its compiled databases read from and kept in `cache`).
    public init(rules: [CompiledRule], version: String, cache: PrefilterCache? = nil) {
        var ids: [PrefilterGate: Int] = [:]
        var sorted = rules.sorted { $0.definition.id < $1.definition.id }.map { rule in
            var rule = rule
            rule.condition = rule.condition.assigningGateIDs(&ids)
            return rule
        }
        self.version = version
        var gates = [PrefilterGate](repeating: .literal(""), count: ids.count)
        for (gate, id) in ids { gates[id] = gate }
        // A gate that only a skeleton twin needs is not looked for in the text, and the other way round.
        var scopes = [PrefilterScope?](repeating: nil, count: gates.count)
        for rule in sorted { rule.condition.recordingScopes(&scopes) }
        let prefilter = gates.isEmpty ? nil : Prefilter(gates: gates, scopes: scopes.map { $0 ?? .both }, cache: cache)
        if let refused = prefilter?.refused, !refused.isEmpty {
            for position in sorted.indices { sorted[position].condition = sorted[position].condition.droppingGates(refused) }
        }
        self.rules = sorted
        self.prefilter = prefilter
        // By field, then by gate id: the rules that gate makes candidates.
        var index: [String: (text: [[Int]], skeleton: [[Int]])] = [:]
        var always: [Int] = []
        for (position, rule) in self.rules.enumerated() {
            guard let required = Self.requiredGates(rule.condition) else {
                always.append(position)
                continue
            }
            var entry = index[required.field] ?? (Array(repeating: [], count: ids.count), Array(repeating: [], count: ids.count))
            for id in required.text { entry.text[id].append(position) }
            for id in required.skeleton { entry.skeleton[id].append(position) }
            index[required.field] = entry
        }
        candidatesByGate = index
        alwaysEvaluated = always
        windowFields = Self.windowFields(self.rules)
    }

    /// The window counts the rules compare (`window.DURATION.MEASURE` fields): what intake must count per subject.
    public let windowFields: Set<WindowField>

    private static func windowFields(_ rules: [CompiledRule]) -> Set<WindowField> {
        var found: Set<WindowField> = []
        func walk(_ condition: CompiledCondition) {
            switch condition {
            case .all(let children), .any(let children), .none(let children): children.forEach(walk)
            case .compare(let field, _):
                if case .success(let window)? = WindowField.parse(field) { found.insert(window) }
            default: break
            }
        }
        for rule in rules where !rule.definition.disabled { walk(rule.condition) }
        return found
    }

    /// How many rules the prefilter cannot rule out on any subject.
    public var alwaysEvaluatedCount: Int { alwaysEvaluated.count }

    /// A pattern condition every match of `condition` needs (the root, or one under `all`), when all its patterns
    /// have gates: the rule cannot hit unless one of them fires.
    private static func requiredGates(_ condition: CompiledCondition) -> (field: String, text: [Int], skeleton: [Int])? {
        switch condition {
        case .patterns(let field, let patterns, let raw):
            guard !raw, !patterns.isEmpty, patterns.allSatisfy({ $0.gateIDs != nil }) else { return nil }
            return (field, patterns.flatMap { $0.gateIDs!.text }, patterns.flatMap { $0.gateIDs!.skeleton })
        case .all(let children):
            // Every child is required: the one with literal gates filters best.
            let gated = children.compactMap { child in requiredGates(child).map { (child.isNarrowPatterns, $0) } }
            return (gated.first { $0.0 } ?? gated.first)?.1
        default:
            return nil
        }
    }

    /// The rules that may hit: those the prefilter cannot rule out, and those whose gates fire.
    private func candidates(_ texts: SubjectTexts) -> [Bool] {
        var marked = [Bool](repeating: false, count: rules.count)
        for position in alwaysEvaluated { marked[position] = true }
        for (field, index) in candidatesByGate {
            for value in texts.values(of: field, raw: false) {
                guard let found = value.gatesFound() else { return [Bool](repeating: true, count: rules.count) }
                for id in found.textIDs { for position in index.text[id] { marked[position] = true } }
                for id in found.skeletonIDs { for position in index.skeleton[id] { marked[position] = true } }
            }
        }
        return marked
    }

    /// Every enabled rule that applies to the subject's type, evaluated in id order. A rule that fails (a match or
    /// depth limit) is reported in `errors` and does not stop the others.
    public func evaluate(_ subject: Subject, matcher: Matcher = .forCurrentThread) -> Evaluation {
        evaluate(subject, matcher: matcher, prefilter: true)
    }

    /// The naive loop: every applicable rule's patterns run one after another, no prefilter. The same hits as
    /// `evaluate`, by construction and as `palisade bench rules` checks; kept as the benchmark's baseline.
    public func evaluateNaively(_ subject: Subject, matcher: Matcher = .forCurrentThread) -> Evaluation {
        evaluate(subject, matcher: matcher, prefilter: false)
    }

    private func evaluate(_ subject: Subject, matcher: Matcher, prefilter usePrefilter: Bool) -> Evaluation {
        let texts = SubjectTexts(subject, prefilter: usePrefilter ? prefilter : nil)
        var hits: [RuleHit] = []
        var errors: [RuleFailure] = []
        let appliesTo = subject.appliesToType
        let candidates = usePrefilter && prefilter != nil ? candidates(texts) : nil
        for position in rules.indices where candidates?[position] ?? true {
            // Read in place (a copy of the rule would retain every string and pattern in it).
            guard !rules[position].definition.disabled, rules[position].definition.appliesTo.contains(appliesTo) else { continue }
            do {
                var spans: [MatchSpan] = []
                if try Self.holds(rules[position].condition, texts, matcher, &spans) {
                    let rule = rules[position]
                    let action = rule.definition.action
                    hits.append(RuleHit(
                        rule: rule.definition.id, version: rule.definition.version, score: action.score, queue: action.queue,
                        priority: action.priority, tags: action.tags, decision: action.decide, confirm: action.confirm, spans: spans))
                }
            } catch {
                errors.append(RuleFailure(rule: rules[position].definition.id, message: error.description))
            }
        }
        return Evaluation(hits: hits, errors: errors)
    }

    /// Evidence kept per pattern and text: the first matches in the text, then look-alike matches (in its skeleton)
    /// that overlap none of them, this many in all.
    public static let spansPerPattern = 16

    private static func holds(_ condition: CompiledCondition, _ texts: SubjectTexts, _ matcher: Matcher, _ spans: inout [MatchSpan]) throws(PCREError) -> Bool {
        switch condition {
        case .all(let children):
            for child in children where try !holds(child, texts, matcher, &spans) { return false }
            return true
        case .any(let children):
            for child in children where try holds(child, texts, matcher, &spans) { return true }
            return false
        case .none(let children):
            var ignored: [MatchSpan] = []
            for child in children where try holds(child, texts, matcher, &ignored) { return false }
            return true
        case .patterns(let field, let patterns, let raw):
            var matched = false
            for value in texts.values(of: field, raw: raw) {
                for compiled in patterns {
                    // A twin whose gates do not fire on its text cannot match it: it does not run.
                    var runText = true
                    var runSkeleton = true
                    if let ids = compiled.gateIDs, let found = value.gatesFound() {
                        runText = ids.text.contains { found.text[$0] }
                        runSkeleton = ids.skeleton.contains { found.skeleton[$0] }
                        if !runText, !runSkeleton { continue }
                    }
                    // The text as normalised, then its skeleton (look-alikes); the moderator sees both kinds of evidence.
                    // With the prefilter, a precheck that finds nothing rules a twin out before it runs.
                    var ranges: [Range<Int>] = []
                    var textMayMatch = runText
                    if textMayMatch, texts.prefilterOn, let needed = compiled.requiredASCII.text {
                        textMayMatch = value.asciiInText.intersects(needed)
                    }
                    if textMayMatch, texts.prefilterOn, let precheck = compiled.precheck.text {
                        textMayMatch = try matcher.contains(precheck, in: value.text)
                    }
                    if textMayMatch { ranges = try matcher.matches(of: compiled.pattern, in: value.text, maximum: Self.spansPerPattern).map(\.range) }
                    // Evidence is capped: with as many spans as are kept from the text, the look-alikes add none.
                    var skeletonMayMatch = runSkeleton && ranges.count < Self.spansPerPattern && !(runText && compiled.skeletonIsPattern && value.isOwnSkeleton)
                    if skeletonMayMatch, texts.prefilterOn, let needed = compiled.requiredASCII.skeleton, let inSkeleton = value.asciiInSkeleton {
                        skeletonMayMatch = inSkeleton.intersects(needed)
                    }
                    if skeletonMayMatch, texts.prefilterOn, let precheck = compiled.precheck.skeleton, let skeletonText = value.skeleton {
                        skeletonMayMatch = try matcher.contains(precheck, in: skeletonText.text)
                    }
                    if skeletonMayMatch, let skeleton = compiled.skeleton, let skeletonText = value.skeleton {
                        for found in try matcher.matches(of: skeleton, in: skeletonText.text, maximum: Self.spansPerPattern) where ranges.count < Self.spansPerPattern {
                            let range = skeletonText.originalRange(of: found.range)
                            if !ranges.contains(where: { $0.overlaps(range) || $0 == range }) { ranges.append(range) }
                        }
                    }
                    guard !ranges.isEmpty else { continue }
                    matched = true
                    spans += value.spans(field: field, utf8: ranges.sorted { $0.lowerBound < $1.lowerBound })
                }
            }
            return matched
        case .oneOf(let field, let accepted):
            return texts.values(of: field, raw: false).contains { accepted.contains($0.text) }
        case .compare(let field, let bounds):
            guard let number = texts.number(field) else { return false }
            return bounds.allSatisfy { $0.0.holds(number, $0.1) }
        case .exists(let field, let expected):
            return (texts.subject[field] != nil) == expected
        }
    }
}

/// Which prefilter gates fire on a text and on its skeleton, as flags by id and as lists.
final class GatesFound {
    let text: [Bool]
    let skeleton: [Bool]
    let textIDs: [Int]
    let skeletonIDs: [Int]

    init(text: [Bool], skeleton: [Bool], textIDs: [Int], skeletonIDs: [Int]) {
        (self.text, self.skeleton, self.textIDs, self.skeletonIDs) = (text, skeleton, textIDs, skeletonIDs)
    }
}

/// A subject's field texts, normalised and skeletonised on first use and kept for the other rules.
final class SubjectTexts {
    /// One text of a field, in the form a condition reads.
    final class Value {
        let text: String
        private let makeSkeleton: Bool
        private let prefilter: Prefilter?
        private var skeletonText: SkeletonText??
        private var gates: GatesFound?

        init(_ text: String, skeleton: Bool, prefilter: Prefilter?) {
            self.text = text
            makeSkeleton = skeleton
            self.prefilter = prefilter
        }

        var skeleton: SkeletonText? {
            if let known = skeletonText { return known }
            let made = makeSkeleton ? SkeletonText(text) : nil
            skeletonText = .some(made)
            isOwnSkeleton = made?.text == text
            return made
        }

        /// Whether the skeleton is the text itself (no look-alike in it): scanning or matching it again finds nothing new.
        private(set) var isOwnSkeleton = false

        /// The ASCII characters in the text (one pass, the first time a pattern asks).
        lazy var asciiInText = RequiredASCII(presentIn: text)

        /// The ASCII characters in the skeleton (nil without one).
        var asciiInSkeleton: RequiredASCII? {
            guard let skeleton else { return nil }
            if isOwnSkeleton { return asciiInText }
            if let known = skeletonASCII { return known }
            let found = RequiredASCII(presentIn: skeleton.text)
            skeletonASCII = found
            return found
        }
        private var skeletonASCII: RequiredASCII?

        /// Which prefilter gates fire on the text and on its skeleton, as flags by id and as lists (nil without a
        /// prefilter).
        func gatesFound() -> GatesFound? {
            guard let prefilter else { return nil }
            if let gates { return gates }
            let skeleton = skeleton
            let inText = prefilter.scan(text, for: skeleton != nil && isOwnSkeleton ? .both : .text)
            let inSkeleton = skeleton.map { isOwnSkeleton ? inText : prefilter.scan($0.text, for: .skeleton) } ?? []
            var textFlags = [Bool](repeating: false, count: prefilter.count)
            var skeletonFlags = textFlags
            for id in inText { textFlags[id] = true }
            for id in inSkeleton { skeletonFlags[id] = true }
            let found = GatesFound(text: textFlags, skeleton: skeletonFlags, textIDs: inText, skeletonIDs: inSkeleton)
            gates = found
            return found
        }

        /// The spans of matches' UTF-8 byte ranges, in scalars (counted as the bytes that start one, in one pass over
        /// the text for ranges sorted by their start: no copy).
        func spans(field: String, utf8 ranges: [Range<Int>]) -> [MatchSpan] {
            var text = text
            return text.withUTF8 { bytes in
                func scalars(_ slice: Slice<UnsafeBufferPointer<UInt8>>) -> Int {
                    var count = 0
                    for byte in slice where byte & 0xC0 != 0x80 { count += 1 }
                    return count
                }
                var counted = 0
                var scalarsBefore = 0
                return ranges.map { range in
                    let lower = min(range.lowerBound, bytes.count)
                    let upper = min(max(range.upperBound, lower), bytes.count)
                    if lower < counted { (counted, scalarsBefore) = (0, 0) }
                    scalarsBefore += scalars(bytes[counted..<lower])
                    counted = lower
                    let matched = String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
                    return MatchSpan(field: field, start: scalarsBefore, end: scalarsBefore + scalars(bytes[lower..<upper]), text: matched)
                }
            }
        }
    }

    let subject: Subject
    /// Whether the subject is evaluated with the prefilter (else naively: every pattern as written).
    var prefilterOn: Bool { prefilter != nil }
    private let prefilter: Prefilter?
    private var normalised: [String: [Value]] = [:]
    private var raw: [String: [Value]] = [:]

    init(_ subject: Subject, prefilter: Prefilter?) {
        self.subject = subject
        self.prefilter = prefilter
    }

    /// The texts a pattern condition reads: normalised, or as received (`raw`: the `.raw` twin of an HTML field).
    func values(of field: String, raw isRaw: Bool) -> [Value] {
        if isRaw {
            if let known = raw[field] { return known }
            let value = subject[field + ".raw"] ?? subject[field]
            let values = (value?.texts ?? []).map { Value($0, skeleton: false, prefilter: nil) }
            raw[field] = values
            return values
        }
        if let known = normalised[field] { return known }
        let values = (subject[field]?.texts ?? []).map { Value(TextNormalisation.normalise($0), skeleton: true, prefilter: prefilter) }
        normalised[field] = values
        return values
    }

    /// A numeric field (or text that reads as a number).
    func number(_ field: String) -> Double? {
        switch subject[field] {
        case .number(let number): return number
        case .text(let text): return Double(text.trimmingCharacters(in: .whitespaces))
        case .list(let items): return Double(items.count)
        default: return nil
        }
    }
}

/// What changed between two rule sets, by rule id and version (for the reload log and the admin API).
public struct RuleSetChanges: Sendable, Equatable {
    /// Ids only in the new set.
    public let added: [String]
    /// Ids only in the old set.
    public let removed: [String]
    /// Ids in both whose version differs.
    public let changed: [String]

    /// The changes from `old` to `new`.
    public init(from old: RuleSet, to new: RuleSet) {
        let before = Dictionary(old.rules.map { ($0.definition.id, $0.definition.version) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.rules.map { ($0.definition.id, $0.definition.version) }, uniquingKeysWith: { first, _ in first })
        added = after.keys.filter { before[$0] == nil }.sorted()
        removed = before.keys.filter { after[$0] == nil }.sorted()
        changed = after.keys.filter { before[$0] != nil && before[$0] != after[$0] }.sorted()
    }
}

extension RuleSet {
    /// A set with no rules.
    public static let empty = RuleSet(rules: [], version: "empty")
}
