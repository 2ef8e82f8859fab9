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
    var interval: Duration = .milliseconds(200)
    var maximumAttempts = 8

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let done = await dispatchDue()
            if done > 0 { continue }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
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
                try? await outbox.postponeDispatch(dispatch.id, error: error, until: now().addingTimeInterval(delay), at: now())
                continue
            }
            let plan = activities.plan(context, resolved: resolved)
            do {
                try await outbox.completeDispatch(dispatch.id, plan: plan, resolvedInboxes: resolved.instanceInboxes, at: now())
                completed += 1
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

    /// Resolves what planning needs; what cannot be found is left out and named.
    private func resolve(_ needs: DecisionActivities.Needs) async -> (DecisionActivities.Resolved, [String]) {
        var resolved = DecisionActivities.Resolved()
        var problems: [String] = []
        for (domain, actorID) in needs.instanceActors {
            do {
                let actor = try await directory.actor(actorID)
                guard let inbox = actor.sharedInbox ?? actor.inbox else { throw RemoteFetchError.unreadable(url: actorID, detail: "the actor has no inbox") }
                resolved.instanceInboxes[domain] = inbox
            } catch {
                problems.append("the inbox of \(domain) (\(error))")
            }
        }
        if let offender = needs.offender {
            do {
                let actor = try await directory.actor(offender)
                resolved.offenderInbox = actor.sharedInbox ?? actor.inbox
            } catch {
                problems.append("the inbox of \(offender)'s server (\(error))")
            }
        }
        for domain in needs.domains {
            // Mastodon and GoToSocial publish their instance actor as acct:DOMAIN@DOMAIN; without it, /actor.
            if let actor = try? await directory.actor(account: "\(domain)@\(domain)") { resolved.domainActors[domain] = actor.id }
        }
        return (resolved, problems)
    }
}
