import Foundation
import Moderation
import Rules
import Testing

/// What intake records and counts for velocity rules, subject by subject: pure.
@Suite struct WindowPlanTests {
    func field(_ name: String) throws -> WindowField {
        try #require(WindowField.parse(name)).get()
    }

    @Test func windowFieldsParseOrSayWhatIsWrong() throws {
        #expect(try field("window.10m.same_link.accounts").seconds == 600)
        #expect(try field("window.2h.account.reporters").measure == .accountReporters)
        #expect(WindowField.parse("content") == nil)
        for (name, problem) in [
            ("window.10x.account.posts", "the duration is minutes or hours, like 10m or 2h"),
            ("window.25h.account.posts", "windows are at most 24h"),
            ("window.10m.account.likes", "unknown measure 'account.likes' (one of same_link.accounts, same_text.accounts, account.posts, account.reporters)"),
            ("window.10m", "no measure after the duration"),
            ("window.0m.account.posts", "the duration is minutes or hours, like 10m or 2h"),
        ] {
            guard case .failure(let error)? = WindowField.parse(name) else { Issue.record("\(name) parsed"); continue }
            #expect(error.problem == problem, "\(name)")
        }
    }

    @Test func aPostObservesItsLinksTextAndItselfUnderItsAccount() throws {
        let fields: Set<WindowField> = [try field("window.10m.same_link.accounts"), try field("window.1h.same_text.accounts"), try field("window.1h.account.posts")]
        let subject = Subject(kind: .activity, fields: [
            "type": .text("Create"), "account.id": .text("https://a.example/users/x"),
            "content": .text("Ｃｌａｉｍ your prize at https://Prize.example/x now"),
            "links": .list(["https://Prize.example/x", "https://b.example/", "https://prize.example/x"]),
        ])
        let plan = WindowPlan(subject: subject, subjectID: "https://a.example/s/1", fields: fields)
        #expect(plan.observations.map(\.kind) == ["link", "link", "text", "post"], "links lower-cased and once each")
        #expect(plan.observations.filter { $0.kind == "link" }.map(\.key) == ["https://b.example/", "https://prize.example/x"])
        #expect(plan.observations.last == WindowObservation(kind: "post", key: "https://a.example/users/x", actor: "https://a.example/s/1"))
        // The same text in other letters is the same key (normalised first).
        let twin = WindowPlan(
            subject: Subject(kind: .activity, fields: ["account.id": .text("b"), "content": .text("claim your prize at https://prize.example/x now")]),
            subjectID: "s2", fields: fields)
        #expect(twin.observations.first { $0.kind == "text" }?.key == plan.observations.first { $0.kind == "text" }?.key)
        #expect(plan.queries.count == 4, "two links, the text, the posts")
        // A field over several keys is the largest count.
        let counts = plan.queries.map { $0.kind == "link" ? ($0.key.hasPrefix("https://b") ? 2 : 7) : 3 }
        let values = plan.fields(counts, for: fields)
        #expect(values["window.10m.same_link.accounts"] == .number(7))
        #expect(values["window.1h.same_text.accounts"] == .number(3))
        #expect(values["window.1h.account.posts"] == .number(3))
    }

    /// A hostile post with thousands of links, or a link of megabytes, costs a bounded number of small rows.
    @Test func aPostsLinksAreBoundedInNumberAndLength() throws {
        let fields: Set<WindowField> = [try field("window.10m.same_link.accounts")]
        let huge = "https://x.example/" + String(repeating: "a", count: 1_000_000)
        let links = (0..<5_000).map { "https://spam.example/\($0)" } + [huge]
        let plan = WindowPlan(
            subject: Subject(kind: .activity, fields: ["account.id": .text("a"), "links": .list(links)]), subjectID: "s", fields: fields)
        let linkRows = plan.observations.filter { $0.kind == "link" }
        #expect(linkRows.count == WindowPlan.linksCounted)
        #expect(plan.queries.count == WindowPlan.linksCounted)
        #expect(linkRows.allSatisfy { $0.key.utf8.count <= WindowPlan.longestKey })
        let alone = WindowPlan(subject: Subject(kind: .activity, fields: ["account.id": .text("a"), "links": .list([huge])]), subjectID: "s", fields: fields)
        #expect(alone.observations.first?.key.hasPrefix("sha256:") == true, "a long link is kept by its digest")
    }

    @Test func shortTextsAndPostsWithoutLinksCountNothingThere() throws {
        let fields: Set<WindowField> = [try field("window.10m.same_link.accounts"), try field("window.10m.same_text.accounts")]
        let plan = WindowPlan(subject: Subject(kind: .activity, fields: ["account.id": .text("a"), "content": .text("thanks!")]), subjectID: "s", fields: fields)
        #expect(plan.observations.map(\.kind) == ["post"])
        #expect(plan.queries.isEmpty)
        #expect(plan.fields([], for: fields) == ["window.10m.same_link.accounts": .number(0), "window.10m.same_text.accounts": .number(0)])
    }

    @Test func aReportObservesItsReporterUnderTheReportedAccount() throws {
        let fields: Set<WindowField> = [try field("window.1h.account.reporters")]
        let report = IncomingReport(
            source: .flag, sourceKey: "f1", reporter: "https://r.example/users/1", account: "https://bad.example/users/x", statuses: [], comment: "")
        let plan = WindowPlan(subject: Subject(report: report), subjectID: "f1", fields: fields)
        #expect(plan.observations == [WindowObservation(kind: "report", key: "https://bad.example/users/x", actor: "https://r.example/users/1")])
        #expect(plan.queries == [WindowQuery(kind: "report", key: "https://bad.example/users/x", seconds: 3600)])
        #expect(WindowPlan(subject: Subject(report: report), subjectID: "f1", fields: []).observations.isEmpty, "nothing recorded when no rule counts")
    }
}
