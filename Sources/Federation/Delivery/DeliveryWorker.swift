import Foundation
import HTTPSignatures
import Synchronization

/// Works the durable delivery queue: takes due jobs, signs and posts them with a global and a per-host concurrency
/// limit, and records the results (delivered, retry later, dead-letter, recipient gone) — those that finished
/// meanwhile together, in one transaction. A job stays in flight, and is not read again, until its result is
/// recorded. Jobs in flight when the process stops stay pending and are sent after the restart (delivery is at
/// least once; inboxes dedupe on id).
public actor DeliveryWorker {
    /// Limits and timing.
    public struct Settings: Sendable {
        /// Deliveries in flight at once.
        public var concurrency = 16
        /// Deliveries in flight to one `host[:port]` at once.
        public var perHostConcurrency = 4
        /// How long to wait before looking for due jobs again when there was nothing to do.
        public var idleInterval: Duration = .milliseconds(250)
        /// Backoff and give-up rules.
        public var schedule = RetrySchedule()

        /// The defaults.
        public init() {}
    }

    /// A finished attempt, for logs and metrics.
    public typealias Observer = @Sendable (DeliveryJob, DeliveryResult) -> Void
    /// A failure of the queue itself (reading due jobs, recording a result), for logs.
    public typealias FailureReporter = @Sendable (_ what: String, _ error: any Error) -> Void

    private let queue: any DeliveryQueue
    private let keys: any ActorKeyStore
    private let client: DeliveryClient
    private let baseURL: URL
    private let settings: Settings
    private let now: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private let observe: Observer
    private let reportFailure: FailureReporter
    private let doorbell: Doorbell
    private var inFlight: [Int64: String] = [:]
    private var ready: [DeliveryJob] = []
    private var perHost: [String: Int] = [:]
    private let signers = SignerCache()
    private var finished: [(job: DeliveryJob, result: DeliveryResult)] = []
    private var completionWaiter: CheckedContinuation<Void, Never>?
    private var completionPending = false

    /// A worker over `queue`, signing with the local actors' keys from `keys`; ringing `doorbell` after queueing
    /// deliveries ends its idle wait.
    public init(
        queue: any DeliveryQueue, keys: any ActorKeyStore, client: DeliveryClient, baseURL: URL, settings: Settings = Settings(),
        now: @escaping @Sendable () -> Date, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        observe: @escaping Observer = { _, _ in }, reportFailure: @escaping FailureReporter = { _, _ in }, doorbell: Doorbell = Doorbell()
    ) {
        self.doorbell = doorbell
        self.reportFailure = reportFailure
        self.queue = queue
        self.keys = keys
        self.client = client
        self.baseURL = baseURL
        self.settings = settings
        self.now = now
        self.random = random
        self.observe = observe
    }

    /// Delivers until the task is cancelled; in-flight attempts are cancelled with it and stay pending (results
    /// already in hand are recorded first).
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                await recordFinished()
                let started: Int
                do {
                    started = try await startDueJobs(in: &group)
                } catch {
                    reportFailure("reading due deliveries", error)
                    started = 0
                }
                if started == 0 {
                    if inFlight.isEmpty {
                        ready = []
                        await doorbell.wait(upTo: settings.idleInterval)
                    } else if finished.isEmpty {
                        await nextCompletion()
                    }
                }
            }
        }
        // The task is cancelled, which would make the store refuse the write: record from a task that is not.
        await Task { await self.recordFinished() }.value
    }

    private func startDueJobs(in group: inout DiscardingTaskGroup) async throws -> Int {
        guard inFlight.count < settings.concurrency else { return 0 }
        // Due jobs are read in batches and kept until started, so a finished delivery does not cost a query.
        if ready.count < settings.concurrency {
            let known = Set(inFlight.keys).union(ready.map(\.id))
            let fetched = try await queue.due(at: now(), limit: 256, excluding: known)
            ready += fetched.filter { !known.contains($0.id) }
        }
        var started = 0
        var waiting: [DeliveryJob] = []
        for job in ready {
            let host = job.delivery.host
            guard inFlight.count < settings.concurrency, perHost[host, default: 0] < settings.perHostConcurrency else {
                waiting.append(job)
                continue
            }
            inFlight[job.id] = host
            perHost[host, default: 0] += 1
            group.addTask { await self.attempt(job) }
            started += 1
        }
        ready = waiting
        return started
    }

    /// One attempt, signed off the actor so deliveries sign on every core.
    private nonisolated func attempt(_ job: DeliveryJob) async {
        let result: DeliveryResult
        do {
            let signer = try await signer(for: job.delivery.sender)
            let answer = await client.send(job.delivery, signer: signer, now: now())
            result = settings.schedule.result(for: answer, attempts: job.attempts + 1, createdAt: job.createdAt, now: now(), jitter: random())
        } catch {
            result = settings.schedule.result(
                for: .transport("no signing key for \(job.delivery.sender): \(error)"), attempts: job.attempts + 1,
                createdAt: job.createdAt, now: now(), jitter: random())
        }
        // A cancelled attempt was cut short: unless it got through, it is not an attempt to count.
        await completed(job, result, keep: result == .delivered || !Task.isCancelled)
    }

    private func completed(_ job: DeliveryJob, _ result: DeliveryResult, keep: Bool) {
        if keep {
            finished.append((job, result))
        } else {
            release(job)
        }
        if let waiter = completionWaiter {
            completionWaiter = nil
            waiter.resume()
        } else {
            completionPending = true
        }
    }

    /// Records every result in hand in one transaction, then frees their slots. When the write fails the jobs
    /// stay pending and are sent again: at least once.
    private func recordFinished() async {
        guard !finished.isEmpty else { return }
        let batch = finished
        finished = []
        do {
            try await queue.finish(batch.map { ($0.job.id, $0.result) }, at: now())
            for (job, result) in batch { observe(job, result) }
        } catch {
            reportFailure("recording the results of \(batch.count) deliveries", error)
        }
        for (job, _) in batch { release(job) }
    }

    private func release(_ job: DeliveryJob) {
        if let host = inFlight.removeValue(forKey: job.id) {
            perHost[host, default: 1] -= 1
            if perHost[host] == 0 { perHost[host] = nil }
        }
    }

    /// Returns when an attempt has finished since the last call.
    private func nextCompletion() async {
        if completionPending {
            completionPending = false
            return
        }
        await withCheckedContinuation { completionWaiter = $0 }
    }

    private nonisolated func signer(for actor: LocalActor) async throws -> MessageSigner {
        if let signer = signers[actor] { return signer }
        let stored = try await LocalActorKey.loadOrCreate(for: actor, in: keys, now: now()).key
        let signer = MessageSigner(key: try SigningKey(stored.keyPair), keyID: actor.keyID(baseURL: baseURL))
        signers[actor] = signer
        return signer
    }
}

/// Signers by local actor, shared by concurrent attempts without a hop to the worker.
final class SignerCache: Sendable {
    private let signers = Mutex<[LocalActor: MessageSigner]>([:])

    subscript(actor: LocalActor) -> MessageSigner? {
        get { signers.withLock { $0[actor] } }
        set { signers.withLock { $0[actor] = newValue } }
    }
}
