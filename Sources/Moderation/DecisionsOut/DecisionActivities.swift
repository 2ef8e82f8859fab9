import ActivityStreams
import Federation
import Foundation

/// The JSON-LD extension decision activities carry, and the context document Palisade serves for it.
public enum ModerationVocabulary {
    /// Where the context document is served.
    public static let contextPath = "/ns/moderation/v1.jsonld"

    /// The context document's URL on the service at `baseURL`.
    public static func contextURL(baseURL: URL) -> String { baseURL.absoluteString + contextPath }

    /// The context document: each extension term mapped to an IRI under `…/ns/moderation#`.
    public static func document(baseURL: URL) -> JSONValue {
        let vocabulary = baseURL.absoluteString + "/ns/moderation#"
        return .object([
            "@context": .object([
                "pal": .string(vocabulary),
                "xsd": .string("http://www.w3.org/2001/XMLSchema#"),
                "decision": .string("pal:decision"),
                "severity": .string("pal:severity"),
                "category": .string("pal:category"),
                "ruleIds": .object(["@id": .string("pal:ruleIds"), "@container": .string("@set")]),
                "expires": .object(["@id": .string("pal:expires"), "@type": .string("xsd:dateTime")]),
                "case": .object(["@id": .string("pal:case"), "@type": .string("@id")]),
            ])
        ])
    }
}

/// Plans what a decision sends (pure): for an `apply`, a `Flag` to each attached instance that takes ActivityPub, a
/// `Block` of the account (suspension) or of a defederated domain's instance actor, a forwarded `Flag` to the
/// offender's server when the tenant forwards reports, and admin-API jobs for instances that granted a token; for a
/// `lift`, an `Undo` of each `Block` sent and a `Flag` saying so, to each recipient of the `apply`, and the reversal of
/// each admin-API job. Activity ids are derived from the decision, so planning twice gives the same bytes.
public struct DecisionActivities: Sendable {
    /// Recipients' addresses, resolved (I/O) before planning.
    public struct Resolved: Sendable, Equatable {
        /// Inboxes of attached instances, by domain.
        public var instanceInboxes: [String: String]
        /// The offender's server: its domain and inbox, when a forward is planned and it was found.
        public var offenderInbox: String?
        /// Instance actors of defederated domains, by domain.
        public var domainActors: [String: String]

        /// Makes a value.
        public init(instanceInboxes: [String: String] = [:], offenderInbox: String? = nil, domainActors: [String: String] = [:]) {
            self.instanceInboxes = instanceInboxes
            self.offenderInbox = offenderInbox
            self.domainActors = domainActors
        }
    }

    /// What has to be resolved before a context can be planned.
    public struct Needs: Sendable {
        /// Instances (domain, actor id) whose inbox is not known yet.
        public var instanceActors: [(domain: String, actorID: String)]
        /// The offender's account, when its server's inbox is needed for a forward.
        public var offender: String?
        /// Defederated domains whose instance actor is needed for a `Block`.
        public var domains: [String]
    }

    /// Mastodon keeps the first 5,000 characters of a report's comment; the text stays under that.
    public static let contentLimit = 4_900

    /// The service's public URL.
    public let baseURL: URL

    /// A planner for the service at `baseURL`.
    public init(baseURL: URL) {
        self.baseURL = baseURL
    }

    private var actorID: String { LocalActor.service.id(baseURL: baseURL) }

    /// What `plan` needs resolved for `context`.
    public func needs(_ context: DispatchContext) -> Needs {
        guard context.dispatch.kind == .apply else { return Needs(instanceActors: [], offender: nil, domains: []) }
        let instances = context.instances.filter { $0.decisionRoute == .activitypub && $0.inbox == nil && $0.actorID != actorID }
            .map { ($0.domain.value, $0.actorID) }
        return Needs(instanceActors: instances, offender: forwards(context) ? context.account : nil, domains: blockedDomains(context.decision))
    }

    /// Plans the deliveries of the context, with the resolved addresses; an instance whose inbox is unknown is skipped.
    public func plan(_ context: DispatchContext, resolved: Resolved) -> [PlannedDelivery] {
        switch context.dispatch.kind {
        case .apply: return planApply(context, resolved: resolved)
        case .lift: return planLift(context)
        }
    }

