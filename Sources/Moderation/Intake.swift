import Federation
import Foundation
import Logging
import Rules

/// The ingest pipeline: each item (a Flag, a webhook report, a screened status or account) is normalised into the
/// rules' `Subject`, evaluated against the tenant's rule set, and recorded with every hit on the account's case; the
/// automatic decisions rules ask for are then made, audited as made by the rule.
public struct Intake: Sendable {
    private let tenants: any TenantDirectory
    private let cases: any CaseStore
    private let ruleSet: @Sendable (Tenant) -> RuleSet
    private let changes: CaseChanges
    private let statusLookup: (any StatusLookup)?
    private let windows: (any WindowStore)?
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// A pipeline over the stores; `ruleSet` gives a tenant's rule set in force (global plus its overlay); `windows`
    /// keeps the sliding-window counts velocity rules compare (without it, `window.…` fields are absent).
    public init(
        tenants: any TenantDirectory, cases: any CaseStore, ruleSet: @escaping @Sendable (Tenant) -> RuleSet, changes: CaseChanges,
        statusLookup: (any StatusLookup)? = nil, windows: (any WindowStore)? = nil, logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.changes = changes
        self.statusLookup = statusLookup
        self.windows = windows
        self.tenants = tenants
        self.cases = cases
        self.ruleSet = ruleSet
        self.logger = logger
        self.now = now
    }

    /// A `Flag` accepted by the inbox: a report for the tenant of the instance it came from (any actor of that domain:
    /// Mastodon signs with its instance actor, Misskey with a system user); from anywhere else, an unsolicited report
    /// for each tenant that takes them in a triage queue, or dropped with a log line.
    @discardableResult
    public func receive(flag: ReceivedFlag) async throws -> [(tenant: String, result: IntakeResult)] {
        var instance: AttachedInstance?
        if let domain = InstanceDomain(url: flag.reporterID) { instance = try await tenants.instance(domain: domain) }
        if let instance, let tenant = try await tenants.tenant(id: instance.tenantID) {
            // The instance actor's Flag is the instance's word; any other account's is that member's own report.
            let fromInstance = flag.reporterID == instance.actorID
            if !fromInstance && tenant.flagsFrom == .instanceActor {
                logger.notice(
                    "member flag kept in the inbox, no case: the tenant takes Flags from its instance actors only",
                    metadata: ["flag": .string(flag.activityID), "reporter": .string(flag.reporterID), "tenant": .string(tenant.slug)])
                return []
            }
            guard var report = IncomingReport(flag: flag, solicited: true, source: fromInstance ? .flag : .member) else {
                logger.warning("flag names no object; not recorded", metadata: ["flag": .string(flag.activityID)])
                return []
            }
            if let statusLookup { report = await report.withStatusesLooked(up: statusLookup) }
            return [(tenant.slug, try await receive(report: report, tenant: tenant, signal: .report(report, tenant: tenant)))]
        }
        let takers = try await tenants.tenants().filter { $0.unsolicitedQueue != nil }
        guard !takers.isEmpty, var report = IncomingReport(flag: flag, solicited: false) else {
            logger.notice(
                "unsolicited flag dropped: no attached instance at its actor's domain and no tenant takes unsolicited reports",
                metadata: ["flag": .string(flag.activityID), "actor": .string(flag.reporterID)])
            return []
        }
        if let statusLookup { report = await report.withStatusesLooked(up: statusLookup) }
        var results: [(String, IntakeResult)] = []
        for tenant in takers {
            let signal = Signal(queue: tenant.unsolicitedQueue!, priority: 30)
            results.append((tenant.slug, try await receive(report: report, tenant: tenant, signal: signal)))
        }
        return results
    }

