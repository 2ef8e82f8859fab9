import Logging
import Moderation

/// The service's log lines about cases, for an operator following the log: `case opened` for each new case (with the
/// rules that hit), `case decided` when a decision goes into force (made, or approved), `decision proposed` while one
/// waits for a second moderator, `case reversed` on appeal; each with tenant, case, queue, rule ids and who.
enum CaseLog {
    /// What `CaseChanges` calls with every change it publishes.
    static func observer(_ logger: Logger) -> @Sendable (CaseChange) -> Void {
        { change in
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
