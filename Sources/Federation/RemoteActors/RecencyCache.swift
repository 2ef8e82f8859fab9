/// A dictionary that remembers when each entry was last used, so the least recently used can be dropped first.
/// Trimming drops an eighth more than needed at once, so a full cache under steady inserts sorts rarely.
struct RecencyCache<Key: Hashable, Value> {
    private var entries: [Key: (value: Value, used: UInt64)] = [:]
    private var clock: UInt64 = 0

    /// How many entries are held.
    var count: Int { entries.count }

    /// The value for `key`, marked as just used; setting nil removes it.
    subscript(key: Key) -> Value? {
        mutating get {
            guard let entry = entries[key] else { return nil }
            clock += 1
            entries[key] = (entry.value, clock)
            return entry.value
        }
        set {
            guard let newValue else {
                entries[key] = nil
                return
            }
            clock += 1
            entries[key] = (newValue, clock)
        }
    }

    /// The value for `key` without marking it used.
    func peek(_ key: Key) -> Value? { entries[key]?.value }

    /// Whether any value satisfies `predicate`.
    func contains(where predicate: (Value) -> Bool) -> Bool { entries.values.contains { predicate($0.value) } }

    /// Removes every entry whose value satisfies `predicate`.
    mutating func removeAll(where predicate: (Value) -> Bool) {
        entries = entries.filter { !predicate($0.value.value) }
    }

    /// Drops least recently used entries until at most `capacity` remain (an eighth of the capacity more, at once).
    mutating func trim(to capacity: Int) {
        guard entries.count > capacity else { return }
        let drop = entries.count - capacity + capacity / 8
        for (key, _) in entries.sorted(by: { $0.value.used < $1.value.used }).prefix(drop) { entries[key] = nil }
    }

    /// Removes and returns the least recently used value.
    mutating func removeLeastRecent() -> Value? {
        guard let oldest = entries.min(by: { $0.value.used < $1.value.used }) else { return nil }
        entries[oldest.key] = nil
        return oldest.value.value
    }
}
