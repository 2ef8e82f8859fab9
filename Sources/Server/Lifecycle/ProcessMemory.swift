import CAllocator
import Federation
import Foundation
import Prometheus
import Store

/// Where this process's memory is, as the allocator, SQLite and the kernel count it: what an operator (and
/// `bench soak`) reads to tell a cache filling to its bound from a leak.
struct ProcessMemory: Sendable, Equatable {
    /// Bytes in live C-heap allocations (glibc's count, large mapped blocks included); 0 where unknown.
    var heapInUse: UInt64
    /// Bytes the C heap has free but keeps (not given back to the system).
    var heapFree: UInt64
    /// Bytes in blocks the allocator gave their own mapping.
    var heapMapped: UInt64
    /// Bytes SQLite holds (page caches, statements).
    var sqlite: Int64
    /// Resident memory of the process (`VmRSS`); 0 where /proc is missing.
    var resident: UInt64

    /// The figures now.
    static func sample() -> ProcessMemory {
        var inUse: UInt64 = 0
        var free: UInt64 = 0
        var mapped: UInt64 = 0
        _ = palisade_heap_usage(&inUse, &free, &mapped)
        return ProcessMemory(heapInUse: inUse, heapFree: free, heapMapped: mapped, sqlite: SQLiteStore.memoryInUse, resident: residentBytes() ?? 0)
    }

    /// `VmRSS` from /proc/self/status, in bytes.
    static func residentBytes() -> UInt64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kibibytes = UInt64(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kibibytes * 1024
    }
}

/// The memory gauges on `/metrics`: `palisade_memory_bytes{kind}` and the remote-key caches' sizes
/// (`palisade_remote_cache_entries{cache}`, `palisade_remote_actor_cache_bytes`), refreshed when scraped.
struct MemoryGauges: Sendable {
    private let heapInUse, heapFree, heapMapped, sqlite, resident: Gauge
    private let keys, actors, failures, actorBytes: Gauge
    private let directory: RemoteKeyDirectory

    init(registry: PrometheusCollectorRegistry, directory: RemoteKeyDirectory) {
        func memory(_ kind: String) -> Gauge {
            registry.makeGauge(
                name: "palisade_memory_bytes", labels: [("kind", kind)],
                help: "Process memory: resident, C heap in use / free-but-kept / mapped, SQLite")
        }
        func cache(_ name: String) -> Gauge {
            registry.makeGauge(
                name: "palisade_remote_cache_entries", labels: [("cache", name)], help: "Entries in the remote key directory's bounded caches")
        }
        heapInUse = memory("heap_in_use")
        heapFree = memory("heap_free")
        heapMapped = memory("heap_mapped")
        sqlite = memory("sqlite")
        resident = memory("resident")
        keys = cache("keys")
        actors = cache("actors")
        failures = cache("failures")
        actorBytes = registry.makeGauge(name: "palisade_remote_actor_cache_bytes", help: "Bytes of actor documents the remote key directory keeps")
        self.directory = directory
    }

    /// Reads the figures now into the gauges.
    func refresh() async {
        let memory = ProcessMemory.sample()
        heapInUse.set(Double(memory.heapInUse))
        heapFree.set(Double(memory.heapFree))
        heapMapped.set(Double(memory.heapMapped))
        sqlite.set(Double(memory.sqlite))
        resident.set(Double(memory.resident))
        let sizes = await directory.cacheSizes
        keys.set(Double(sizes.keys))
        actors.set(Double(sizes.actors))
        failures.set(Double(sizes.failures))
        actorBytes.set(Double(sizes.actorBytes))
    }
}
