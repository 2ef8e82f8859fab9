import Foundation
import HTTPTypes
import Hummingbird
import Moderation
import ModerationAPI
import NIOCore
import ServiceLifecycle

/// The moderation API the review TUI uses, under `/api/v1/moderation/` (DESIGN.md): queues, cases, claims,
/// decisions, approvals, notes, escalations, appeals, reversals, history, sanctions, and the live event stream.
/// Each route resolves the token's principal and tenant, calls one `CaseDesk` or store function, and encodes.
struct ModerationController {
    let access: ModerationAccess
    let desk: CaseDesk
    let cases: any CaseStore
    let outbox: any DecisionOutbox
    let changes: CaseChanges
    let now: @Sendable () -> Date
    /// Wakes the workers after failed deliveries were made due again.
    var retried: @Sendable () async -> Void = {}
    /// The queues a tenant's rules route to, by tenant slug (with the tenant's own queues and those cases are in, the
    /// queues an escalation may name without starting one).
    var ruleQueues: @Sendable (String) -> Set<String> = { _ in [] }
    /// A comment this often on every event stream (announced when it opens): the review UI counts 2 s of silence as a
    /// lost connection, four missed heartbeats.
    var heartbeat: Duration = .milliseconds(500)
    /// How often an open event stream checks that its token is still valid (a revoked token ends its streams).
    var revalidation: Duration = .seconds(5)
    /// The caps on open event streams.
    var streamSlots = EventStreamSlots()

