import Foundation

/// One signed POST to make: an activity from a local actor to one inbox.
public struct Delivery: Sendable, Equatable {
    /// The activity's id; with `inbox`, the job's identity (enqueueing the same pair twice is a no-op).
    public let activityID: String
    /// The local actor whose key signs the request.
    public let sender: LocalActor
    /// The inbox URL (a shared inbox when the recipient has one).
    public let inbox: String
    /// The activity's JSON, sent as is.
    public let body: Data

    /// Makes a delivery.
    public init(activityID: String, sender: LocalActor, inbox: String, body: Data) {
        self.activityID = activityID
        self.sender = sender
        self.inbox = inbox
        self.body = body
    }

    /// The inbox's `host[:port]`, the unit of the per-host concurrency limit.
    public var host: String {
        guard let components = URLComponents(string: inbox), let host = components.host else { return inbox }
        return components.port.map { "\(host):\($0)" } ?? host
    }
}

/// A stored delivery waiting for its next attempt.
public struct DeliveryJob: Sendable, Equatable {
    /// The queue's id for the job.
    public let id: Int64
    /// What to send where.
    public let delivery: Delivery
    /// Attempts made so far.
    public let attempts: Int
    /// When it was enqueued (retries stop about a week after).
    public let createdAt: Date

    /// Makes a job value.
    public init(id: Int64, delivery: Delivery, attempts: Int, createdAt: Date) {
        self.id = id
        self.delivery = delivery
        self.attempts = attempts
        self.createdAt = createdAt
    }
}

/// Where a delivery stands.
public enum DeliveryState: String, Sendable, Equatable {
    /// Waiting for its (next) attempt.
    case pending
    /// The inbox answered 2xx.
    case delivered
    /// Given up: a permanent refusal, a gone recipient, or a week of failures (the dead-letter state).
    case dead
}

/// A delivery's state as the queue reports it.
public struct DeliveryStatus: Sendable, Equatable {
    /// The queue's id.
    public let id: Int64
    /// The activity.
    public let activityID: String
    /// The inbox.
    public let inbox: String
    /// Where it stands.
    public let state: DeliveryState
    /// Attempts made.
    public let attempts: Int
    /// When the next attempt is due (meaningful while pending).
    public let nextAttemptAt: Date
    /// The last failure, in words.
    public let lastError: String?
    /// The inbox's host (`host[:port]`), for grouping.
    public var host: String { URLComponents(string: inbox).map { ($0.host ?? "") + ($0.port.map { ":\($0)" } ?? "") } ?? inbox }

    /// Makes a status value.
    public init(id: Int64, activityID: String, inbox: String, state: DeliveryState, attempts: Int, nextAttemptAt: Date, lastError: String?) {
        self.id = id
        self.activityID = activityID
        self.inbox = inbox
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// What became of one attempt; decided by `RetrySchedule`, recorded by `DeliveryQueue.finish`.
public enum DeliveryResult: Sendable, Equatable {
    /// Delivered (2xx).
    case delivered
    /// Failed for now; try again at the date.
    case retry(at: Date, error: String)
    /// Failed for good (dead-lettered).
    case dead(error: String)
    /// The inbox answered 410 Gone: dead-lettered, and every follower reached through that inbox is removed.
    case gone(error: String)
}

/// The durable delivery queue. Implemented by `Store`; jobs survive restarts.
public protocol DeliveryQueue: Sendable {
    /// Stores the deliveries as pending, due at `date`; an (activity, inbox) pair already queued is skipped.
    func enqueue(_ deliveries: [Delivery], at date: Date) async throws
    /// Up to `limit` pending jobs due at `date`, oldest due first, leaving out the ids in `excluding` (in flight).
    func due(at date: Date, limit: Int, excluding: Set<Int64>) async throws -> [DeliveryJob]
    /// Records the results of attempts (job id, result), all in one transaction.
    func finish(_ results: [(id: Int64, result: DeliveryResult)], at date: Date) async throws
    /// Every delivery of an activity, by id.
    func deliveries(of activityID: String) async throws -> [DeliveryStatus]
    /// How many jobs are in each state.
    func deliveryCounts() async throws -> [DeliveryState: Int]
    /// Jobs in `state` (every state when nil), most recently updated first, at most `limit`.
    func deliveries(in state: DeliveryState?, limit: Int) async throws -> [DeliveryStatus]
    /// Makes dead jobs pending and due at `date`, with a new week before they are given up (their attempts are
    /// kept): the ones in `ids`, or every dead job when `ids` is nil. Returns how many were requeued.
    func requeueDead(ids: [Int64]?, at date: Date) async throws -> Int
}

extension DeliveryQueue {
    /// Records the result of one attempt on job `id`.
    public func finish(_ id: Int64, with result: DeliveryResult, at date: Date) async throws {
        try await finish([(id, result)], at: date)
    }
}
