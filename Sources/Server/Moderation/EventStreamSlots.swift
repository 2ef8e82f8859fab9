/// Bounds the live event streams: at most `perToken` open on one token and `total` over all, so one token (or many)
/// cannot hold the server's connections and memory. A stream takes a slot when it opens and gives it back when it ends.
actor EventStreamSlots {
    /// Streams allowed on one token.
    let perToken: Int
    /// Streams allowed in all.
    let total: Int
    private var open: [String: Int] = [:]
    private var count = 0

    /// Slots with the given caps.
    init(perToken: Int = 8, total: Int = 512) {
        self.perToken = perToken
        self.total = total
    }

    /// Takes a slot for `token` (a hash of it, never the token itself); false when a cap is reached.
    func take(_ token: String) -> Bool {
        guard count < total, open[token, default: 0] < perToken else { return false }
        open[token, default: 0] += 1
        count += 1
        return true
    }

    /// Gives back a slot taken for `token`.
    func give(_ token: String) {
        guard let held = open[token] else { return }
        open[token] = held > 1 ? held - 1 : nil
        count -= 1
    }
}