    static let prefix = "/api/v1/moderation"

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        let group = router.group(RouterPath(stringLiteral: Self.prefix))
        group.get("me") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .triage, to: "reading one's own profile")
            return try APIResponse.json(MeBody(
                name: principal.moderator.name, role: principal.moderator.role.rawValue, tenant: tenant.slug, tenantName: tenant.name,
                approvalRequired: tenant.approvalRequired.sorted(), claimLeaseSeconds: Int(tenant.claimLease), reasonTemplates: tenant.reasonTemplates))
        }
        group.get("queues") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .triage, to: "reading queues")
            let queues = try await cases.queues(tenant: tenant.id, for: principal.moderator.name, at: now())
            return try APIResponse.json(QueueList(queues: queues.map {
                QueueBody(
                    name: $0.name, open: $0.open, oldestOpenAt: $0.oldestOpenAt, slaBreached: $0.slaBreached, claimedByMe: $0.claimedByMe,
                    awaitingApproval: $0.awaitingApproval)
            }))
        }
        group.post("queues/:queue/claim-next") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            let outcome = try await desk.claimNext(queue: context.parameters.get("queue") ?? "", tenant: tenant, as: principal)
            return try await answer(outcome, tenant: tenant)
        }
        group.get("cases") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .triage, to: "listing cases")
            var filter = try Self.filter(request.uri.queryParameters, now: now())
            if request.uri.queryParameters.get("claimed") == "me" {
                filter.claimed = nil
                filter.holder = principal.moderator.name
            }
            let date = now()
            let page = try await cases.cases(tenant: tenant.id, filter: filter, at: date)
            return try APIResponse.json(CaseList(
                cases: page.map { CaseSummaryBody($0, at: date) }, next: page.count == filter.limit ? page.last?.id : nil))
        }
        group.get("cases/:id") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .triage, to: "reading a case")
            let date = now()
            let caseID = try Self.caseID(context)
            let detail = try await cases.detail(of: caseID, tenant: tenant.id, at: date)
            let deliveries = try await outbox.decisionDeliveries(case: caseID, tenant: tenant.id)
            return try APIResponse.json(CaseDetailBody(detail, deliveries: deliveries, at: date))
        }
        group.get("cases/:id/deliveries") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .triage, to: "reading a case")
            let caseID = try Self.caseID(context)
            _ = try await cases.summary(of: caseID, tenant: tenant.id, at: now())
            let deliveries = try await outbox.decisionDeliveries(case: caseID, tenant: tenant.id)
            return try APIResponse.json(DeliveryList(deliveries: deliveries.map(DecisionDeliveryBody.init)))
        }
        group.post("cases/:id/deliveries/retry") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .moderator, to: "retrying a decision's deliveries")
            let caseID = try Self.caseID(context)
            _ = try await cases.summary(of: caseID, tenant: tenant.id, at: now())
            let requeued = try await outbox.retryDecisionDeliveries(case: caseID, tenant: tenant.id, at: now())
            await retried()
            return try APIResponse.json(RetryBody(requeued: requeued))
        }
        group.get("cases/:id/history") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .triage, to: "reading a case")
            let history = try await cases.history(of: try Self.caseID(context), tenant: tenant.id)
            return try APIResponse.json(HistoryList(history: history.map(HistoryEntryBody.init)))
        }
        group.post("cases/:id/claim") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            return try await answer(try await desk.claim(try Self.caseID(context), tenant: tenant, as: principal), tenant: tenant)
        }
        group.post("cases/:id/renew") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            return try await answer(try await desk.renew(try Self.caseID(context), tenant: tenant, as: principal), tenant: tenant)
        }
        group.post("cases/:id/release") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            return try await answer(try await desk.release(try Self.caseID(context), tenant: tenant, as: principal), tenant: tenant)
        }
        group.post("cases/:id/decisions") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            let caseID = try Self.caseID(context)
            try CaseDesk.require(principal, .moderator, to: "deciding a case")
            let body = try await APIBody.decode(DecisionRequest.self, from: request, context: context)
            let actions = try body.requestedActions.map { try $0.action() }
            guard !actions.isEmpty else { throw ModerationError.invalid("give \"action\" (or \"actions\")") }
            guard body.reason.count <= 5_000 else { throw ModerationError.invalid("the reason is longer than 5,000 characters") }
            let outcome = try await desk.decide(
                caseID, actions: actions, reason: body.reason, category: body.category, ruleIDs: body.ruleIDs ?? [], expiresAt: body.expiresAt,
                tenant: tenant, as: principal)
            return try await answer(outcome, tenant: tenant, status: .created)
        }
        group.post("cases/:id/decisions/:decision/approve") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            let outcome = try await desk.approve(try Self.caseID(context), decision: try Self.decisionID(context), tenant: tenant, as: principal)
            return try await answer(outcome, tenant: tenant)
        }
        group.post("cases/:id/decisions/:decision/reject") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            let caseID = try Self.caseID(context)
            try CaseDesk.require(principal, .moderator, to: "rejecting a proposed decision")
            let body = try await APIBody.decode(ReasonRequest.self, from: request, context: context)
            let outcome = try await desk.reject(caseID, decision: try Self.decisionID(context), reason: body.reason, tenant: tenant, as: principal)
            return try await answer(outcome, tenant: tenant)
        }
        group.post("cases/:id/notes") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            let caseID = try Self.caseID(context)
            try CaseDesk.require(principal, .triage, to: "adding a note")
            let body = try await APIBody.decode(NoteRequest.self, from: request, context: context)
            return try await answer(try await desk.note(caseID, text: body.text, tenant: tenant, as: principal), tenant: tenant, status: .created)
        }
        group.post("cases/:id/escalate") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            let caseID = try Self.caseID(context)
            try CaseDesk.require(principal, .triage, to: "escalating a case")
            let body = try await APIBody.decode(EscalateRequest.self, from: request, context: context)
            if let queue = body.queue, Tenant.validQueue(queue) == nil {
                throw ModerationError.invalid("a queue name is 1–60 lower-case letters, digits, '-', '_' or '.'")
            }
            var role: Role?
            if let name = body.role {
                guard let parsed = Role(rawValue: name), parsed != .operator else {
                    throw ModerationError.invalid("role is triage, moderator or admin")
                }
                role = parsed
            }
            guard body.queue != nil || role != nil else { throw ModerationError.invalid("give \"queue\", \"role\", or both") }
            // The note is checked before anything changes: a refused note never leaves the case escalated.
            let note = body.note.flatMap { $0.isEmpty ? nil : $0 }
            if let note {
                guard !note.allSatisfy(\.isWhitespace) else { throw ModerationError.invalid("the note is blank: leave it out, or write one") }
                try CaseDesk.checkNote(note)
            }
            var known = ruleQueues(tenant.slug).union([tenant.defaultQueue])
            if let unsolicited = tenant.unsolicitedQueue { known.insert(unsolicited) }
            // The queue overview reads every open case: only for a queue neither the rules nor the tenant name.
            if let queue = body.queue, !known.contains(queue) {
                known.formUnion(try await cases.queues(tenant: tenant.id, for: principal.moderator.name, at: now()).map(\.name))
            }
            let escalated = try await desk.escalate(
                caseID, queue: body.queue, role: role, tenant: tenant, as: principal, knownQueues: known, newQueue: body.newQueue ?? false)
            if let note { _ = try await desk.note(caseID, text: note, tenant: tenant, as: principal) }
            return try await answer(escalated, tenant: tenant)
        }
        group.post("cases/:id/close") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            return try await answer(try await desk.close(try Self.caseID(context), tenant: tenant, as: principal), tenant: tenant)
        }
        group.post("cases/:id/appeal") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            let caseID = try Self.caseID(context)
            try CaseDesk.require(principal, .moderator, to: "recording an appeal")
            let body = try await APIBody.decode(ReasonRequest.self, from: request, context: context)
            return try await answer(try await desk.appeal(caseID, statement: body.reason, tenant: tenant, as: principal), tenant: tenant)
        }
        group.post("cases/:id/reverse") { request, context in
            let (principal, tenant) = try await access.resolve(request)
            let caseID = try Self.caseID(context)
            try CaseDesk.require(principal, .moderator, to: "reversing a decision")
            let body = try await APIBody.decode(ReasonRequest.self, from: request, context: context)
            return try await answer(try await desk.reverse(caseID, reason: body.reason, tenant: tenant, as: principal), tenant: tenant)
        }
        group.get("sanctions") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .triage, to: "reading sanctions")
            let sanctions = try await cases.activeSanctions(tenant: tenant.id, target: request.uri.queryParameters.get("target"), at: now())
            return try APIResponse.json(SanctionList(sanctions: sanctions.map(SanctionBody.init)))
        }
        group.get("events") { request, _ in
            let (principal, tenant) = try await access.resolve(request)
            try CaseDesk.require(principal, .triage, to: "following events")
            let slot = ModeratorToken.hash(request.headers[.authorization] ?? "")
            guard await streamSlots.take(slot) else {
                throw APIError(
                    .tooManyRequests, code: "too_many_streams",
                    message: "too many event streams are open (at most \(streamSlots.perToken) per token); close one first")
            }
            return eventStream(tenant: tenant.id, slot: slot) { [access] in
                guard let current = try? await access.principal(request) else { return false }
                return current.moderator.id == principal.moderator.id && current.moderator.role == principal.moderator.role
            }
        }
    }

    /// `text/event-stream`: one `event: case` per change of the tenant's cases, and a comment every `heartbeat` so
    /// proxies keep the connection and the client notices a dead one.
    /// The stream ends when `stillAllowed` answers false (its token was revoked), and gives back its slot.
    private func eventStream(tenant: TenantID, slot: String, stillAllowed: @escaping @Sendable () async -> Bool) -> Response {
        let stream = changes.subscribe(tenant: tenant)
        let heartbeat = self.heartbeat
        let revalidation = self.revalidation
        let slots = streamSlots
        let body = ResponseBody { writer in
            defer { Task { await slots.give(slot) } }
            let (lines, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1_000))
            let forward = Task {
                for await change in stream {
                    let data = (try? JSONEncoder.moderationAPI.encode(CaseChangeEvent(change))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                    continuation.yield("id: \(change.sequence)\nevent: case\ndata: \(data)\n\n")
                }
                continuation.finish()
            }
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    continuation.yield(": heartbeat\n\n")
                }
            }
            let guardToken = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: revalidation)
                    if Task.isCancelled { break }
                    if await !stillAllowed() {
                        continuation.yield("event: revoked\ndata: {\"error\":\"the token was revoked\"}\n\n")
                        continuation.finish()
                        break
                    }
                }
            }
            defer {
                forward.cancel()
                beat.cancel()
                guardToken.cancel()
                continuation.finish()
            }
            // The interval is announced, so a client knows how long a silence may last (an older server sent none).
            let interval = heartbeat.components.seconds * 1000 + heartbeat.components.attoseconds / 1_000_000_000_000_000
            try await writer.write(ByteBuffer(string: ": connected\n: heartbeat every \(interval) ms\n\n"))
            try await withGracefulShutdownHandler {
                for await line in lines {
                    try await writer.write(ByteBuffer(string: line))
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            // A buffering proxy (nginx's default) would hold the heartbeats back and the stream would look dead.
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body)
    }

    private func answer(_ outcome: TransitionOutcome, tenant: Tenant, status: HTTPResponse.Status = .ok) async throws -> Response {
        let date = now()
        let summary = try await cases.summary(of: outcome.caseID, tenant: tenant.id, at: date)
        return try APIResponse.json(
            TransitionBody(case: CaseSummaryBody(summary, at: date), decisionID: outcome.decisionID, auditSequence: outcome.audit.sequence),
            status: status)
    }

    static func caseID(_ context: PalisadeRequestContext) throws -> CaseID {
        let text = context.parameters.get("id") ?? ""
        guard let id = CaseID(text), id > 0 else { throw ModerationError.noSuchCase(0) }
        return id
    }

    static func decisionID(_ context: PalisadeRequestContext) throws -> Int64 {
        let text = context.parameters.get("decision") ?? ""
        guard let id = Int64(text), id > 0 else { throw ModerationError.noSuchDecision(0) }
        return id
    }

    /// `?queue=&state=open,escalated&sort=priority|age|newest&priority_min=&older_than=SECONDS&sla_breached=true&claimed=true|false|me&account=&q=&limit=&after=`.
    static func filter(_ query: Parameters, now: Date) throws -> CaseFilter {
        var filter = CaseFilter()
        if let states = query.get("state") {
            do {
                try filter.states(states)
            } catch {
                throw APIError(.badRequest, code: "malformed", message: error.description)
            }
        }
        filter.queue = query.get("queue")
        filter.account = query.get("account")
        if let text = query.get("q") {
            guard let search = CaseSearch(text) else {
                throw APIError(.badRequest, code: "malformed", message: "q is 1–300 characters: a case number, a handle, an account URL or a domain")
            }
            filter.search = search
        }
        if let sort = query.get("sort") {
            guard let parsed = CaseFilter.Sort(rawValue: sort) else {
                throw APIError(.badRequest, code: "malformed", message: "sort is priority, age or newest")
            }
            filter.sort = parsed
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = query.get(name) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw APIError(.badRequest, code: "malformed", message: "\(name) is a whole number in \(range.lowerBound)…\(range.upperBound)")
            }
            return value
        }
        func boolean(_ name: String) throws -> Bool? {
            switch query.get(name) {
            case nil: return nil
            case "true": return true
            case "false": return false
            default: throw APIError(.badRequest, code: "malformed", message: "\(name) is true or false")
            }
        }
        filter.minimumPriority = try integer("priority_min", 0...100)
        if let seconds = try integer("older_than", 0...Int(Int32.max)) { filter.createdBefore = now.addingTimeInterval(-Double(seconds)) }
        filter.slaBreached = try boolean("sla_breached")
        if query.get("claimed") != "me", let claimed = try boolean("claimed") { filter.claimed = claimed }
        filter.limit = try integer("limit", 1...1000) ?? 100
        filter.after = try integer("after", 1...Int.max).map(Int64.init)
        return filter
    }
}
