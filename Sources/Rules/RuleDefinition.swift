/// Where a rule applies, relative to the attached instance.
public enum RuleScope: String, Sendable, CaseIterable {
    /// Only the instance's own accounts.
    case local
    /// Only other servers' accounts.
    case remote
    /// Both (the default).
    case any
}

/// The automatic decisions a rule may ask for.
public enum RuleDecision: String, Sendable, CaseIterable {
    /// Refuse the activity.
    case reject
    /// Mark the post sensitive.
    case markSensitive = "mark_sensitive"
    /// Limit the account.
    case silence
    /// Suspend the account.
    case suspend
}

/// What a rule does when it matches.
public struct RuleAction: Sendable, Equatable {
    /// The review queue (created on first use); nil: no case is queued by this rule.
    public var queue: String?
    /// 0–100, higher first.
    public var priority: Int = 50
    /// A weight for combining hits (an extension: default 1).
    public var score: Double = 1
    /// Labels for moderators and filters.
    public var tags: [String] = []
    /// An automatic decision.
    public var decide: RuleDecision?
    /// Whether a moderator must approve the automatic decision.
    public var confirm = false
}

/// A comparison in a numeric condition.
public enum Comparison: String, Sendable, CaseIterable {
    case lt, lte, gt, gte

    func holds(_ value: Double, _ bound: Double) -> Bool {
        switch self {
        case .lt: return value < bound
        case .lte: return value <= bound
        case .gt: return value > bound
        case .gte: return value >= bound
        }
    }
}

/// One pattern as written (in a rule or a term list), with where it was written.
public struct PatternSource: Sendable, Equatable {
    /// The pattern text (for a literal, the literal text).
    public let text: String
    /// A literal: no metacharacters.
    public let isLiteral: Bool
    /// A whole word: Unicode word boundaries on both sides.
    public let isWord: Bool
    /// Where the first character of the pattern is in its file (for carets under PCRE2 offsets), when known exactly.
    public let location: SourceLocation
    /// Whether `location` points at the pattern's first character (plain or simply quoted scalar) or only at its scalar.
    public let exactColumns: Bool
}

/// What a field condition tests.
public enum FieldTest: Sendable, Equatable {
    /// Any of the patterns matches (`FIELD: P`, `matches`, `matches_any`, `word`, `words`).
    case patterns([PatternSource], raw: Bool, caseSensitive: Bool, multiline: Bool)
    /// The value equals one of these (`equals`, `in`).
    case oneOf([String])
    /// Every comparison holds (`lt`, `lte`, `gt`, `gte`).
    case compare([(Comparison, Double)])
    /// The field is (or is not) present.
    case exists(Bool)

    public static func == (a: FieldTest, b: FieldTest) -> Bool {
        switch (a, b) {
        case let (.patterns(p1, r1, c1, m1), .patterns(p2, r2, c2, m2)): return p1 == p2 && r1 == r2 && c1 == c2 && m1 == m2
        case let (.oneOf(x), .oneOf(y)): return x == y
        case let (.compare(x), .compare(y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case let (.exists(x), .exists(y)): return x == y
        default: return false
        }
    }
}

/// A rule's condition tree.
public indirect enum RuleCondition: Sendable, Equatable {
    /// Every child holds (also a bare list).
    case all([RuleCondition])
    /// At least one child holds.
    case any([RuleCondition])
    /// No child holds.
    case none([RuleCondition])
    /// `FIELD: VALUE`.
    case field(String, FieldTest, SourceLocation)
}

/// An example a rule's tests check: fields, or a document file, that must or must not match.
public struct RuleExample: Sendable, Equatable {
    /// What the example is.
    public enum Input: Sendable, Equatable {
        /// `{field: value}` inline.
        case fields(Subject)
        /// A JSON document (activity, actor or report), relative to the working directory or the rules directory's parent.
        case file(String)
    }

    /// Whether the rule must match (`match`) or must not (`no_match`).
    public let mustMatch: Bool
    /// The example.
    public let input: Input
    /// Where it is written.
    public let location: SourceLocation
}

/// A rule as parsed and validated, before its patterns are compiled.
public struct RuleDefinition: Sendable, Equatable {
    /// Unique, dotted.
    public let id: String
    /// For moderators.
    public let title: String
    /// Optional longer text.
    public let description: String?
    /// Activity types, `Report`, `Account`.
    public let appliesTo: [String]
    /// Local, remote or any.
    public let scope: RuleScope
    /// When it matches.
    public let condition: RuleCondition
    /// What it does then.
    public let action: RuleAction
    /// Its examples.
    public let tests: [RuleExample]
    /// An overlay's way to turn a global rule off.
    public let disabled: Bool
    /// `cost: expensive`: the author knows its patterns run on every subject (no warning about it).
    public let expensive: Bool
    /// A hash of the rule as written (changes whenever the rule does).
    public let version: String
    /// Where its `id` is.
    public let location: SourceLocation
}
