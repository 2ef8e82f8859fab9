import ArgumentParser
import Foundation
import Moderation
import Server

/// `palisade admin tenants add|list`
struct AdminTenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants", abstract: "Organisations: their queues, approval rules and audit chains.",
        subcommands: [AdminTenantsAddCommand.self, AdminTenantsListCommand.self, AdminTenantsFeedTokenCommand.self, AdminTenantsTemplatesCommand.self])
}

/// `palisade admin tenants add SLUG --name NAME`
struct AdminTenantsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create a tenant.")

    @Argument(help: "Short name in URLs and commands: lower-case letters, digits, '-'.")
    var slug: String

    @Option(help: "Display name (default: the slug).")
    var name: String?

    @Option(name: .customLong("default-queue"), help: "Queue reports land in (default: reports).")
    var defaultQueue: String?

    @Option(name: .customLong("unsolicited-queue"), help: "Queue for Flags from actors of no attached instance (default: they are dropped).")
    var unsolicitedQueue: String?

    @Option(
        name: .customLong("require-approval"), parsing: .upToNextOption,
        help: "Decision actions that need a second moderator's approval: mark_sensitive, silence, suspend, defederate.")
    var requireApproval: [String] = []

    @Option(name: .customLong("claim-lease"), help: "Seconds a claim lasts unless renewed (default: 900).")
    var claimLease: Int?

    @Option(help: "Seconds before an unhandled case breaches its SLA (default: 86400).")
    var sla: Int?

    @Flag(
        name: .customLong("forward-reports"),
        help: "Also send a decision about an account on another server to that server, as a Flag (without the reason).")
    var forwardReports = false

    @Option(
        name: .customLong("flags-from"),
        help: "Whose Flags from the tenant's instances open cases: any (every account's, a member's recorded as such) or instance-actor.")
    var flagsFrom: String = "any"

    @OptionGroup var options: ConfigOption

    func validate() throws {
        guard FlagSenders(rawValue: flagsFrom.replacingOccurrences(of: "-", with: "_")) != nil else {
            throw ValidationError("--flags-from is any or instance-actor")
        }
    }

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            let tenant = try await services.administration.createTenant(
                slug: slug, name: name, defaultQueue: defaultQueue,
                unsolicitedQueue: unsolicitedQueue, approvalRequired: requireApproval.flatMap { $0.split(separator: ",").map(String.init) },
                claimLeaseSeconds: claimLease, slaSeconds: sla, forwardReports: forwardReports,
                flagsFrom: FlagSenders(rawValue: flagsFrom.replacingOccurrences(of: "-", with: "_")) ?? .any, by: services.principal)
            print("created tenant \(tenant.slug) (\(tenant.name))")
        }
    }
}

/// `palisade admin tenants list`
struct AdminTenantsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tenants.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            let tenants = try await services.directory.tenants()
            guard !tenants.isEmpty else {
                print("no tenants (palisade admin tenants add SLUG --name NAME)")
                return
            }
            print("SLUG\tNAME\tDEFAULT QUEUE\tUNSOLICITED\tAPPROVAL REQUIRED\tLEASE\tSLA\tFORWARDS")
            for tenant in tenants {
                print([
                    tenant.slug, tenant.name, tenant.defaultQueue, tenant.unsolicitedQueue ?? "(dropped)",
                    tenant.approvalRequired.isEmpty ? "-" : tenant.approvalRequired.sorted().joined(separator: ","), "\(Int(tenant.claimLease))s",
                    "\(Int(tenant.sla))s", tenant.forwardReports ? "yes" : "no",
                ].joined(separator: "\t"))
            }
        }
    }
}

/// `palisade admin tenants templates SLUG [TEMPLATE…] [--clear]`
struct AdminTenantsTemplatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "List or set the reasons moderators pick from when they decide.",
        discussion: "Without templates and without --clear, prints the tenant's list. Given templates replace the whole list.")

    @Argument(help: "The tenant slug.")
    var slug: String

    @Argument(help: "The new list, one reason per argument (1–300 characters each, at most 50).")
    var templates: [String] = []

    @Flag(help: "Remove every template (moderators then see the built-in ones).")
    var clear = false

    @OptionGroup var options: ConfigOption

    func validate() throws {
        if clear && !templates.isEmpty { throw ValidationError("give templates or --clear, not both") }
    }

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            var tenant = try await services.tenant(slug)
            if clear || !templates.isEmpty {
                tenant.reasonTemplates = try await services.administration.setReasonTemplates(templates, tenant: tenant, by: services.principal)
            }
            guard !tenant.reasonTemplates.isEmpty else {
                print("\(tenant.slug): no reason templates (the review UI offers its built-in ones)")
                return
            }
            for template in tenant.reasonTemplates { print(template) }
        }
    }
}

/// `palisade admin tenants feed-token SLUG [--off]`
struct AdminTenantsFeedTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed-token",
        abstract: "Make a tenant's blocklist feeds private with a new token (printed once, alone on the last line), or public with --off.")

    @Argument(help: "The tenant slug.")
    var slug: String

    @Flag(help: "Remove the token: the feeds are public again.")
    var off = false

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        try await ModerationContext.with(configuration) { services in
            let tenant = try await services.tenant(slug)
            if let token = try await services.administration.setFeedToken(enabled: !off, tenant: tenant, by: services.principal) {
                print("the feeds of \(tenant.slug) now need ?token= (e.g. \(configuration.effectiveBaseURL.absoluteString)/blocklists/\(tenant.slug).csv?token=…); token, shown once:")
                print(token)
            } else {
                print("the feeds of \(tenant.slug) are public")
            }
        }
    }
}
