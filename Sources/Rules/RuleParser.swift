import ActivityStreams
import Crypto
import Foundation
import Yams

/// Parse and validate: one rule file's YAML → `RuleDefinition`s, and every problem found on the way, each with its
/// position. Nothing stops at the first problem: a policy author sees them all at once.
struct RuleParser {
    /// The fields RULES-FORMAT.md defines (a `.raw` twin exists for the HTML-bearing ones).
    static let fields: Set<String> = [
        "type", "object.type", "content", "content.raw", "summary", "text", "language", "sensitive",
        "hashtags", "hashtags.count", "mentions", "mentions.count", "links", "links.domains", "links.count",
        "attachments.count", "attachments.media_types", "attachments.descriptions",
        "account.id", "account.username", "account.domain", "account.display_name", "account.bio", "account.bio.raw",
        "account.fields", "account.age_days", "account.followers", "account.following", "account.statuses", "account.bot",
        "instance.domain", "instance.software",
        "report.category", "report.comment", "report.rule_ids", "report.reporter", "report.forwarded", "report.objects",
        "tenant", "source",
    ]
    static let ruleKeys = ["id", "title", "description", "applies_to", "scope", "when", "action", "tests", "disabled", "cost"]
    static let actionKeys = ["queue", "priority", "score", "tags", "decide", "confirm"]
    static let conditionKeys = [
        "matches", "matches_any", "raw", "word", "words", "equals", "in", "lt", "lte", "gt", "gte", "exists",
        "case_sensitive", "multiline",
    ]
    static let appliesTo: Set<String> = Vocabulary.activityTypes.union(["Report", "Account"])

    let file: String
    let source: String
    /// Term lists by name (without `$`): their entries.
    let lists: [String: [PatternSource]]
    var diagnostics: [Diagnostic] = []
    /// Lists the file's rules use, for the "unused list" warning.
    var usedLists: Set<String> = []

    init(file: String, source: String, lists: [String: [PatternSource]]) {
        self.file = file
        self.source = source
        self.lists = lists
    }

    /// Every rule in the file (one mapping, a list of them, or several `---` documents).
    mutating func parse() -> [RuleDefinition] {
        var documents: [Node] = []
        do {
            let parser = try Parser(yaml: source)
            while let document = try parser.nextRoot() { documents.append(document) }
        } catch let error as YamlError {
            diagnostics.append(yamlDiagnostic(error))
            return []
        } catch {
            diagnostics.append(Diagnostic(.error, at: at(nil), "cannot read YAML: \(error)"))
            return []
        }
        var rules: [RuleDefinition] = []
        for document in documents {
            switch document {
            case .mapping: if let rule = parseRule(document) { rules.append(rule) }
            case .sequence(let items):
                for item in items {
                    if case .mapping = item {
                        if let rule = parseRule(item) { rules.append(rule) }
                    } else {
                        error(item, "a rule is a mapping with `id`, `title`, `when` and `action`")
                    }
                }
            case .scalar(let scalar) where scalar.string.isEmpty && scalar.tag.rawValue == Tag.Name.null.rawValue:
                continue
            default:
                error(document, "a rule file holds a rule (a mapping) or a list of rules")
            }
        }
        return rules
    }

    // MARK: - Rules

