import Foundation
import Hummingbird
import Moderation
import ModerationAPI

/// The admin API for tenants, instances, moderators, muted reporters and the audit chain (`/api/v1/admin/…`), for an
/// `admin` token (its own tenant) or an operator (`admin.token` or an operator's token; `?tenant=SLUG` names the tenant).
struct AdminModerationController {
    let access: ModerationAccess
    let administration: Administration
    let tenants: any TenantDirectory
    /// Checks a tenant admin's proof of a domain before it is attached.
    let proofs: DomainProofChecker

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.get("/api/v1/admin/tenants") { request, _ in
            let principal = try await access.principal(request)
            try CaseDesk.require(principal, .admin, to: "listing tenants")
            let all = try await tenants.tenants().filter { principal.tenantID == nil || $0.id == principal.tenantID }
            return try APIResponse.json(ListBody(items: all.map(Self.body)))
        }
        router.post("/api/v1/admin/tenants") { request, context in
            let principal = try await access.principal(request)
            try CaseDesk.require(principal, .operator, to: "creating a tenant")
            let body = try await APIBody.decode(TenantBody.self, from: request, context: context)
            let flagsFrom = try body.flagsFrom.map { name in
                guard let value = FlagSenders(rawValue: name) else { throw ModerationError.invalid("flags_from is any or instance_actor") }
                return value
            } ?? .any
            let tenant = try await administration.createTenant(
                slug: body.slug, name: body.name, defaultQueue: body.defaultQueue, unsolicitedQueue: body.unsolicitedQueue,
                approvalRequired: body.approvalRequired ?? [], claimLeaseSeconds: body.claimLeaseSeconds, slaSeconds: body.slaSeconds,
                forwardReports: body.forwardReports ?? false, flagsFrom: flagsFrom, by: principal)
            return try APIResponse.json(Self.body(tenant), status: .created)
        }
        router.post("/api/v1/admin/feed-token") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            let token = try await administration.setFeedToken(enabled: true, tenant: tenant, by: principal)
            return try APIResponse.json(["feed_token": token ?? ""], status: .created)
        }
        router.delete("/api/v1/admin/feed-token") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            _ = try await administration.setFeedToken(enabled: false, tenant: tenant, by: principal)
            return Response(status: .noContent)
        }
        router.get("/api/v1/admin/instances") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .admin, to: "listing instances")
            let instances = try await tenants.instances(tenant: tenant.id)
            return try APIResponse.json(ListBody(items: instances.map { Self.body($0, tenant: tenant) }))
        }
        router.post("/api/v1/admin/instances") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .admin, to: "attaching an instance")
            let body = try await APIBody.decode(InstanceBody.self, from: request, context: context)
            guard let actor = body.actor else { throw ModerationError.invalid("give \"actor\": the instance actor's URL") }
            let route = try body.decisionRoute.map { name in
                guard let route = DecisionRoute(rawValue: name) else { throw ModerationError.invalid("decision_route is activitypub or none") }
                return route
            } ?? .activitypub
            let instance = try await administration.attachInstance(
                domain: body.domain, actorID: actor, webhookSecret: body.webhookSecret, route: route, mastodonAPIToken: body.mastodonAPIToken,
                tenant: tenant, by: principal, proof: { [proofs] domain in await proofs.check(tenant: tenant, domain: domain, actorID: actor) })
            return try APIResponse.json(Self.body(instance, tenant: tenant), status: .created)
        }
        router.get("/api/v1/admin/instances/proof") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .admin, to: "proving control of a domain")
            guard let domain = request.uri.queryParameters.get("domain").flatMap({ InstanceDomain(String($0)) }) else {
                throw ModerationError.invalid("give ?domain=HOST (with :port for a non-default port)")
            }
            let (token, url) = proofs.expected(tenant: tenant, domain: domain)
            return try APIResponse.json(DomainProofBody(domain: domain.value, token: token, wellKnownURL: url))
        }
        router.get("/api/v1/admin/reason-templates") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .admin, to: "reading reason templates")
            return try APIResponse.json(ReasonTemplatesBody(templates: tenant.reasonTemplates))
        }
        router.put("/api/v1/admin/reason-templates") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            let body = try await APIBody.decode(ReasonTemplatesBody.self, from: request, context: context)
            let templates = try await administration.setReasonTemplates(body.templates, tenant: tenant, by: principal)
            return try APIResponse.json(ReasonTemplatesBody(templates: templates))
        }
        router.patch("/api/v1/admin/instances/:domain") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .admin, to: "changing an instance")
            let body = try await APIBody.decode(InstanceUpdateBody.self, from: request, context: context)
            let route = try body.decisionRoute.map { name in
                guard let route = DecisionRoute(rawValue: name) else { throw ModerationError.invalid("decision_route is activitypub or none") }
                return route
            }
            if body.mastodonAPIToken != nil && body.removeMastodonAPIToken == true {
                throw ModerationError.invalid("give mastodon_api_token or remove_mastodon_api_token, not both")
            }
            let change: Administration.TokenChange = body.removeMastodonAPIToken == true ? .remove : body.mastodonAPIToken.map { .set($0) } ?? .keep
            let instance = try await administration.updateInstance(
                domain: context.parameters.get("domain") ?? "", route: route, mastodonAPIToken: change, tenant: tenant, by: principal)
            return try APIResponse.json(Self.body(instance, tenant: tenant))
        }
        router.delete("/api/v1/admin/instances/:domain") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            try await administration.detachInstance(domain: context.parameters.get("domain") ?? "", tenant: tenant, by: principal)
            return Response(status: .noContent)
        }
        router.get("/api/v1/admin/moderators") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .admin, to: "listing moderators")
            let moderators = try await tenants.moderators(tenant: tenant.id)
            return try APIResponse.json(ListBody(items: moderators.map { ModeratorBody(name: $0.name, tenant: tenant.slug, role: $0.role.rawValue, createdBy: $0.createdBy) }))
        }
        router.post("/api/v1/admin/moderators") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .admin, to: "adding a moderator")
            let body = try await APIBody.decode(ModeratorBody.self, from: request, context: context)
            guard let role = Role(rawValue: body.role) else { throw ModerationError.invalid("role is triage, moderator or admin") }
            let (moderator, token) = try await administration.addModerator(name: body.name, role: role, tenant: tenant, by: principal)
            return try APIResponse.json(
                ModeratorBody(name: moderator.name, tenant: tenant.slug, role: moderator.role.rawValue, token: token.secret, tokenID: token.id),
                status: .created)
        }
        router.post("/api/v1/admin/moderators/:name/tokens") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            let name = context.parameters.get("name") ?? ""
            let token = try await administration.issueToken(to: name, tenant: tenant, by: principal)
            let role = try await tenants.moderators(tenant: tenant.id).first { $0.name == name }?.role.rawValue ?? ""
            return try APIResponse.json(
                ModeratorBody(name: name, tenant: tenant.slug, role: role, token: token.secret, tokenID: token.id), status: .created)
        }
        router.delete("/api/v1/admin/tokens/:token") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            _ = try await administration.revoke(context.parameters.get("token") ?? "", tenant: tenant, by: principal)
            return Response(status: .noContent)
        }
        router.post("/api/v1/admin/reporters/mute") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .admin, to: "muting a reporter")
            let body = try await APIBody.decode(ReporterRequest.self, from: request, context: context)
            try await administration.setReporterMuted(body.reporter, muted: true, tenant: tenant, by: principal)
            return Response(status: .noContent)
        }
        router.post("/api/v1/admin/reporters/unmute") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .admin, to: "unmuting a reporter")
            let body = try await APIBody.decode(ReporterRequest.self, from: request, context: context)
            try await administration.setReporterMuted(body.reporter, muted: false, tenant: tenant, by: principal)
            return Response(status: .noContent)
        }
        router.get("/api/v1/admin/audit/verify") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .admin, to: "verifying the audit log")
            let result = try await administration.verifyAudit(tenant: tenant)
            return try APIResponse.json(AuditVerification(ok: result.problems.isEmpty, rows: result.rows, problems: result.problems.map(\.description)))
        }
    }

    static func body(_ tenant: Tenant) -> TenantBody {
        TenantBody(
            slug: tenant.slug, name: tenant.name, defaultQueue: tenant.defaultQueue, unsolicitedQueue: tenant.unsolicitedQueue,
            approvalRequired: tenant.approvalRequired.sorted(), claimLeaseSeconds: Int(tenant.claimLease), slaSeconds: Int(tenant.sla),
            forwardReports: tenant.forwardReports, flagsFrom: tenant.flagsFrom.rawValue)
    }

    static func body(_ instance: AttachedInstance, tenant: Tenant) -> InstanceBody {
        InstanceBody(
            domain: instance.domain.value, tenant: tenant.slug, actor: instance.actorID, hasWebhookSecret: instance.webhookSecret != nil,
            decisionRoute: instance.decisionRoute.rawValue, inbox: instance.inbox, hasMastodonAPIToken: instance.mastodonAPIToken != nil)
    }
}
