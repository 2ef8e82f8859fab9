import ArgumentParser
import Foundation
import Moderation
import Server

/// `palisade admin audit verify`
struct AdminAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The hash-chained audit log.", subcommands: [AdminAuditVerifyCommand.self])
}

/// `palisade admin audit verify [--tenant SLUG]`
struct AdminAuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit chains (HMAC, the decisions and sanctions they record, the last checkpoint); names every problem and exits 1 if any.")

    @Option(help: "Only this tenant's chain (default: every tenant's and the service chain).")
    var tenant: String?

    @OptionGroup var options: ConfigOption

    func run() async throws {
        var failed = 0
        try await ModerationContext.with(try options.load().configuration) { services in
            let tenant = try await tenant.asyncMap(services.tenant)
            let result = try await services.administration.verifyAudit(tenant: tenant)
            if result.problems.isEmpty {
                print("audit log intact: \(result.rows) rows verified")
            } else {
                for problem in result.problems { print(problem.description) }
                failed = result.problems.count
            }
        }
        if failed > 0 {
            FileHandle.standardError.write(Data("error: the audit log fails verification (\(failed) problem\(failed == 1 ? "" : "s"))\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `palisade admin reporters mute|unmute ACTOR --tenant SLUG`
struct AdminReportersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reporters", abstract: "Reporters who abuse reporting: their reports are kept but open no case.",
        subcommands: [AdminReportersMuteCommand.self, AdminReportersUnmuteCommand.self])
}

/// `palisade admin reporters mute ACTOR --tenant SLUG`
struct AdminReportersMuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mute", abstract: "Mute a reporter for a tenant.")

    @Argument(help: "The reporter's actor URI.")
    var reporter: String

    @Option(help: "The tenant slug.")
    var tenant: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            try await services.administration.setReporterMuted(reporter, muted: true, tenant: try await services.tenant(tenant), by: services.principal)
            print("muted \(reporter) for \(tenant)")
        }
    }
}

/// `palisade admin reporters unmute ACTOR --tenant SLUG`
struct AdminReportersUnmuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unmute", abstract: "Unmute a reporter for a tenant.")

    @Argument(help: "The reporter's actor URI.")
    var reporter: String

    @Option(help: "The tenant slug.")
    var tenant: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            try await services.administration.setReporterMuted(reporter, muted: false, tenant: try await services.tenant(tenant), by: services.principal)
            print("unmuted \(reporter) for \(tenant)")
        }
    }
}
