import ArgumentParser
import Foundation
import Moderation
import Server

/// `palisade cases list|show`: a tenant's cases from the database, as the operator (safe beside a running server).
struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "A tenant's cases, read from the database as the operator: list them with the moderation API's filters, or show one.",
        subcommands: [CasesListCommand.self, CasesShowCommand.self])
}

/// `palisade cases list --tenant SLUG [--queue Q] [--state S,…] [--sort …] [--account URI] [--search Q] [--limit N]`
struct CasesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List cases (tab-separated): id, state, queue, priority, account, holder, reports, hits, created, SLA due.")

    @Option(help: "The tenant (slug).")
    var tenant: String

    @Option(help: "Only this queue.")
    var queue: String?

    @Option(help: "States, a union: open, claimed, escalated, awaiting_approval, decided, closed, reopened (default: every state).")
    var state: String?

    @Option(help: "priority (highest first), age (oldest first) or newest.")
    var sort: String = "priority"

    @Option(help: "Only cases about this account (its URI).")
    var account: String?

    @Option(help: "Search as the review UI does: a case number (42, #42), a handle (mallory, @mallory@host), an account URL or a domain.")
    var search: String?

    @Option(help: "At most this many (1-1000).")
    var limit = 100

    @OptionGroup var options: ConfigOption

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
        guard CaseFilter.Sort(rawValue: sort) != nil else { throw ValidationError("--sort is priority, age or newest") }
        if let search, CaseSearch(search) == nil { throw ValidationError("--search is 1–300 characters") }
    }

    func run() async throws {
        var filter = CaseFilter()
        if let state { try filter.states(state) }
        filter.queue = queue
        filter.account = account
        filter.search = search.flatMap(CaseSearch.init)
        filter.sort = CaseFilter.Sort(rawValue: sort) ?? .priority
        filter.limit = limit
        try await ModerationContext.with(try options.load().configuration) { services in
            let tenant = try await services.tenant(tenant)
            let cases = try await services.cases.cases(tenant: tenant.id, filter: filter, at: Date())
            guard !cases.isEmpty else {
                print("no cases")
                return
            }
            print("ID\tSTATE\tQUEUE\tPRIORITY\tACCOUNT\tHOLDER\tREPORTS\tHITS\tCREATED\tSLA DUE")
            for summary in cases {
                print(tabRow([
                    String(summary.id), summary.phase.rawValue, summary.queue, String(summary.priority), summary.account, summary.holder ?? "-",
                    String(summary.reports), String(summary.hits), summary.createdAt.formatted(.iso8601), summary.slaDueAt.formatted(.iso8601),
                ]))
            }
        }
    }
}

/// `palisade cases show ID --tenant SLUG`
struct CasesShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One case: its state, reports, rule hits, decisions and history.")

    @Argument(help: "The case id.")
    var id: Int64

    @Option(help: "The tenant (slug).")
    var tenant: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            let tenant = try await services.tenant(tenant)
            let detail = try await services.cases.detail(of: id, tenant: tenant.id, at: Date())
            let summary = detail.summary
            // What remote parties wrote is shown, never obeyed, by the terminal.
            print(printable("case \(summary.id): \(summary.phase.rawValue) in \(summary.queue), priority \(summary.priority)"))
            print(printable("account: \(summary.account)"))
            if let holder = summary.holder { print(printable("claimed by: \(holder)")) }
            print("created: \(summary.createdAt.formatted(.iso8601)); SLA due: \(summary.slaDueAt.formatted(.iso8601))")
            print("reports (\(detail.reports.count)):")
            for stored in detail.reports {
                let report = stored.report
                print(printable("  \(stored.id) \(report.source.rawValue) from \(report.reporter ?? "-") [\(report.category ?? "no category")]: \(report.comment)"))
                for status in report.statuses { print(printable("    status \(status.id): \(status.text ?? "(no text)")")) }
            }
            print("rule hits (\(detail.hits.count)):")
            for hit in detail.hits { print(printable("  \(hit.ruleID) (\(hit.ruleVersion)) on \(hit.subjectID)")) }
            print("decisions (\(detail.decisions.count)):")
            for stored in detail.decisions {
                let decision = stored.decision
                print(printable(
                    "  \(stored.id) \(stored.state): \(decision.actions.map(\.name).joined(separator: ", ")) by \(decision.by.rawValue)"
                        + "\(stored.approvedBy.map { ", approved by \($0)" } ?? "") [\(decision.category ?? "-")]: \(decision.reason)"))
            }
            print("history (\(detail.history.count)):")
            for entry in detail.history {
                print(printable("  \(entry.sequence) \(Date(timeIntervalSince1970: Double(entry.atMilliseconds) / 1000).formatted(.iso8601)) \(entry.actor) \(entry.kind)"))
            }
        }
    }
}