    /// A report (from a Flag or a webhook) for `tenant`, with the signal that routes it.
    public func receive(report: IncomingReport, tenant: Tenant, signal: Signal? = nil) async throws -> IntakeResult {
        let set = ruleSet(tenant)
        var hits: [RecordedHit] = []
        for (subjectID, subject) in Self.subjects(of: report, tenant: tenant.slug) {
            let counted = try await counting(subject, subjectID: subjectID, ruleSet: set, tenant: tenant)
            hits += Self.record(set.evaluate(counted), subjectID: subjectID, ruleSet: set, tenant: tenant)
        }
        let signals = [signal ?? .report(report, tenant: tenant)] + hits.map { Signal(queue: $0.queue, priority: $0.priority) }
        let item = IntakeItem(account: report.account, report: report, hits: hits, signals: signals, accountName: report.accountName)
        return try await record(item, tenant: tenant, ruleSet: set)
    }

    /// What the rules evaluate for a report, each with the id its hits are recorded under: the report itself (under its
    /// source key), then each reported status with text as a `Create` of it would be (RULES-FORMAT.md: reports), so a
    /// scam reported by a member is caught by the rule that catches it when posted.
    public static func subjects(of report: IncomingReport, tenant: String) -> [(id: String, subject: Subject)] {
        var subject = Subject(report: report)
        subject.fields["tenant"] = .text(tenant)
        // RULES-FORMAT.md: how it arrived — `inbox` (a Flag, solicited or not), `webhook`, `api`.
        subject.fields["source"] = .text(report.source == .webhook ? "webhook" : "inbox")
        var subjects = [(report.sourceKey, subject)]
        for status in report.statuses.prefix(screenedStatusesPerReport) where status.text != nil {
            var screened = report.statusSubjects[status.id] ?? Subject(reportedStatus: status, of: report)
            screened.fields["reported"] = .bool(true)
            screened.fields["tenant"] = subject.fields["tenant"]
            screened.fields["source"] = subject.fields["source"]
            subjects.append((status.id, screened))
        }
        return subjects
    }

    /// How many of a report's statuses are screened by the content rules (the first ones; a report may name many).
    public static let screenedStatusesPerReport = 20

    /// A status or account to screen (a webhook's `status.created`, `account.updated`, …): recorded only when a rule hits.
    public func screen(_ subject: Subject, subjectID: String, account: String, evidence: ReportedStatus?, tenant: Tenant) async throws
        -> IntakeResult
    {
        var subject = subject
        subject.fields["tenant"] = .text(tenant.slug)
        if subject.fields["source"] == nil { subject.fields["source"] = .text("webhook") }
        let set = ruleSet(tenant)
        subject = try await counting(subject, subjectID: subjectID, ruleSet: set, tenant: tenant)
        let hits = Self.record(set.evaluate(subject), subjectID: subjectID, ruleSet: set, tenant: tenant)
        guard !hits.isEmpty else { return .nothing }
        var name: String?
        if case .text(let display)? = subject.fields["account.display_name"] { name = display }
        if case .text(let username)? = subject.fields["account.username"] { name = IntakeItem.accountName(displayName: name, username: username) }
        let item = IntakeItem(
            account: account, report: nil, screened: evidence, hits: hits, signals: hits.map { Signal(queue: $0.queue, priority: $0.priority) },
            accountName: name)
        return try await record(item, tenant: tenant, ruleSet: set)
    }

    /// `subject` with the window counts its tenant's rules compare, after recording what it adds to them.
    private func counting(_ subject: Subject, subjectID: String, ruleSet set: RuleSet, tenant: Tenant) async throws -> Subject {
        let fields = set.windowFields
        // A reported status is old news, not a new post: it neither adds to the windows nor is counted.
        guard !fields.isEmpty, let windows, subject["reported"] == nil else { return subject }
        let plan = WindowPlan(subject: subject, subjectID: subjectID, fields: fields)
        guard !plan.observations.isEmpty || !plan.queries.isEmpty else { return subject }
        let counts = try await windows.observe(plan.observations, counting: plan.queries, tenant: tenant.id, at: now())
        var subject = subject
        subject.fields.merge(plan.fields(counts, for: fields)) { _, counted in counted }
        return subject
    }

