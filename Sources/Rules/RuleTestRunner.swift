import ActivityStreams
import Foundation
import PCRE

/// The result of one rule example.
public struct RuleTestResult: Sendable, Equatable {
    /// The rule.
    public let rule: String
    /// Where the example is written.
    public let location: SourceLocation
    /// Whether the rule behaved as the example says.
    public let passed: Bool
    /// Why not, in words (empty when it passed).
    public let reason: String
}

/// Runs every rule's `tests` examples against that rule alone (RULES-FORMAT.md, "One rule").
public enum RuleTestRunner {
    /// Runs the examples of every rule in `ruleSet`. Document examples are read relative to `baseDirectories`, in order.
    public static func run(_ ruleSet: RuleSet, baseDirectories: [String], now: Date) -> [RuleTestResult] {
        let matcher = Matcher()
        var results: [RuleTestResult] = []
        for rule in ruleSet.rules {
            for example in rule.definition.tests {
                let subject: Subject
                switch example.input {
                case .fields(let fields):
                    subject = fields
                case .file(let path):
                    switch readDocument(path, baseDirectories: baseDirectories, now: now) {
                    case .success(let document): subject = document
                    case .failure(let reason):
                        results.append(RuleTestResult(rule: rule.definition.id, location: example.location, passed: false, reason: reason.message))
                        continue
                    }
                }
                // The whole set runs (its prefilter is built once); only this rule's outcome counts.
                let whole = ruleSet.evaluate(subject, matcher: matcher)
                let id = rule.definition.id
                let evaluation = Evaluation(hits: whole.hits.filter { $0.rule == id }, errors: whole.errors.filter { $0.rule == id })
                let matched = !evaluation.hits.isEmpty
                let reason: String
                if let failure = evaluation.errors.first {
                    reason = "the rule failed on this example: \(failure.message)"
                } else if matched == example.mustMatch {
                    reason = ""
                } else if example.mustMatch {
                    if !rule.definition.appliesTo.contains(subject.appliesToType) {
                        reason = "expected a match, but the rule does not apply to \(subject.appliesToType) (applies_to: \(rule.definition.appliesTo.joined(separator: ", ")))"
                    } else {
                        reason = "expected a match, got none"
                    }
                } else {
                    let spans = evaluation.hits.flatMap(\.spans).map { "\($0.field) \"\($0.text)\"" }
                    reason = "expected no match, but it matched" + (spans.isEmpty ? "" : ": " + spans.joined(separator: ", "))
                }
                results.append(RuleTestResult(rule: rule.definition.id, location: example.location, passed: reason.isEmpty, reason: reason))
            }
        }
        return results
    }

    struct Unreadable: Error {
        let message: String
    }

    /// A JSON document (activity, actor, report) or a plain `{field: value}` object as a subject; nil with the reason
    /// when it is neither.
    public static func subject(fromJSON data: Data, now: Date) -> (subject: Subject?, problem: String?) {
        do {
            let document = try ActivityStreamsDocument.decode(data)
            // A field object may carry a `type` too; an ActivityStreams document has an id, an actor or a context.
            if ["@context", "id", "actor", "object", "attributedTo"].contains(where: { document.properties[$0] != nil }) {
                return (Subject(document: document, now: now), nil)
            }
            return (Subject(plain: document.properties), nil)
        } catch {
            // Not an ActivityStreams document (no `type`): a plain object of fields is fine too.
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: data), let fields = value.objectValue else {
                return (nil, "not a JSON object: \(error.description)")
            }
            return (Subject(plain: fields), nil)
        }
    }

    private static func readDocument(_ path: String, baseDirectories: [String], now: Date) -> Result<Subject, Unreadable> {
        let candidates = path.hasPrefix("/") ? [path] : baseDirectories.map { ($0.isEmpty ? "" : $0 + "/") + path }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
            let data = FileManager.default.contents(atPath: found)
        else {
            return .failure(Unreadable(message: "cannot read \(path) (looked in \(candidates.joined(separator: ", ")))"))
        }
        let read = subject(fromJSON: data, now: now)
        guard let subject = read.subject else { return .failure(Unreadable(message: "\(path): \(read.problem ?? "unreadable")")) }
        return .success(subject)
    }
}
