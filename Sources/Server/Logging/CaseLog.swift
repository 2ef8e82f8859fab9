import Logging
import Moderation
import Prometheus

/// The service's log lines about cases, for an operator following the log: `case opened` for each new case (with the
/// rules that hit), `case decided` when a decision goes into force (made, or approved), `decision proposed` while one
/// waits for a second moderator, `case reversed` on appeal; each with tenant, case, queue, rule ids and who.
enum CaseLog {
    /// What `CaseChanges` calls with every change it publishes: the log line, and with `registry` the counters
    /// `palisade_rule_hits_total{rule}` (hits that were recorded) and `palisade_cases_decided_total{tenant,action}`.
    static func observer(_ logger: Logger, registry: PrometheusCollectorRegistry? = nil) -> @Sendable (CaseChange) -> Void {
        { change in
            if let registry {
                if change.kind == "intake" || change.kind == "rule_hit" {
                    for rule in change.ruleIDs {
                        registry.makeCounter(name: "palisade_rule_hits_total", labels: [("rule", rule)], help: "Rule hits recorded (intake), by rule id").increment()
                    }
                }
                for action in change.actions {
                    registry.makeCounter(
                        name: "palisade_cases_decided_total", labels: [("tenant", change.tenant ?? String(change.tenantID)), ("action", action)],
                        help: "Decisions put in force (made or approved), by tenant and action").increment()
                }
            }
            let message: Logger.Message
            if change.opened {
                message = "case opened"
            } else {
                switch change.kind {
                case "decision", "rule_decision", "approve": message = "case decided"
                case "proposal", "rule_proposal", "reverse_proposal": message = "decision proposed"
                case "reverse": message = "case reversed"
                default: return
                }
            }
            var metadata: Logger.Metadata = [
                "tenant": .string(change.tenant ?? String(change.tenantID)), "case": .stringConvertible(change.caseID),
                "queue": .string(change.queue), "state": .string(change.phase.rawValue), "by": .string(change.actor), "kind": .string(change.kind),
            ]
            if !change.ruleIDs.isEmpty { metadata["rules"] = .string(change.ruleIDs.joined(separator: ",")) }
            logger.notice(message, metadata: metadata)
        }
    }
}

extension Logger.Metadata {
    /// One field per line (`diagnostic.1`, `diagnostic.2`, …; at most `limit`, then `diagnostic.more`: how many were
    /// left out), so a multi-line report reads as lines in a text log rather than one value full of `\u{a}` escapes.
    static func numbered(_ name: String, _ lines: [String], limit: Int = 50) -> Logger.Metadata {
        var fields: Logger.Metadata = [:]
        for (index, line) in lines.prefix(limit).enumerated() { fields["\(name).\(index + 1)"] = .string(line) }
        if lines.count > limit { fields["\(name).more"] = .stringConvertible(lines.count - limit) }
        return fields
    }
}
