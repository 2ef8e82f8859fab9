import Foundation
import Hummingbird
import Logging
import ActivityStreams
import Moderation
import Rules

/// `POST /hooks/mastodon/{domain}`: Mastodon's admin webhooks from an attached instance. The HMAC is checked before
/// anything is read; reports are recorded (a replay is answered 200 and changes nothing); statuses and accounts go
/// through the tenant's rules. The item is stored before the answer, so an acknowledged delivery is never lost.
struct MastodonWebhookController {
    let tenants: any TenantDirectory
    let intake: Intake
    let now: @Sendable () -> Date

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.post("/hooks/mastodon/:domain") { request, context in
            let domainText = context.parameters.get("domain") ?? ""
            guard let domain = InstanceDomain(domainText), let instance = try await tenants.instance(domain: domain),
                let tenant = try await tenants.tenant(id: instance.tenantID)
            else { throw APIError.notFound("no attached instance '\(domainText.prefix(100))'") }
            guard let secret = instance.webhookSecret else {
                throw APIError.notFound("the instance '\(domain.value)' has no webhook secret: palisade admin instances add … --webhook-secret")
            }
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let body = Data(buffer.readableBytesView)
            do throws(WebhookError) {
                try MastodonWebhook.verify(body: body, signature: request.headers[.init("X-Hub-Signature")!], secret: secret)
            } catch {
                context.logger.notice("webhook refused", metadata: ["instance": .string(domain.value), "why": .string(error.description)])
                throw APIError(.unauthorized, code: "bad_signature", message: error.description)
            }
            let event: MastodonWebhook.Event
            do throws(WebhookError) {
                event = try MastodonWebhook.parse(body, domain: domain, now: now())
            } catch {
                throw APIError(.badRequest, code: "malformed", message: error.description)
            }
            let result: IntakeResult
            switch event {
            case .report(let report):
                result = try await intake.receive(report: report, tenant: tenant)
            case .screen(let subject, let subjectID, let account):
                let evidence = subject.kind == .activity ? ReportedStatus(subject: subject, id: subjectID) : nil
                result = try await intake.screen(subject, subjectID: subjectID, account: account, evidence: evidence, tenant: tenant)
            case .ignored(let name):
                return try JSONResponse.json(.object(["result": .string("ignored"), "event": .string(name)]), contentType: "application/json; charset=utf-8")
            }
            return try JSONResponse.json(.object(Self.describe(result)), contentType: "application/json; charset=utf-8")
        }
    }

    static func describe(_ result: IntakeResult) -> [String: JSONValue] {
        switch result {
        case .recorded(let caseID, let newCase): return ["result": .string(newCase ? "case_opened" : "case_updated"), "case_id": .number(Double(caseID))]
        case .duplicate(let caseID): return ["result": .string("duplicate"), "case_id": caseID.map { .number(Double($0)) } ?? .null]
        case .mutedReporter: return ["result": .string("reporter_muted")]
        case .nothing: return ["result": .string("no_rule_hit")]
        }
    }
}
