import Foundation
import Synchronization

/// A change to a case, for screens that update live.
public struct CaseChange: Sendable, Equatable {
    public let tenantID: TenantID
    public let caseID: CaseID
    /// The audit kind (`intake`, `claim`, `decision`, …).
    public let kind: String
    public let queue: String
    public let phase: CaseStatus.Phase
    public let holder: String?
    public let actor: String
    public let at: Date
    /// The audit row's sequence number.
    public let sequence: Int64
    /// The tenant's slug, when the publisher knows it (for log lines).
    public var tenant: String?
    /// Whether this change opened the case.
    public var opened = false
    /// The rules behind it: those that hit (intake) or that the decision rests on.
    public var ruleIDs: [String] = []
    /// The actions of a decision that went into force with it (made, or approved).
    public var actions: [String] = []

    /// Makes a change.
    public init(
        tenantID: TenantID, caseID: CaseID, kind: String, queue: String, phase: CaseStatus.Phase, holder: String?, actor: String, at: Date,
        sequence: Int64
    ) {
        self.tenantID = tenantID
        self.caseID = caseID
        self.kind = kind
        self.queue = queue
        self.phase = phase
        self.holder = holder
        self.actor = actor
        self.at = at
        self.sequence = sequence
    }
}

extension CaseChange {
    /// The change a transition made: its audit row, the case's new status, and the actions that went into force.
    public init(_ outcome: TransitionOutcome, tenant: Tenant, ruleIDs: [String] = []) {
        self.init(
            tenantID: tenant.id, caseID: outcome.caseID, kind: outcome.audit.kind, queue: outcome.status.queue, phase: outcome.status.phase,
            holder: outcome.status.holder(at: outcome.audit.at)?.rawValue, actor: outcome.audit.actor, at: outcome.audit.at,
            sequence: outcome.audit.sequence)
        self.tenant = tenant.slug
        self.ruleIDs = ruleIDs
        for case .applySanctions(let decision) in outcome.effects { actions += decision.actions.map(\.name) }
        if actions.isEmpty, outcome.audit.kind == "decision", outcome.status.phase == .decided { actions = ["dismiss"] }
    }
}

/// Fans case changes out to subscribers of one tenant each (the event streams of the moderation API). A slow
/// subscriber loses its oldest undelivered changes, never blocks the others.
public final class CaseChanges: Sendable {
    private let subscribers = Mutex<[TenantID: [UUID: AsyncStream<CaseChange>.Continuation]]>([:])
    private let buffer: Int
    private let observer: (@Sendable (CaseChange) -> Void)?

    /// A fan-out keeping up to `buffer` undelivered changes per subscriber; `observer` hears every change of every
    /// tenant as it is published (the service's `case opened` / `case decided` log lines).
    public init(buffer: Int = 1_000, observer: (@Sendable (CaseChange) -> Void)? = nil) {
        self.buffer = buffer
        self.observer = observer
    }

    /// A stream of the tenant's changes from now on; it ends when the consumer stops iterating.
    public func subscribe(tenant: TenantID) -> AsyncStream<CaseChange> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<CaseChange>.makeStream(bufferingPolicy: .bufferingNewest(buffer))
        subscribers.withLock { $0[tenant, default: [:]][id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0[tenant]?.removeValue(forKey: id) }
        }
        return stream
    }

    /// Sends a change to its tenant's subscribers.
    public func publish(_ change: CaseChange) {
        observer?(change)
        let targets = subscribers.withLock { Array(($0[change.tenantID] ?? [:]).values) }
        for continuation in targets { continuation.yield(change) }
    }

}
