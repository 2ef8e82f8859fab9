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

/// A compiled pattern condition: the pattern for the normalised (or raw) text, and its skeleton twin.
struct CompiledPattern: Sendable {
    let source: PatternSource
    let pattern: Pattern
    let skeleton: Pattern?
}

/// A condition with its patterns compiled.
indirect enum CompiledCondition: Sendable {
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
    let condition: CompiledCondition
}

/// An immutable, versioned set of compiled rules. Evaluation is pure apart from the `Matcher` it is given.
public struct RuleSet: Sendable {
    /// The rules, by id.
    public let rules: [CompiledRule]
    /// A hash of every file the set was built from.
    public let version: String

    /// A set of these rules (sorted by id).
    public init(rules: [CompiledRule], version: String) {
        self.rules = rules.sorted { $0.definition.id < $1.definition.id }
        self.version = version
    }

    /// Every enabled rule that applies to the subject's type, evaluated in id order. A rule that fails (a match or
    /// depth limit) is reported in `errors` and does not stop the others.
    public func evaluate(_ subject: Subject, matcher: Matcher = Matcher()) -> Evaluation {
        let texts = SubjectTexts(subject)
        var hits: [RuleHit] = []
        var errors: [RuleFailure] = []
        for rule in rules where !rule.definition.disabled && rule.definition.appliesTo.contains(subject.appliesToType) {
            do {
                var spans: [MatchSpan] = []
                if try Self.holds(rule.condition, texts, matcher, &spans) {
                    let action = rule.definition.action
                    hits.append(RuleHit(
                        rule: rule.definition.id, version: rule.definition.version, score: action.score, queue: action.queue,
                        priority: action.priority, tags: action.tags, decision: action.decide, confirm: action.confirm, spans: spans))
                }
            } catch {
                errors.append(RuleFailure(rule: rule.definition.id, message: error.description))
            }
        }
        return Evaluation(hits: hits, errors: errors)
    }

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
                    // The text as normalised, then its skeleton (look-alikes); the moderator sees both kinds of evidence.
                    var ranges = try matcher.matches(of: compiled.pattern, in: value.text, maximum: 16).map(\.range)
                    if let skeleton = compiled.skeleton, let skeletonText = value.skeleton {
                        for found in try matcher.matches(of: skeleton, in: skeletonText.text, maximum: 16) {
                            let range = skeletonText.originalRange(of: found.range)
                            if !ranges.contains(where: { $0.overlaps(range) || $0 == range }) { ranges.append(range) }
                        }
                    }
                    guard !ranges.isEmpty else { continue }
                    matched = true
                    spans += ranges.sorted { $0.lowerBound < $1.lowerBound }.map { value.span(field: field, utf8: $0) }
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

/// A subject's field texts, normalised and skeletonised on first use and kept for the other rules.
final class SubjectTexts {
    /// One text of a field, in the form a condition reads.
    final class Value {
        let text: String
        private let makeSkeleton: Bool
        private lazy var skeletonText: SkeletonText? = makeSkeleton ? SkeletonText(text) : nil

        init(_ text: String, skeleton: Bool) {
            self.text = text
            makeSkeleton = skeleton
        }

        var skeleton: SkeletonText? { skeletonText }

        func span(field: String, utf8 range: Range<Int>) -> MatchSpan {
            let bytes = Array(text.utf8)
            let lower = min(range.lowerBound, bytes.count)
            let upper = min(max(range.upperBound, lower), bytes.count)
            let start = String(decoding: bytes[..<lower], as: UTF8.self).unicodeScalars.count
            let matched = String(decoding: bytes[lower..<upper], as: UTF8.self)
            return MatchSpan(field: field, start: start, end: start + matched.unicodeScalars.count, text: matched)
        }
    }

    let subject: Subject
    private var normalised: [String: [Value]] = [:]
    private var raw: [String: [Value]] = [:]

    init(_ subject: Subject) {
        self.subject = subject
    }

    /// The texts a pattern condition reads: normalised, or as received (`raw`: the `.raw` twin of an HTML field).
    func values(of field: String, raw isRaw: Bool) -> [Value] {
        if isRaw {
            if let known = raw[field] { return known }
            let value = subject[field + ".raw"] ?? subject[field]
            let values = (value?.texts ?? []).map { Value($0, skeleton: false) }
            raw[field] = values
            return values
        }
        if let known = normalised[field] { return known }
        let values = (subject[field]?.texts ?? []).map { Value(TextNormalisation.normalise($0), skeleton: true) }
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