    private func planApply(_ context: DispatchContext, resolved: Resolved) -> [PlannedDelivery] {
        let decisionID = context.dispatch.decisionID
        let decision = context.decision
        var blocks: [(id: String, body: JSONValue)] = []
        if decision.actions.contains(.suspend) {
            blocks.append(block(id: decisionURL(decisionID) + "/blocks/account", object: context.account, context: context))
        }
        for domain in blockedDomains(decision) {
            let target = resolved.domainActors[domain] ?? "https://\(domain)/actor"
            blocks.append(block(id: decisionURL(decisionID) + "/blocks/" + domain, object: target, context: context))
        }
        // What every instance gets alike is built once: the Blocks' bytes, the Flag's words.
        let blockBodies = blocks.map { ($0.id, $0.body.serialized()) }
        let content = applyText(context, forwarded: false)
        var planned: [PlannedDelivery] = []
        for instance in context.instances {
            let domain = instance.domain.value
            // An instance that is Palisade itself (attached by its own domain) is not sent its own decisions.
            if instance.decisionRoute == .activitypub, instance.actorID != actorID, let inbox = instance.inbox ?? resolved.instanceInboxes[domain] {
                let flagID = decisionURL(decisionID) + "/flags/" + domain
                let body = flag(id: flagID, to: instance.actorID, content: content, context: context, forwarded: false)
                planned.append(PlannedDelivery(instance: domain, kind: .flag, delivery: Delivery(activityID: flagID, sender: .service, inbox: inbox, body: body.serialized())))
                for (id, body) in blockBodies {
                    planned.append(PlannedDelivery(instance: domain, kind: .block, delivery: Delivery(activityID: id, sender: .service, inbox: inbox, body: body)))
                }
            }
            if instance.mastodonAPIToken != nil, let enforcement = enforcement(context, instance: instance) {
                planned.append(PlannedDelivery(instance: domain, kind: .enforce, operation: .apply(enforcement)))
            }
        }
        if forwards(context), let inbox = resolved.offenderInbox, let domain = Self.host(context.account) {
            let flagID = decisionURL(decisionID) + "/flags/" + domain
            let body = flag(id: flagID, to: context.account, content: applyText(context, forwarded: true), context: context, forwarded: true)
            planned.append(PlannedDelivery(
                instance: domain, kind: .forwardedFlag, delivery: Delivery(activityID: flagID, sender: .service, inbox: inbox, body: body.serialized())))
        }
        return planned
    }

    private func planLift(_ context: DispatchContext) -> [PlannedDelivery] {
        let decisionID = context.dispatch.decisionID
        var planned: [PlannedDelivery] = []
        var flagged: Set<String> = []
        for sent in context.applied {
            switch sent.kind {
            case .block:
                guard let blockID = sent.activityID, let inbox = sent.inbox, let body = sent.body,
                    case .object(var block)? = try? JSONDecoder().decode(JSONValue.self, from: body)
                else { continue }
                block["@context"] = nil
                let undoID = blockID + "/undo"
                let undo: JSONValue = .object([
                    "@context": Self.context(baseURL),
                    "id": .string(undoID),
                    "type": .string("Undo"),
                    "actor": .string(actorID),
                    "object": .object(block),
                    "to": block["to"] ?? .null,
                ])
                planned.append(PlannedDelivery(
                    instance: sent.instance, kind: .undoBlock, delivery: Delivery(activityID: undoID, sender: .service, inbox: inbox, body: undo.serialized())))
            case .flag, .forwardedFlag:
                guard let inbox = sent.inbox, flagged.insert(sent.instance).inserted else { continue }
                let forwarded = sent.kind == .forwardedFlag
                let flagID = decisionURL(decisionID) + "/lifted/flags/" + sent.instance
                let to = forwarded ? context.account : (context.instances.first { $0.domain.value == sent.instance }?.actorID ?? context.account)
                let body = flag(id: flagID, to: to, content: liftText(context, forwarded: forwarded), context: context, forwarded: forwarded, lifted: true)
                planned.append(PlannedDelivery(
                    instance: sent.instance, kind: sent.kind, delivery: Delivery(activityID: flagID, sender: .service, inbox: inbox, body: body.serialized())))
            case .enforce:
                guard let job = sent.jobID else { continue }
                planned.append(PlannedDelivery(instance: sent.instance, kind: .reverse, operation: .reverse(ofJob: job)))
            case .undoBlock, .reverse, .dispatch:
                continue
            }
        }
        return planned
    }

