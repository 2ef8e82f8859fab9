import ActivityStreams
import Federation
import Foundation
import Logging
import Moderation
import ServiceLifecycle

/// Turns the decision outbox into queued work: for each due dispatch it resolves the recipients' addresses (instance
/// inboxes, the offender's server, defederated domains' instance actors), plans the activities and admin-API jobs
/// (`DecisionActivities`, pure) and stores them with their tracking in one transaction. A dispatch whose recipients
/// cannot be resolved waits and is tried again with backoff; after `maximumAttempts` it goes out to those that could be.
struct DecisionDispatcher: Service {
    let outbox: any DecisionOutbox
    let activities: DecisionActivities
    let directory: RemoteKeyDirectory
    let logger: Logger
    let now: @Sendable () -> Date
    /// Rung by transitions that put decisions in force or lift them.
    var doorbell = Doorbell()
    /// Rung when deliveries were queued (the delivery worker's).
    var deliveries: Doorbell?
    /// Rung when admin-API jobs were queued (the enforcer's).
    var enforcement: Doorbell?
    var interval: Duration = .seconds(1)
    var maximumAttempts = 8
    var domainLookupLimit: Duration = .seconds(3)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let done = await dispatchDue()
            if done > 0 { continue }
            await cancelWhenGracefulShutdown { await doorbell.wait(upTo: interval) }
        }
    }

    /// Plans and stores every due dispatch; returns how many were completed.
    @discardableResult
    func dispatchDue() async -> Int {
        let contexts: [DispatchContext]
        do {
            contexts = try await outbox.pendingDispatches(at: now(), limit: 32)
        } catch {
            logger.error("reading the decision outbox failed", metadata: ["error": .string(String(describing: error))])
            return 0
        }
        var completed = 0
        for context in contexts {
            let (resolved, problems) = await resolve(activities.needs(context))
            let dispatch = context.dispatch
            if !problems.isEmpty && dispatch.attempts + 1 < maximumAttempts {
                let delay = min(30 * pow(2, Double(dispatch.attempts)), 3600)
                let error = problems.joined(separator: "; ")
                logger.warning(
                    "decision waits for its recipients", metadata: ["decision": .stringConvertible(dispatch.decisionID), "error": .string(error)])
                do {
                    try await outbox.postponeDispatch(dispatch.id, error: error, until: now().addingTimeInterval(delay))
                } catch {
                    logger.error("postponing a decision failed; it is tried again at once", metadata: ["error": .string(String(describing: error))])
                }
                continue
            }
            let plan = activities.plan(context, resolved: resolved)
            do {
                try await outbox.completeDispatch(dispatch.id, plan: plan, resolvedInboxes: resolved.instanceInboxes, at: now())
                completed += 1
                if plan.contains(where: { $0.delivery != nil }) { await deliveries?.ring() }
                if plan.contains(where: { $0.operation != nil }) { await enforcement?.ring() }
                logger.info(
                    "decision dispatched",
                    metadata: [
                        "decision": .stringConvertible(dispatch.decisionID), "kind": .string(dispatch.kind.rawValue),
                        "deliveries": .stringConvertible(plan.count),
                        "unreached": .string(problems.joined(separator: "; ")),
                    ])
            } catch {
                logger.error("storing a decision's deliveries failed", metadata: ["decision": .stringConvertible(dispatch.decisionID), "error": .string(String(describing: error))])
            }
        }
        return completed
    }

    /// Resolves what planning needs, all lookups at once; what cannot be found is left out and named. A defederated
    /// domain's instance actor is worth at most `domainLookupLimit`: without it the Block names `https://DOMAIN/actor`.
    private func resolve(_ needs: DecisionActivities.Needs) async -> (DecisionActivities.Resolved, [String]) {
        enum Found: Sendable {
            case instance(domain: String, inbox: String?, problem: String?)
            case offender(inbox: String?, problem: String?)
            case domain(String, actor: String?)
        }
        let directory = self.directory
        let limit = domainLookupLimit
        var resolved = DecisionActivities.Resolved()
        var problems: [String] = []
        await withTaskGroup(of: Found.self) { group in
            for (domain, actorID) in needs.instanceActors {
                group.addTask {
                    do {
                        let actor = try await directory.actor(actorID)
                        guard let inbox = actor.sharedInbox ?? actor.inbox else { return .instance(domain: domain, inbox: nil, problem: "the inbox of \(domain) (its actor has none)") }
                        return .instance(domain: domain, inbox: inbox, problem: nil)
                    } catch {
                        return .instance(domain: domain, inbox: nil, problem: "the inbox of \(domain) (\(error))")
                    }
                }
            }
            if let offender = needs.offender {
                group.addTask {
                    do {
                        let actor = try await directory.actor(offender)
                        return .offender(inbox: actor.sharedInbox ?? actor.inbox, problem: nil)
                    } catch {
                        return .offender(inbox: nil, problem: "the inbox of \(offender)'s server (\(error))")
                    }
                }
            }
            for domain in needs.domains {
                group.addTask {
                    // Mastodon and GoToSocial publish their instance actor as acct:DOMAIN@DOMAIN.
                    let lookup = Task { try? await directory.actor(account: "\(domain)@\(domain)").id }
                    let timer = Task {
                        try? await Task.sleep(for: limit)
                        lookup.cancel()
                    }
                    let actor = await lookup.value
                    timer.cancel()
                    return .domain(domain, actor: actor)
                }
            }
            for await found in group {
                switch found {
                case .instance(let domain, let inbox, let problem):
                    if let inbox { resolved.instanceInboxes[domain] = inbox }
                    if let problem { problems.append(problem) }
                case .offender(let inbox, let problem):
                    resolved.offenderInbox = inbox
                    if let problem { problems.append(problem) }
                case .domain(let domain, let actor):
                    resolved.domainActors[domain] = actor
                }
            }
        }
        return (resolved, problems.sorted())
    }
}
