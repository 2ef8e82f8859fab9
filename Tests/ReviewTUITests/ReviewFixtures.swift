import Foundation
import ModerationAPI
import ReviewTUI

/// A tenant's queues, a queue's cases and one case with hostile evidence, at a fixed time: the data the screen tests
/// draw. Written for these tests (the shapes are the moderation API's own bodies).
enum ReviewFixtures {
    static let now = Date(timeIntervalSince1970: 1_795_780_800)  // 2026-11-27 12:00 UTC
    static let me = MeBody(name: "alice", role: "moderator", tenant: "acme", tenantName: "Acme Social", approvalRequired: ["suspend"], claimLeaseSeconds: 900)

    static let queues = [
        QueueBody(name: "reports", open: 12, oldestOpenAt: now.addingTimeInterval(-3 * 3600), slaBreached: 2, claimedByMe: 1, awaitingApproval: 0),
        QueueBody(name: "legal", open: 1, oldestOpenAt: now.addingTimeInterval(-2 * 86_400), slaBreached: 1, claimedByMe: 0, awaitingApproval: 1),
        QueueBody(name: "spam", open: 340, oldestOpenAt: now.addingTimeInterval(-600), slaBreached: 0, claimedByMe: 0, awaitingApproval: 0),
    ]

    static func summary(_ id: Int64, account: String, priority: Int = 50, state: String = "open", holder: String? = nil, ageMinutes: Double = 30) -> CaseSummaryBody {
        CaseSummaryBody(
            id: id, account: account, domain: URLComponents(string: account)?.host ?? "?", queue: "reports", priority: priority, state: state,
            holder: holder, claimExpiresAt: holder == nil ? nil : now.addingTimeInterval(45), reports: 1, hits: 0,
            createdAt: now.addingTimeInterval(-ageMinutes * 60), updatedAt: now, slaDueAt: now.addingTimeInterval(3600), slaBreached: ageMinutes > 600,
            escalatedToRole: nil)
    }

    static let cases = [
        summary(42, account: "https://spam.example/users/bot", priority: 80, holder: "alice", ageMinutes: 180),
        summary(43, account: "https://evil.example/users/\u{1B}]0;pwned\u{07}title", priority: 70, holder: "bob"),
        summary(44, account: "https://漢字.example/users/名前", priority: 60, ageMinutes: 2_000),
        summary(45, account: "https://ok.example/users/\u{202E}gnp.exe", priority: 50),
        summary(46, account: "https://quiet.example/users/someone", priority: 30, ageMinutes: 5),
    ]

    static var detail: CaseDetailBody {
        let status1 = StatusEvidence(
            id: "https://spam.example/users/bot/statuses/1", text: "FREE BTC giveaway!! claim at https://x.example now \u{1B}[2J\u{1B}[H",
            contentWarning: nil, mediaCount: 0, sensitive: false)
        let status2 = StatusEvidence(
            id: "https://spam.example/users/bot/statuses/2", text: "graphic content behind the warning", contentWarning: "gore",
            mediaCount: 2, sensitive: true)
        let report = ReportBody(
            id: 7, source: "webhook", reporter: "https://social.acme.example/users/carol", comment: "spam again \u{1B}]8;;https://evil.example\u{1B}\\click\u{1B}]8;;\u{1B}\\",
            category: "spam", instanceRuleIDs: ["2"], forwarded: false, statuses: [status1, status2], receivedAt: now.addingTimeInterval(-3600))
        let hit = HitBody(
            subject: status1.id, ruleID: "spam-giveaway", ruleVersion: "3", ruleSetVersion: "a1b2", spans: [SpanBody(field: "content", start: 0, end: 16, text: "FREE BTC giveaway")],
            queue: "reports", priority: 80, decision: nil)
        let history = [
            HistoryEntryBody(sequence: 1, at: now.addingTimeInterval(-3600), actor: "system", kind: "intake", caseID: 42, detail: ["report": "7"], ruleSetVersion: "a1b2"),
            HistoryEntryBody(sequence: 2, at: now.addingTimeInterval(-60), actor: "alice", kind: "claim", caseID: 42, detail: [:], ruleSetVersion: nil),
        ]
        return CaseDetailBody(
            case: cases[0], reports: [report], ruleHits: [hit], screenedStatuses: [], decisions: [], sanctions: [], priorCases: [],
            reporters: [ReporterBody(reporter: "https://social.acme.example/users/carol", reports: 3, dismissed: 1, muted: false)], history: history,
            deliveries: [])
    }

    static func model(width: Int, height: Int) -> ReviewModel {
        var model = ReviewModel(width: width, height: height, now: now, server: "https://mod.example.org")
        model.me = me
        model.queues = queues
        return model
    }
}
