import ArgumentParser
import Foundation
import Moderation
import Server
import Store

/// `palisade admin instances add|list|remove`
struct AdminInstancesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instances", abstract: "Instances whose reports a tenant moderates.",
        subcommands: [
            AdminInstancesAddCommand.self, AdminInstancesSetCommand.self, AdminInstancesListCommand.self, AdminInstancesRemoveCommand.self,
            AdminInstancesProofCommand.self,
        ])
}

/// `palisade admin instances add DOMAIN --tenant SLUG`
struct AdminInstancesAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Attach an instance to a tenant.",
        discussion: "With --generate-webhook-secret the secret is printed alone on the last line (paste it into Mastodon's webhook form).")

    @Argument(help: "The instance's host, with :port when it listens on a non-default one.")
    var domain: String

    @Option(help: "The tenant slug.")
    var tenant: String

    @Option(help: "The instance actor's URL (default: discovered through WebFinger acct:DOMAIN@DOMAIN).")
    var actor: String?

    @Option(name: .customLong("webhook-secret"), help: "The secret of its Mastodon admin webhook.")
    var webhookSecret: String?

    @Flag(name: .customLong("generate-webhook-secret"), help: "Generate a webhook secret and print it.")
    var generateWebhookSecret = false

    @Option(help: "Whether decisions reach it as signed Flag/Block/Undo activities: activitypub or none.")
    var decisions: String = "activitypub"

    @Option(
        name: .customLong("mastodon-api-token-file"),
        help: "A file holding the Mastodon admin-API token the instance granted (scopes admin:read, admin:write); '-' reads standard input.")
    var mastodonAPITokenFile: String?

    @OptionGroup var options: ConfigOption

    func validate() throws {
        if webhookSecret != nil && generateWebhookSecret { throw ValidationError("give --webhook-secret or --generate-webhook-secret, not both") }
        guard DecisionRoute(rawValue: decisions) != nil else { throw ValidationError("--decisions is activitypub or none") }
    }

    func run() async throws {
        let configuration = try options.load().configuration
        try await ModerationContext.with(configuration) { services in
            let tenant = try await services.tenant(self.tenant)
            guard let host = InstanceDomain(domain) else {
                throw ModerationError.invalid("'\(domain)' is not an instance domain: give its host, with :port for a non-default port")
            }
            let actorID: String
            if let actor { actorID = actor } else { actorID = try await ModerationContext.discoverInstanceActor(host, configuration: configuration) }
            var secret = webhookSecret
            if generateWebhookSecret {
                var generator = SystemRandomNumberGenerator()
                secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            }
            let token = try mastodonAPITokenFile.map { try readSecret(from: $0) }
            let instance = try await services.administration.attachInstance(
                domain: domain, actorID: actorID, webhookSecret: secret, route: DecisionRoute(rawValue: decisions)!, mastodonAPIToken: token,
                tenant: tenant, by: services.principal)
            let api = instance.mastodonAPIToken == nil ? "" : " and its Mastodon admin API"
            print("attached \(instance.domain) to \(tenant.slug) (instance actor \(instance.actorID); decisions via \(instance.decisionRoute.rawValue)\(api))")
            if generateWebhookSecret, let secret {
                print("webhook: POST \(configuration.effectiveBaseURL.absoluteString)/hooks/mastodon/\(instance.domain) with this secret:")
                print(secret)
            }
        }
    }
}

