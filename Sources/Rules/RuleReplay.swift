import ActivityStreams
/// A backtest's tally (`palisade rules replay`): for each rule, how many stored items the active set and a candidate
/// set hit, which items the candidate gains and loses, with a few examples of each. Pure: items go in, the tally
/// comes out.
public struct RuleReplay: Sendable {
    /// One rule's line in the tally.
    public struct Line: Sendable, Equatable {
        /// The rule id.
        public let rule: String
        /// Items the active set's rule hits.
        public var active = 0
        /// Items the candidate set's rule hits.
        public var candidate = 0
        /// Items only the candidate hits.
        public var gained = 0
        /// Items only the active set hits.
        public var lost = 0
        /// Up to `examples` items gained, then lost.
        public var gainedExamples: [String] = []
        /// Up to `examples` items lost.
        public var lostExamples: [String] = []
    }

    /// Examples kept per rule and direction.
    public let examples: Int
    /// Items replayed.
    public private(set) var items = 0
    private var lines: [String: Line] = [:]

    /// An empty tally keeping `examples` examples per rule and direction.
    public init(examples: Int = 3) {
        self.examples = examples
    }

    /// Adds one item (named `item` in examples) with the rule ids each set hit on it.
    public mutating func add(item: String, active: [String], candidate: [String]) {
        items += 1
        let active = Set(active)
        let candidate = Set(candidate)
        for rule in active.union(candidate) {
            var line = lines[rule] ?? Line(rule: rule)
            let inActive = active.contains(rule)
            let inCandidate = candidate.contains(rule)
            if inActive { line.active += 1 }
            if inCandidate { line.candidate += 1 }
            if inCandidate && !inActive {
                line.gained += 1
                if line.gainedExamples.count < examples { line.gainedExamples.append(item) }
            }
            if inActive && !inCandidate {
                line.lost += 1
                if line.lostExamples.count < examples { line.lostExamples.append(item) }
            }
            lines[rule] = line
        }
    }

    /// Every rule either set hit on any item, changed ones first (most gained plus lost), then by id.
    public var tally: [Line] {
        lines.values.sorted { ($0.gained + $0.lost, $1.rule) > ($1.gained + $1.lost, $0.rule) }
    }

    /// The tally as text: one line per rule, examples indented under it, and a summary line.
    public func rendered() -> String {
        var output = ""
        for line in tally {
            let change = line.gained + line.lost == 0 ? "unchanged" : "+\(line.gained) -\(line.lost)"
            output += "\(line.rule)  active \(line.active)  candidate \(line.candidate)  \(change)\n"
            for item in line.gainedExamples { output += "  + \(item)\n" }
            for item in line.lostExamples { output += "  - \(item)\n" }
        }
        let changed = tally.filter { $0.gained + $0.lost > 0 }.count
        output += "\(items) items replayed, \(tally.count) rules hit, \(changed) changed\n"
        return output
    }

    /// The tally as JSON: `{"items", "rules": [{"rule", "active", "candidate", "gained", "lost", "gained_examples",
    /// "lost_examples"}]}`.
    public var json: JSONValue {
        .object([
            "items": .number(Double(items)),
            "rules": .array(tally.map { line in
                .object([
                    "rule": .string(line.rule), "active": .number(Double(line.active)), "candidate": .number(Double(line.candidate)),
                    "gained": .number(Double(line.gained)), "lost": .number(Double(line.lost)),
                    "gained_examples": .array(line.gainedExamples.map(JSONValue.string)),
                    "lost_examples": .array(line.lostExamples.map(JSONValue.string)),
                ])
            }),
        ])
    }
}
