import Foundation
import Hummingbird
import Moderation
import ModerationAPI

/// Domain values into the moderation API's bodies (records never reach routes; ModerationAPI never sees the domain).
extension CaseSummaryBody {
    init(_ summary: CaseSummary, at date: Date) {
        self.init(
            id: summary.id, account: summary.account, domain: summary.domain, queue: summary.queue, priority: summary.priority,
            state: summary.phase.rawValue, holder: summary.holder, claimExpiresAt: summary.claimExpiresAt, reports: summary.reports,
            hits: summary.hits, createdAt: summary.createdAt, updatedAt: summary.updatedAt, slaDueAt: summary.slaDueAt,
            slaBreached: summary.slaDueAt <= date && [.open, .escalated, .awaitingApproval, .reopened].contains(summary.phase),
            escalatedToRole: summary.escalatedToRole?.rawValue)
    }
}

extension ActionBody {
    init(_ action: DecisionAction) {
        if case .defederate(let domain, let severity, let rejectMedia, let rejectReports) = action {
            self.init(action: action.name, domain: domain, severity: severity.rawValue, rejectMedia: rejectMedia, rejectReports: rejectReports)
        } else {
            self.init(action: action.name)
        }
    }

    /// The domain action; 422 for an unknown action or a defederation without a valid domain or severity.
    func action() throws -> DecisionAction {
        switch action {
        case "dismiss": return .dismiss
        case "mark_sensitive": return .markSensitive
        case "silence": return .silence
        case "suspend": return .suspend
        case "defederate":
            guard let domain, let host = InstanceDomain(domain) else {
                throw ModerationError.invalid("a defederation needs \"domain\": a host name such as bad.example")
            }
            guard let severity = DecisionAction.Severity(rawValue: severity ?? "suspend") else {
                throw ModerationError.invalid("\"severity\" is \"silence\" or \"suspend\"")
            }
            return .defederate(domain: host.value, severity: severity, rejectMedia: rejectMedia ?? false, rejectReports: rejectReports ?? false)
        default:
            throw ModerationError.invalid("unknown action \"\(action)\"; one of \(DecisionAction.names.joined(separator: ", "))")
        }
    }
}

extension StatusEvidence {
    init(_ status: ReportedStatus) {
        self.init(id: status.id, text: status.text, contentWarning: status.contentWarning, mediaCount: status.mediaCount, sensitive: status.sensitive)
    }
}

extension DecisionBody {
    init(_ stored: StoredDecision) {
        let decision = stored.decision
        self.init(
            id: stored.id, actions: decision.actions.map(ActionBody.init), reason: decision.reason, category: decision.category,
            ruleIDs: decision.ruleIDs, expiresAt: decision.expiresAt, by: decision.by.rawValue, state: stored.state, approvedBy: stored.approvedBy,
            createdAt: stored.createdAt)
    }
}

extension SanctionBody {
    init(_ sanction: Sanction) {
        self.init(
            id: sanction.id, caseID: sanction.caseID, decisionID: sanction.decisionID, targetKind: sanction.targetKind, target: sanction.target,
            action: ActionBody(sanction.action), appliedAt: sanction.appliedAt, expiresAt: sanction.expiresAt, liftedAt: sanction.liftedAt,
            liftedReason: sanction.liftedReason)
    }
}

extension HistoryEntryBody {
    init(_ entry: AuditEntry) {
        let detail = (try? JSONDecoder().decode([String: String].self, from: Data(entry.detail.utf8))) ?? ["raw": entry.detail]
        self.init(
            sequence: entry.sequence, at: entry.at, actor: entry.actor, kind: entry.kind, caseID: entry.caseID, detail: detail,
            ruleSetVersion: entry.ruleSetVersion)
    }
}

extension CaseDetailBody {
    init(_ detail: CaseDetail, deliveries: [DecisionDelivery], at date: Date) {
        self.init(
            case: CaseSummaryBody(detail.summary, at: date),
            reports: detail.reports.map { stored in
                let report = stored.report
                return ReportBody(
                    id: stored.id, source: report.source.rawValue, reporter: report.reporter, comment: report.comment, category: report.category,
                    instanceRuleIDs: report.instanceRuleIDs, forwarded: report.forwarded, statuses: report.statuses.map(StatusEvidence.init),
                    receivedAt: stored.receivedAt)
            },
            ruleHits: detail.hits.map { hit in
                HitBody(
                    subject: hit.subjectID, ruleID: hit.ruleID, ruleVersion: hit.ruleVersion, ruleSetVersion: hit.ruleSetVersion,
                    spans: hit.spans.map { SpanBody(field: $0.field, start: $0.start, end: $0.end, text: $0.text) }, queue: hit.queue,
                    priority: hit.priority, decision: hit.decision)
            },
            screenedStatuses: detail.screened.map(StatusEvidence.init), decisions: detail.decisions.map(DecisionBody.init),
            sanctions: detail.sanctions.map(SanctionBody.init), priorCases: detail.priorCases.map { CaseSummaryBody($0, at: date) },
            reporters: detail.reporters.map { ReporterBody(reporter: $0.reporter, reports: $0.reports, dismissed: $0.dismissed, muted: $0.muted) },
            history: detail.history.map(HistoryEntryBody.init), deliveries: deliveries.map(DecisionDeliveryBody.init))
    }
}

extension CaseChangeEvent {
    init(_ change: CaseChange) {
        self.init(
            kind: change.kind, caseID: change.caseID, queue: change.queue, state: change.phase.rawValue, holder: change.holder, actor: change.actor,
            at: change.at, sequence: change.sequence)
    }
}

/// Encodable bodies as JSON responses.
enum APIResponse {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder.moderationAPI.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension DecisionDeliveryBody {
    init(_ delivery: DecisionDelivery) {
        self.init(
            decisionID: delivery.decisionID, dispatch: delivery.dispatch.rawValue, instance: delivery.instance, path: delivery.kind.path.rawValue,
            kind: delivery.kind.rawValue, state: delivery.state.rawValue, attempts: delivery.attempts, answer: delivery.answer,
            reference: delivery.reference, updatedAt: delivery.updatedAt)
    }
}