/// `palisade admin instances set DOMAIN --tenant SLUG …`
struct AdminInstancesSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change how decisions reach an attached instance.",
        discussion: "Decisions made from now on use the new settings; what was already sent or queued is left as it is.")

    @Argument(help: "The instance's domain.")
    var domain: String

    @Option(help: "The tenant slug.")
    var tenant: String

    @Option(help: "Whether decisions reach it as signed Flag/Block/Undo activities: activitypub or none.")
    var decisions: String?

    @Option(
        name: .customLong("mastodon-api-token-file"),
        help: "A file holding a new Mastodon admin-API token (scopes admin:read, admin:write); '-' reads standard input.")
    var mastodonAPITokenFile: String?

    @Flag(name: .customLong("no-mastodon-api"), help: "Withdraw the admin-API token: decisions are no longer applied through its API.")
    var noMastodonAPI = false

    @OptionGroup var options: ConfigOption

    func validate() throws {
        if mastodonAPITokenFile != nil && noMastodonAPI { throw ValidationError("give --mastodon-api-token-file or --no-mastodon-api, not both") }
        if let decisions, DecisionRoute(rawValue: decisions) == nil { throw ValidationError("--decisions is activitypub or none") }
        if decisions == nil && mastodonAPITokenFile == nil && !noMastodonAPI {
            throw ValidationError("nothing to change: give --decisions, --mastodon-api-token-file or --no-mastodon-api")
        }
    }

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            let tenant = try await services.tenant(self.tenant)
            let change: Administration.TokenChange = noMastodonAPI ? .remove : try mastodonAPITokenFile.map { .set(try readSecret(from: $0)) } ?? .keep
            let instance = try await services.administration.updateInstance(
                domain: domain, route: decisions.flatMap(DecisionRoute.init(rawValue:)), mastodonAPIToken: change, tenant: tenant,
                by: services.principal)
            print("\(instance.domain): decisions via \(instance.decisionRoute.rawValue)\(instance.mastodonAPIToken == nil ? "" : " and its Mastodon admin API")")
        }
    }
}


/// `palisade admin instances proof DOMAIN --tenant SLUG`
struct AdminInstancesProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof", abstract: "Print the token a tenant's admin shows on a domain to attach it through the admin API.",
        discussion: """
            The instance serves the token as plain text at the printed URL (or shows it in its instance actor's profile); then POST /api/v1/admin/instances with a tenant admin's token attaches it. Operators attach without proof.
            """)

    @Argument(help: "The instance's host, with :port when it listens on a non-default one.")
    var domain: String

    @Option(help: "The tenant slug.")
    var tenant: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        try await ModerationContext.with(configuration) { services in
            let tenant = try await services.tenant(self.tenant)
            guard let host = InstanceDomain(domain) else {
                throw ModerationError.invalid("'\(domain)' is not an instance domain: give its host, with :port for a non-default port")
            }
            let secret = try ServiceSecret.loadOrCreate(dataDirectory: configuration.dataDirectory).key(for: "domain-proof")
            let loopback = configuration.federation.allowPrivateAddresses && host.isLoopback
            print("serve this as plain text at \(DomainProof.wellKnownURL(host, plainHTTP: loopback)) (or put it in the instance actor's profile):")
            print(DomainProof.token(secret: secret, tenant: tenant.slug, domain: host))
        }
    }
}

/// `palisade admin instances list`
struct AdminInstancesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List attached instances.")

    @Option(help: "Only this tenant's.")
    var tenant: String?

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            let filter = try await tenant.asyncMap(services.tenant)
            let slugs = Dictionary(uniqueKeysWithValues: try await services.directory.tenants().map { ($0.id, $0.slug) })
            let instances = try await services.directory.instances(tenant: filter?.id)
            guard !instances.isEmpty else {
                print("no attached instances")
                return
            }
            print("DOMAIN\tTENANT\tINSTANCE ACTOR\tWEBHOOK\tDECISIONS\tMASTODON API")
            for instance in instances {
                print([
                    instance.domain.value, slugs[instance.tenantID] ?? "?", printable(instance.actorID), instance.webhookSecret == nil ? "no" : "yes",
                    instance.decisionRoute.rawValue, instance.mastodonAPIToken == nil ? "no" : "yes",
                ].joined(separator: "\t"))
            }
        }
    }
}

/// `palisade admin instances remove DOMAIN --tenant SLUG`
struct AdminInstancesRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Detach an instance (its reports and cases stay).")

    @Argument(help: "The instance's domain.")
    var domain: String

    @Option(help: "The tenant slug.")
    var tenant: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await ModerationContext.with(try options.load().configuration) { services in
            let tenant = try await services.tenant(self.tenant)
            try await services.administration.detachInstance(domain: domain, tenant: tenant, by: services.principal)
            print("detached \(domain.lowercased()) from \(tenant.slug)")
        }
    }
}

extension Optional {
    /// Maps with an async function.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
