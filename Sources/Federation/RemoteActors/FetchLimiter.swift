/// Bounds concurrent remote fetches: at most `global` in flight, at most `perHost` to one host, and at most
/// `maximumWaiting` waiting; a fetch beyond that fails at once rather than queueing without end.
actor FetchLimiter {
    private let global: Int
    private let perHost: Int
    private let maximumWaiting: Int
    private var running = 0
    private var runningPerHost: [String: Int] = [:]
    private var waiting: [(host: String, continuation: CheckedContinuation<Void, Never>)] = []

    /// A limiter with the given caps.
    init(global: Int, perHost: Int, maximumWaiting: Int) {
        self.global = max(1, global)
        self.perHost = max(1, perHost)
        self.maximumWaiting = max(0, maximumWaiting)
    }

    /// Waits for a slot for `host`; throws `busy` when too many fetches already wait.
    func acquire(host: String) async throws(RemoteFetchError) {
        if canRun(host) {
            start(host)
            return
        }
        guard waiting.count < maximumWaiting else { throw RemoteFetchError.busy(host: host) }
        await withCheckedContinuation { continuation in waiting.append((host, continuation)) }
    }

    /// Frees the slot taken for `host` and starts the first waiter that may run.
    func release(host: String) {
        running -= 1
        let left = (runningPerHost[host] ?? 1) - 1
        runningPerHost[host] = left > 0 ? left : nil
        if let index = waiting.firstIndex(where: { canRun($0.host) }) {
            let next = waiting.remove(at: index)
            start(next.host)
            next.continuation.resume()
        }
    }

    /// How many fetches are in flight now (for tests and metrics).
    var inFlight: Int { running }

    private func canRun(_ host: String) -> Bool {
        running < global && (runningPerHost[host] ?? 0) < perHost
    }

    private func start(_ host: String) {
        running += 1
        runningPerHost[host, default: 0] += 1
    }
}
