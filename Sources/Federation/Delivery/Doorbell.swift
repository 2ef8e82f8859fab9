/// Wakes a polling loop early: `ring` ends the current `wait` at once, or the next one when nobody is waiting. A loop
/// that polls durable state (the delivery queue, the decision outbox) waits on one between polls, so whoever stores
/// new work rings and it starts without waiting out the interval.
public actor Doorbell {
    private var waiter: CheckedContinuation<Void, Never>?
    private var rung = false

    /// A quiet doorbell.
    public init() {}

    /// Ends the current wait, or the next one.
    public func ring() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            rung = true
        }
    }

    /// Returns when rung, after `timeout`, or when the task is cancelled, whichever is first.
    public func wait(upTo timeout: Duration) async {
        if rung {
            rung = false
            return
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.ring()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter = $0 }
        } onCancel: {
            Task { await self.ring() }
        }
        timer.cancel()
        rung = false
    }
}