    // MARK: Activities

    private func flag(id: String, to: String, content: String, context: DispatchContext, forwarded: Bool, lifted: Bool = false) -> JSONValue {
        var object: [String: JSONValue] = [
            "@context": Self.context(baseURL),
            "id": .string(id),
            "type": .string("Flag"),
            "actor": .string(actorID),
            "content": .string(content),
            "object": .array(([context.account] + context.statuses).map(JSONValue.string)),
            "to": .string(to),
        ]
        extensionFields(context, forwarded: forwarded, lifted: lifted).forEach { object[$0.key] = $0.value }
        return .object(object)
    }

    private func block(id: String, object target: String, context: DispatchContext) -> (id: String, body: JSONValue) {
        var object: [String: JSONValue] = [
            "@context": Self.context(baseURL),
            "id": .string(id),
            "type": .string("Block"),
            "actor": .string(actorID),
            "object": .string(target),
            "to": .string(target),
        ]
        extensionFields(context, forwarded: false, lifted: false).forEach { object[$0.key] = $0.value }
        return (id, .object(object))
    }

    private func extensionFields(_ context: DispatchContext, forwarded: Bool, lifted: Bool) -> [String: JSONValue] {
        let decision = context.decision
        var fields: [String: JSONValue] = [
            "decision": .string(lifted ? "lifted" : Self.strongest(decision)?.name ?? "dismiss"),
            "severity": .string(Self.severity(decision)),
            "ruleIds": .array(decision.ruleIDs.map(JSONValue.string)),
        ]
        fields["category"] = .string(decision.category ?? Decision.defaultCategory)
        if let expires = decision.expiresAt, !lifted { fields["expires"] = .string(expires.formatted(.iso8601)) }
        if !forwarded { fields["case"] = .string(caseURL(context.dispatch.caseID)) }
        return fields
    }

    static func context(_ baseURL: URL) -> JSONValue {
        .array([.string("https://www.w3.org/ns/activitystreams"), .string(ModerationVocabulary.contextURL(baseURL: baseURL))])
    }

    // MARK: Words

    /// The decision in plain words, as an instance's admins read it in their report; `forwarded` leaves out the
    /// reason (it may name reporters, and the offender's server is not the tenant's). No link: the case's page is the
    /// tenant's moderation API, which a remote admin cannot open; the case number is theirs to quote.
    func applyText(_ context: DispatchContext, forwarded: Bool) -> String {
        let decision = context.decision
        var lines = ["Moderation decision by \(context.tenant.name) (Palisade case \(context.dispatch.caseID)): \(Self.describe(decision, account: context.account))."]
        lines.append("Category: \(decision.category ?? Decision.defaultCategory).")
        if !decision.ruleIDs.isEmpty { lines.append("Rules: \(decision.ruleIDs.joined(separator: ", ")).") }
        lines.append(decision.expiresAt.map { "Until: \($0.formatted(.iso8601))." } ?? "Until: reversed.")
        if !forwarded { lines.append("Reason: \(decision.reason)") }
        return Self.clipped(lines.joined(separator: "\n"))
    }

    func liftText(_ context: DispatchContext, forwarded: Bool) -> String {
        var lines = [
            "Moderation decision lifted by \(context.tenant.name) (Palisade case \(context.dispatch.caseID)): "
                + "\(Self.describe(context.decision, account: context.account)) no longer applies."
        ]
        lines.append("Why: \(forwarded ? Self.liftKind(context.dispatch.reason) : context.dispatch.reason)")
        return Self.clipped(lines.joined(separator: "\n"))
    }