    private func record(_ item: IntakeItem, tenant: Tenant, ruleSet set: RuleSet) async throws -> IntakeResult {
        let date = now()
        let result = try await cases.record(item, tenant: tenant, ruleSetVersion: set.version, at: date)
        if case .recorded(let caseID, let newCase) = result {
            let decided = try await applyAutomaticDecision(
                item.hits, caseID: caseID, tenant: tenant, ruleSet: set, evidenceVerified: item.report?.evidenceVerified ?? true)
            let summary = try await cases.summary(of: caseID, tenant: tenant.id, at: date)
            var change = CaseChange(
                tenantID: tenant.id, caseID: caseID, kind: item.report == nil ? "rule_hit" : "intake", queue: summary.queue, phase: summary.phase,
                holder: summary.holder, actor: "system", at: date, sequence: 0)
            change.tenant = tenant.slug
            change.opened = newCase
            change.ruleIDs = Array(Set(item.hits.map(\.ruleID))).sorted()
            changes.publish(change)
            // After the opening: a rule's decision is logged and counted like a moderator's.
            if let decided { changes.publish(CaseChange(decided.outcome, tenant: tenant, ruleIDs: [decided.rule])) }
        }
        return result
    }

    /// The most severe automatic decision the hits ask for is made on the case, as made by its rule; `confirm: true`
    /// (or the tenant's approval setting) makes it a proposal. A rule cannot decide over a moderator's live claim: that
    /// is noted in the audit log instead, and so is a decision on a report whose evidence is not proven (a status not
    /// fetched from its own origin, or not attributed there to the account): the case waits for a person.
    private func applyAutomaticDecision(
        _ hits: [RecordedHit], caseID: CaseID, tenant: Tenant, ruleSet set: RuleSet, evidenceVerified: Bool
    ) async throws -> (outcome: TransitionOutcome, rule: String)? {
        let deciding = hits.compactMap { hit -> (RecordedHit, DecisionAction)? in
            switch hit.decision {
            case "mark_sensitive": return (hit, .markSensitive)
            case "silence": return (hit, .silence)
            case "suspend": return (hit, .suspend)
            default: return nil
            }
        }
        for hit in hits where hit.decision == "reject" {
            _ = try await cases.audit(
                tenant: tenant.id, actor: ModeratorID.rule(hit.ruleID).rawValue, kind: "rule_reject", caseID: caseID,
                detail: ["subject": hit.subjectID, "rule_version": hit.ruleVersion], ruleSetVersion: set.version, at: now())
        }
        guard let (hit, action) = deciding.max(by: { DecisionAction.names.firstIndex(of: $0.1.name)! < DecisionAction.names.firstIndex(of: $1.1.name)! })
        else { return nil }
        let rule = set.rules.first { $0.definition.id == hit.ruleID }?.definition
        let decision = Decision(
            actions: [action], reason: "automatic: rule \(hit.ruleID)\(rule.map { " (\($0.title))" } ?? "")", ruleIDs: [hit.ruleID],
            by: .rule(hit.ruleID))
        let needsApproval = (rule?.action.confirm ?? false) || tenant.needsApproval(decision)
        guard evidenceVerified else {
            _ = try await cases.audit(
                tenant: tenant.id, actor: decision.by.rawValue, kind: "rule_decision_skipped", caseID: caseID,
                detail: ["action": action.name, "why": "the report's evidence could not be verified against the account; a person decides"],
                ruleSetVersion: set.version, at: now())
            logger.notice(
                "automatic decision withheld: unverified evidence",
                metadata: ["case": .stringConvertible(caseID), "rule": .string(hit.ruleID)])
            return nil
        }
        do {
            let outcome = try await cases.apply(
                .ruleDecision(decision, needsApproval: needsApproval), to: caseID, tenant: tenant.id, decisionID: nil,
                actor: decision.by.rawValue, ruleSetVersion: set.version, at: now())
            logger.info(
                "rule decided automatically",
                metadata: ["case": .stringConvertible(caseID), "rule": .string(hit.ruleID), "kind": .string(outcome.audit.kind)])
            return (outcome, hit.ruleID)
        } catch ModerationError.transition(let refusal) {
            _ = try await cases.audit(
                tenant: tenant.id, actor: decision.by.rawValue, kind: "rule_decision_skipped", caseID: caseID,
                detail: ["action": action.name, "why": refusal.description], ruleSetVersion: set.version, at: now())
            return nil
        }
    }

