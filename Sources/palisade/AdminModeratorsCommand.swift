import ArgumentParser
import Moderation
import Server

/// `palisade admin moderators add|list|token|revoke`
struct AdminModeratorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moderators", abstract: "People who work the queues, and their bearer tokens (stored only as hashes).",
        subcommands: [AdminModeratorsAddCommand.self, AdminModeratorsListCommand.self, AdminModeratorsTokenCommand.self, AdminModeratorsRevokeCommand.self])
}

/// `palisade admin moderators add NAME --tenant SLUG --role ROLE`
struct AdminModeratorsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a moderator; prints their bearer token once, alone on the last line.",
        discussion: "Roles: triage (see, claim, note, escalate), moderator (also decide), admin (everything in the tenant). Without --tenant and with --role operator: an operator of every tenant.")

    @Argument(help: "Their name, unique across tenants (it appears in claims and the audit log).")
    var name: String

    @Option(help: "The tenant slug.")
    var tenant: String?

    @Option(help: "triage, moderator, admin (or operator, without --tenant).")
    var role: String

    @OptionGroup var options: ConfigOption

    func validate() throws {
        guard let parsed = Role(rawValue: role) else { throw ValidationError("--role is triage, moderator, admin or operator") }
        if parsed == .operator, tenant != nil { throw ValidationError("an operator has no tenant: drop --tenant") }
        if parsed != .operator, tenant == nil { throw ValidationError("--tenant is required for the \(role) role") }
    }

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            let tenant = try await tenant.asyncMap(services.tenant)
            let (moderator, token) = try await services.administration.addModerator(
                name: name, role: Role(rawValue: role)!, tenant: tenant, by: services.principal)
            print("added \(moderator.name) (\(moderator.role.rawValue)\(tenant.map { " of \($0.slug)" } ?? "")); token \(token.id), shown once:")
            print(token.secret)
        }
    }
}

/// `palisade admin moderators list`
struct AdminModeratorsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List moderators.")

    @Option(help: "Only this tenant's.")
    var tenant: String?

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            let filter = try await tenant.asyncMap(services.tenant)
            let slugs = Dictionary(uniqueKeysWithValues: try await services.directory.tenants().map { ($0.id, $0.slug) })
            let moderators = try await services.directory.moderators(tenant: filter?.id)
            guard !moderators.isEmpty else {
                print("no moderators")
                return
            }
            print("NAME\tTENANT\tROLE\tADDED BY")
            for moderator in moderators {
                print([moderator.name, moderator.tenantID.flatMap { slugs[$0] } ?? "(all)", moderator.role.rawValue, moderator.createdBy ?? "-"]
                    .joined(separator: "\t"))
            }
        }
    }
}

/// `palisade admin moderators token NAME`
struct AdminModeratorsTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Issue another token to a moderator; printed once, alone on the last line.")

    @Argument(help: "The moderator's name.")
    var name: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            let token = try await services.administration.issueToken(to: name, tenant: nil, by: services.principal)
            print("issued token \(token.id) to \(name), shown once:")
            print(token.secret)
        }
    }
}

/// `palisade admin moderators revoke TOKEN-ID|NAME`
struct AdminModeratorsRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a token by its id (tok-…), or every token of a moderator by name.")

    @Argument(help: "A token id (tok-…) or a moderator's name.")
    var token: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            let count = try await services.administration.revoke(token, tenant: nil, by: services.principal)
            print("revoked \(count) token\(count == 1 ? "" : "s")")
        }
    }
}
