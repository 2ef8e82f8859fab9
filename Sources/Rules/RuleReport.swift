import ActivityStreams

/// The JSON shape of `rules explain --json` (the contract with scripts and CI).
public enum RuleReport {
    /// `{"subject": {field: value…}, "hits": [{rule, version, score, queue, priority, tags, decision, spans}], "errors": [{rule, message}]}`
    public static func json(subject: Subject, evaluation: Evaluation) -> JSONValue {
        .object([
            "subject": .object(subject.fields.mapValues(\.json)),
            "hits": .array(evaluation.hits.map { hit in
                .object([
                    "rule": .string(hit.rule), "version": .string(hit.version), "score": .number(hit.score),
                    "queue": hit.queue.map(JSONValue.string) ?? .null, "priority": .number(Double(hit.priority)),
                    "tags": .array(hit.tags.map(JSONValue.string)), "decision": hit.decision.map { .string($0.rawValue) } ?? .null,
                    "confirm": .bool(hit.confirm),
                    "spans": .array(hit.spans.map { span in
                        .object([
                            "field": .string(span.field), "start": .number(Double(span.start)), "end": .number(Double(span.end)),
                            "text": .string(span.text),
                        ])
                    }),
                ])
            }),
            "errors": .array(evaluation.errors.map { .object(["rule": .string($0.rule), "message": .string($0.message)]) }),
        ])
    }
}