    static func record(_ evaluation: Evaluation, subjectID: String, ruleSet: RuleSet, tenant: Tenant) -> [RecordedHit] {
        evaluation.hits.map { hit in
            RecordedHit(
                subjectID: subjectID, ruleID: hit.rule, ruleVersion: hit.version, ruleSetVersion: ruleSet.version,
                spans: hit.spans.map { RecordedHit.Span(field: $0.field, start: $0.start, end: $0.end, text: $0.text) },
                queue: hit.queue.flatMap(Tenant.validQueue) ?? tenant.defaultQueue, priority: hit.priority, decision: hit.decision?.rawValue)
        }
    }
}

extension Subject {
    /// A reported status known only by its text (a `Flag`'s status fetched from its server) as the content rules see
    /// a `Create` of it: `content`, `summary` (its content warning), `text`, `sensitive`, `attachments.count`, the
    /// links written in it, the reported account, and `reported: true`.
    public init(reportedStatus status: ReportedStatus, of report: IncomingReport) {
        var fields: [String: FieldValue] = ["type": .text("Create"), "object.type": .text("Note"), "reported": .bool(true)]
        let content = status.text ?? ""
        fields["content"] = .text(content)
        if let warning = status.contentWarning, !warning.isEmpty { fields["summary"] = .text(warning) }
        fields["text"] = .text([status.contentWarning ?? "", content].filter { !$0.isEmpty }.joined(separator: "\n"))
        fields["sensitive"] = .bool(status.sensitive)
        fields["attachments.count"] = .number(Double(status.mediaCount))
        let links = content.range(of: "http", options: .caseInsensitive) == nil ? [] : content.split(whereSeparator: \.isWhitespace).map(String.init)
            .filter { $0.lowercased().hasPrefix("https://") || $0.lowercased().hasPrefix("http://") }
        fields["links"] = .list(links)
        fields["links.domains"] = .list(links.compactMap { URLComponents(string: $0)?.host?.lowercased() })
        fields["links.count"] = .number(Double(links.count))
        fields["account.id"] = .text(report.account)
        let domain = report.accountDomain
        if !domain.isEmpty {
            fields["account.domain"] = .text(domain)
            fields["instance.domain"] = .text(domain)
        }
        self.init(kind: .activity, fields: fields)
    }

    /// A report as the rules see it (`applies_to: [Report]`): reporter, comment, category, forwarded, the reported
    /// objects and the account.
    public init(report: IncomingReport) {
        var fields: [String: FieldValue] = ["type": .text("Flag")]
        if let reporter = report.reporter { fields["report.reporter"] = .text(reporter) }
        fields["report.comment"] = .text(report.comment)
        if let category = report.category { fields["report.category"] = .text(category) }
        fields["report.forwarded"] = .bool(report.forwarded)
        fields["report.objects"] = .list([report.account] + report.statuses.map(\.id))
        fields["report.rule_ids"] = .list(report.instanceRuleIDs)
        fields["account.id"] = .text(report.account)
        let domain = report.accountDomain
        if !domain.isEmpty {
            fields["account.domain"] = .text(domain)
            fields["instance.domain"] = .text(domain)
        }
        let texts = report.statuses.compactMap(\.text)
        if !texts.isEmpty { fields["text"] = .text(texts.joined(separator: "\n")) }
        self.init(kind: .report, fields: fields)
    }
}
