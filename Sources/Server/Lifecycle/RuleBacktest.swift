import Foundation
import Logging
import Moderation
import Rules
import Store

/// `palisade rules replay`: a candidate rule set and the active one over the stored history of the configured
/// database, read only — every report (the report, then each reported status with text, as intake evaluates them)
/// and, without a tenant, every `Create` and `Update` the inbox holds.
public enum RuleBacktest {
    /// The tally of `candidate` against `active` over the items received since `since` (all when nil), of `tenant`'s
    /// reports only when given; `progress` hears the running count.
    public static func run(
        _ configuration: PalisadeConfiguration, active: RuleSet, candidate: RuleSet, since: Date?, tenant: String?, examples: Int,
        progress: (Int) -> Void
    ) async throws -> RuleReplay {
        let store = try PalisadeServer.openStore(configuration, logger: Logger(label: "palisade", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { try? store.close() }
        var tenantID: TenantID?
        if let tenant {
            guard let found = try await store.tenant(slug: tenant) else { throw ModerationError.noSuchTenant(tenant) }
            tenantID = found.id
        }
        let slugs = Dictionary(try await store.tenants().map { ($0.id, $0.slug) }, uniquingKeysWith: { first, _ in first })
        var replay = RuleReplay(examples: examples)
        func evaluate(_ subject: Subject, item: String) {
            replay.add(item: item, active: active.evaluate(subject).hits.map(\.rule), candidate: candidate.evaluate(subject).hits.map(\.rule))
            progress(replay.items)
        }
        var lastReport: Int64 = 0
        while true {
            let page = try await store.reports(after: lastReport, since: since, tenant: tenantID, limit: 1000)
            guard let last = page.last else { break }
            lastReport = last.report.id
            for (owner, stored) in page {
                for (subjectID, subject) in Intake.subjects(of: stored.report, tenant: slugs[owner] ?? "-") {
                    evaluate(subject, item: subjectID == stored.report.sourceKey ? "report \(stored.id)" : "report \(stored.id) status \(subjectID)")
                }
            }
        }
        guard tenant == nil else { return replay }
        var lastActivity: Int64 = 0
        let now = Date()
        while true {
            let page = try await store.inboxActivities(after: lastActivity, since: since, limit: 1000)
            guard let last = page.last else { break }
            lastActivity = last.sequence
            for activity in page {
                guard let subject = RuleTestRunner.subject(fromJSON: activity.body, now: now).subject else { continue }
                evaluate(subject, item: "activity \(activity.activityID)")
            }
        }
        return replay
    }
}