    private mutating func parseRule(_ node: Node) -> RuleDefinition? {
        guard case .mapping(let mapping) = node else { return nil }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                error(key, "keys are plain names")
                continue
            }
            guard Self.ruleKeys.contains(name) else {
                error(key, "unknown key '\(name)' in a rule\(Self.suggestion(name, among: Self.ruleKeys))")
                continue
            }
            if values[name] != nil { error(key, "'\(name)' is given twice") }
            values[name] = value
        }
        let id = requiredString(values["id"], "id", in: node) ?? ""
        if !id.isEmpty, id.range(of: #"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$"#, options: .regularExpression) == nil {
            error(values["id"], "the id '\(id)' must be lower-case words (letters, digits, '_', '-') joined by dots")
        }
        let title = requiredString(values["title"], "title", in: node) ?? ""
        let description = values["description"].flatMap { optionalString($0, "description") }
        let appliesTo = parseAppliesTo(values["applies_to"])
        var scope = RuleScope.any
        if let node = values["scope"] {
            if let text = node.string, let value = RuleScope(rawValue: text) { scope = value } else {
                error(node, "scope is one of local, remote, any")
            }
        }
        let disabled = values["disabled"].map { boolean($0, "disabled") } ?? false
        var expensive = false
        if let node = values["cost"] {
            if let text = node.string, text == "expensive" || text == "normal" { expensive = text == "expensive" } else {
                error(node, "cost is normal or expensive (a rule whose patterns the prefilter cannot skip)")
            }
        }
        var condition = RuleCondition.all([])
        if let when = values["when"] {
            condition = parseCondition(when)
        } else if !disabled {
            error(node, "the rule has no 'when': say what it matches")
        }
        var action = RuleAction()
        if let node = values["action"] { action = parseAction(node) } else if !disabled { error(node, "the rule has no 'action'") }
        var tests: [RuleExample] = []
        if let node = values["tests"] { tests = parseTests(node, defaultType: appliesTo.first ?? "Create") }
        // A rule with errors is still returned, so that its patterns are compiled and every problem is reported;
        // the loader refuses the whole set when there is any error.
        let canonical = (try? Yams.serialize(node: node)) ?? ""
        let version = SHA256.hash(data: Data(canonical.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
        return RuleDefinition(
            id: id, title: title, description: description, appliesTo: appliesTo, scope: scope, condition: condition,
            action: action, tests: tests, disabled: disabled, expensive: expensive, version: version, location: at(values["id"] ?? node))
    }

    private mutating func parseAppliesTo(_ node: Node?) -> [String] {
        guard let node else { return ["Create"] }
        let items: [Node]
        if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
        var types: [String] = []
        for item in items {
            guard let name = item.string, Self.appliesTo.contains(name) else {
                error(item, "applies_to names activity types (Create, Update, Announce, …), Report or Account\(Self.suggestion(item.string ?? "", among: Array(Self.appliesTo)))")
                continue
            }
            types.append(name)
        }
        if types.isEmpty, items.isEmpty { error(node, "applies_to needs at least one type") }
        return types
    }

    private mutating func parseAction(_ node: Node) -> RuleAction {
        var action = RuleAction()
        guard case .mapping(let mapping) = node else {
            error(node, "action is a mapping: queue, priority, score, tags, decide, confirm")
            return action
        }
        for (key, value) in mapping {
            switch key.string ?? "" {
            case "queue":
                if let queue = value.string, queue.range(of: #"^[a-z0-9_-]{1,40}$"#, options: .regularExpression) != nil { action.queue = queue } else {
                    error(value, "a queue name is 1–40 lower-case letters, digits, '_' or '-'")
                }
            case "priority":
                if let number = value.int, (0...100).contains(number) { action.priority = number } else {
                    error(value, "priority is a whole number from 0 to 100")
                }
            case "score":
                if let number = Self.number(value) { action.score = number } else { error(value, "score is a number") }
            case "tags":
                action.tags = stringList(value, "tags")
            case "decide":
                if let text = value.string, let decision = RuleDecision(rawValue: text) { action.decide = decision } else {
                    error(value, "decide is one of reject, mark_sensitive, silence, suspend")
                }
            case "confirm":
                action.confirm = boolean(value, "confirm")
            default:
                error(key, "unknown key '\(key.string ?? "?")' in action\(Self.suggestion(key.string ?? "", among: Self.actionKeys))")
            }
        }
        if action.confirm, action.decide == nil { error(node, "confirm: true needs a 'decide' to confirm") }
        return action
    }

    // MARK: - Conditions

    private mutating func parseCondition(_ node: Node) -> RuleCondition {
        switch node {
        case .sequence(let items):
            return .all(items.map { parseCondition($0) })
        case .mapping(let mapping):
            var parts: [RuleCondition] = []
            for (key, value) in mapping {
                guard let name = key.string else {
                    error(key, "a condition's key is all, any, none or a field name")
                    continue
                }
                switch name {
                case "all", "any", "none":
                    let children: [RuleCondition]
                    if case .sequence(let items) = value {
                        children = items.map { parseCondition($0) }
                    } else if case .mapping = value {
                        children = [parseCondition(value)]
                    } else {
                        error(value, "'\(name)' takes a list of conditions")
                        children = []
                    }
                    parts.append(name == "all" ? .all(children) : name == "any" ? .any(children) : .none(children))
                default:
                    // `window.DURATION.MEASURE` counts are checked by the compiler, which says what is wrong with one.
                    guard Self.fields.contains(name) || name.hasPrefix("window.") else {
                        error(key, "unknown field '\(name)'\(Self.suggestion(name, among: Array(Self.fields)))")
                        continue
                    }
                    if let test = parseFieldTest(field: name, value) {
                        parts.append(.field(name, test, at(key)))
                    }
                }
            }
            return parts.count == 1 ? parts[0] : .all(parts)
        default:
            error(node, "a condition is `FIELD: VALUE`, or all/any/none with a list of conditions")
            return .all([])
        }
    }

    private mutating func parseFieldTest(field: String, _ node: Node) -> FieldTest? {
        if case .scalar(let scalar) = node {
            if let number = Self.number(node), scalar.style == .plain, node.string.map({ Double($0) != nil }) == true {
                return .oneOf([FieldValue.number(number).texts[0]])
            }
            return .patterns([patternSource(node, literal: false, word: false)], raw: false, caseSensitive: false, multiline: false)
        }
        guard case .mapping(let mapping) = node else {
            error(node, "a field's value is a pattern, or a mapping such as { matches: P }, { in: [...] }, { gte: N }")
            return nil
        }
        var options: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string, Self.conditionKeys.contains(name) else {
                error(key, "unknown key '\(key.string ?? "?")' in a condition on \(field)\(Self.suggestion(key.string ?? "", among: Self.conditionKeys))")
                continue
            }
            options[name] = value
        }
        let raw = options["raw"].map { boolean($0, "raw") } ?? false
        let caseSensitive = options["case_sensitive"].map { boolean($0, "case_sensitive") } ?? false
        let multiline = options["multiline"].map { boolean($0, "multiline") } ?? false
        let forms = ["matches", "matches_any", "word", "words", "equals", "in", "exists"].filter { options[$0] != nil }
        let comparisons = Comparison.allCases.filter { options[$0.rawValue] != nil }
        if forms.count + (comparisons.isEmpty ? 0 : 1) != 1 {
            error(node, forms.isEmpty && comparisons.isEmpty
                ? "the condition on \(field) says nothing to test: use matches, matches_any, word, words, equals, in, lt/lte/gt/gte or exists"
                : "one test per condition: \((forms + comparisons.map(\.rawValue)).joined(separator: ", ")) cannot be combined; use all/any")
            return nil
        }
        let isPattern = ["matches", "matches_any", "word", "words"].contains(forms.first ?? "")
        if !isPattern {
            for modifier in ["raw", "case_sensitive", "multiline"] where options[modifier] != nil {
                error(options[modifier], "'\(modifier)' modifies pattern conditions (matches, matches_any, word, words) only")
            }
        }
        if !comparisons.isEmpty {
            var bounds: [(Comparison, Double)] = []
            for comparison in comparisons {
                guard let value = options[comparison.rawValue], let number = Self.number(value) else {
                    error(options[comparison.rawValue], "\(comparison.rawValue) takes a number")
                    continue
                }
                bounds.append((comparison, number))
            }
            return .compare(bounds)
        }
        switch forms[0] {
        case "matches":
            guard let value = options["matches"], value.string != nil else {
                error(options["matches"], "matches takes one pattern (a string)")
                return nil
            }
            return .patterns([patternSource(value, literal: false, word: false)], raw: raw, caseSensitive: caseSensitive, multiline: multiline)
        case "matches_any":
            return .patterns(patternList(options["matches_any"]!, word: false), raw: raw, caseSensitive: caseSensitive, multiline: multiline)
        case "word":
            guard let value = options["word"], value.string != nil else {
                error(options["word"], "word takes one word (a string)")
                return nil
            }
            return .patterns([patternSource(value, literal: true, word: true)], raw: raw, caseSensitive: caseSensitive, multiline: multiline)
        case "words":
            return .patterns(patternList(options["words"]!, word: true), raw: raw, caseSensitive: caseSensitive, multiline: multiline)
        case "equals":
            guard let value = options["equals"], let text = value.string else {
                error(options["equals"], "equals takes one value")
                return nil
            }
            return .oneOf([Self.number(value).map { FieldValue.number($0).texts[0] } ?? text])
        case "in":
            let value = options["in"]!
            if let reference = value.string, reference.hasPrefix("$") {
                return .oneOf(listEntries(reference, at: value).map(\.text))
            }
            return .oneOf(stringList(value, "in"))
        default:
            return .exists(boolean(options["exists"]!, "exists"))
        }
    }

    private mutating func patternList(_ node: Node, word: Bool) -> [PatternSource] {
        if let reference = node.string, reference.hasPrefix("$") {
            return listEntries(reference, at: node).map {
                word ? PatternSource(text: $0.text, isLiteral: true, isWord: true, location: $0.location, exactColumns: $0.exactColumns) : $0
            }
        }
        guard case .sequence(let items) = node, !items.isEmpty else {
            error(node, "a list of patterns, or a term list such as $spam_domains")
            return []
        }
        return items.compactMap { item in
            guard item.string != nil else {
                error(item, "each entry is a pattern (a string)")
                return nil
            }
            return patternSource(item, literal: word, word: word)
        }
    }

    private mutating func listEntries(_ reference: String, at node: Node) -> [PatternSource] {
        let name = String(reference.dropFirst())
        guard let entries = lists[name] else {
            error(node, "no term list '\(name)' (looked for lists/\(name).txt)\(Self.suggestion(name, among: Array(lists.keys)))")
            return []
        }
        usedLists.insert(name)
        return entries
    }

    /// The pattern in a scalar, located at its first character when the scalar is plain or single-quoted without
    /// doubled quotes (so PCRE2 offsets become exact columns).
    private func patternSource(_ node: Node, literal: Bool, word: Bool) -> PatternSource {
        let text = node.string ?? ""
        var location = at(node)
        var exact = false
        if case .scalar(let scalar) = node {
            switch scalar.style {
            case .plain: exact = true
            case .singleQuoted where !text.contains("'"):
                location = SourceLocation(file: location.file, line: location.line, column: location.column + 1)
                exact = true
            case .doubleQuoted where !text.contains("\\") && !text.contains("\""):
                location = SourceLocation(file: location.file, line: location.line, column: location.column + 1)
                exact = true
            default: break
            }
        }
        return PatternSource(text: text, isLiteral: literal, isWord: word, location: location, exactColumns: exact)
    }

    // MARK: - Tests

    /// Examples; an inline one without `type` is of the rule's first `applies_to` type.
    private mutating func parseTests(_ node: Node, defaultType: String) -> [RuleExample] {
        guard case .sequence(let items) = node else {
            error(node, "tests is a list of { match: … } and { no_match: … }")
            return []
        }
        var examples: [RuleExample] = []
        for item in items {
            guard case .mapping(let mapping) = item, mapping.count == 1, let (key, value) = mapping.first,
                let kind = key.string, kind == "match" || kind == "no_match"
            else {
                error(item, "each test is { match: EXAMPLE } or { no_match: EXAMPLE }, where EXAMPLE is fields or a JSON file")
                continue
            }
            if let path = value.string {
                examples.append(RuleExample(mustMatch: kind == "match", input: .file(path), location: at(item)))
            } else if case .mapping(let fields) = value {
                var object: [String: JSONValue] = [:]
                for (name, field) in fields {
                    if let fieldName = name.string, case .failure(let problem)? = WindowField.parse(fieldName) {
                        error(name, problem.description)
                        continue
                    }
                    guard let fieldName = name.string, Self.fields.contains(fieldName) || fieldName == "type" || fieldName.hasPrefix("window.") else {
                        error(name, "unknown field '\(name.string ?? "?")' in a test\(Self.suggestion(name.string ?? "", among: Array(Self.fields)))")
                        continue
                    }
                    object[fieldName] = Self.json(field)
                }
                if object["type"] == nil { object["type"] = .string(defaultType) }
                examples.append(RuleExample(mustMatch: kind == "match", input: .fields(Subject(plain: object)), location: at(item)))
            } else {
                error(value, "an example is a mapping of fields or the path of a JSON document")
            }
        }
        return examples
    }

    // MARK: - Values

    private mutating func requiredString(_ node: Node?, _ name: String, in rule: Node) -> String? {
        guard let node else {
            error(rule, "the rule has no '\(name)'")
            return nil
        }
        guard let text = node.string, !text.isEmpty, case .scalar = node else {
            error(node, "'\(name)' is a non-empty string")
            return nil
        }
        return text
    }

    private mutating func optionalString(_ node: Node, _ name: String) -> String? {
        guard case .scalar = node, let text = node.string else {
            error(node, "'\(name)' is a string")
            return nil
        }
        return text
    }

    private mutating func boolean(_ node: Node, _ name: String) -> Bool {
        guard let value = node.bool else {
            error(node, "'\(name)' is true or false")
            return false
        }
        return value
    }

    private mutating func stringList(_ node: Node, _ name: String) -> [String] {
        guard case .sequence(let items) = node else {
            error(node, "'\(name)' is a list")
            return []
        }
        return items.compactMap { item in
            guard case .scalar = item, let text = item.string else {
                error(item, "each entry of '\(name)' is a string")
                return nil
            }
            return text
        }
    }

    static func number(_ node: Node) -> Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return nil }
        if let integer = node.int { return Double(integer) }
        return node.float
    }

    static func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if let bool = node.bool { return .bool(bool) }
                if let number = number(node) { return .number(number) }
                if node.null != nil { return .null }
            }
            return .string(scalar.string)
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping { object[key.string ?? ""] = json(value) }
            return .object(object)
        case .alias: return .null
        }
    }

    /// " (did you mean 'x'?)" for a near miss.
    static func suggestion(_ name: String, among candidates: [String]) -> String {
        guard !name.isEmpty else { return "" }
        var best: (name: String, distance: Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(name.lowercased(), candidate.lowercased())
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(1, name.count / 3) else { return "" }
        return " (did you mean '\(best.name)'?)"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: - Diagnostics

    func at(_ node: Node?) -> SourceLocation {
        let mark = node?.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func error(_ node: Node?, _ message: String) {
        diagnostics.append(Diagnostic(.error, at: at(node), message))
    }

    private func yamlDiagnostic(_ error: YamlError) -> Diagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return Diagnostic(.error, at: SourceLocation(file: file, line: mark.line, column: mark.column), "YAML: \(problem)")
        default:
            return Diagnostic(.error, at: SourceLocation(file: file, line: 1, column: 1), "YAML: \(error)")
        }
    }
}