    static func describe(_ decision: Decision, account: String) -> String {
        let phrases = decision.actions.compactMap { action -> String? in
            switch action {
            case .dismiss: return nil
            case .markSensitive: return "mark the media of \(account) sensitive"
            case .silence: return "silence \(account)"
            case .suspend: return "suspend \(account)"
            case .defederate(let domain, let severity, let rejectMedia, let rejectReports):
                var extras: [String] = []
                if rejectMedia { extras.append("rejecting its media") }
                if rejectReports { extras.append("rejecting its reports") }
                return "defederate \(domain) (\(severity.rawValue)\(extras.isEmpty ? "" : ", " + extras.joined(separator: ", ")))"
            }
        }
        return phrases.isEmpty ? "no action against \(account)" : phrases.joined(separator: "; ")
    }

    /// The public part of a lift's reason: `reversed on appeal`, `expired`, … without the moderator's words.
    static func liftKind(_ reason: String) -> String {
        reason.split(separator: ":", maxSplits: 1).first.map(String.init) ?? reason
    }

    static func clipped(_ text: String) -> String {
        text.count <= contentLimit ? text : String(text.prefix(contentLimit - 1)) + "…"
    }

    /// The strongest action of the decision.
    static func strongest(_ decision: Decision) -> DecisionAction? {
        decision.actions.max { DecisionAction.names.firstIndex(of: $0.name)! < DecisionAction.names.firstIndex(of: $1.name)! }
    }

    /// `sensitive`, `silence` or `suspend` (a defederation: its severity), or `none`.
    static func severity(_ decision: Decision) -> String {
        var ranks: [String] = []
        for action in decision.actions {
            switch action {
            case .dismiss: continue
            case .markSensitive: ranks.append("sensitive")
            case .silence: ranks.append("silence")
            case .suspend: ranks.append("suspend")
            case .defederate(_, let severity, _, _): ranks.append(severity.rawValue)
            }
        }
        return ["suspend", "silence", "sensitive"].first(where: ranks.contains) ?? "none"
    }

    // MARK: Admin API

    private func enforcement(_ context: DispatchContext, instance: AttachedInstance) -> MastodonEnforcement? {
        var accountActions: [String] = []
        var domainBlocks: [DomainBlockRequest] = []
        for action in context.decision.actions {
            switch action {
            case .dismiss: continue
            case .markSensitive: accountActions.append("sensitive")
            case .silence: accountActions.append("silence")
            case .suspend: accountActions.append("suspend")
            case .defederate(let domain, let severity, let rejectMedia, let rejectReports):
                domainBlocks.append(DomainBlockRequest(
                    domain: domain, severity: severity.rawValue, rejectMedia: rejectMedia, rejectReports: rejectReports,
                    publicComment: context.decision.category.map { "category: \($0)" } ?? ""))
            }
        }
        guard !accountActions.isEmpty || !domainBlocks.isEmpty else { return nil }
        return MastodonEnforcement(
            account: context.account, accountActions: accountActions, domainBlocks: domainBlocks,
            reportIDs: context.webhookReports[instance.domain.value] ?? [], text: applyText(context, forwarded: false))
    }

    // MARK: Helpers

    private func forwards(_ context: DispatchContext) -> Bool {
        guard context.tenant.forwardReports, let host = Self.host(context.account),
            context.decision.actions.contains(where: { [.markSensitive, .silence, .suspend].contains($0) })
        else { return false }
        return !context.instances.contains { $0.domain.value == host }
    }

    private func blockedDomains(_ decision: Decision) -> [String] {
        decision.actions.compactMap {
            if case .defederate(let domain, .suspend, _, _) = $0 { return domain }
            return nil
        }
    }

    private func decisionURL(_ id: Int64) -> String { baseURL.absoluteString + "/decisions/\(id)" }

    private func caseURL(_ id: CaseID) -> String { baseURL.absoluteString + "/api/v1/moderation/cases/\(id)" }

    /// `host[:port]` of a URL.
    static func host(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased(), !host.isEmpty else { return nil }
        return components.port.map { "\(host):\($0)" } ?? host
    }
}
