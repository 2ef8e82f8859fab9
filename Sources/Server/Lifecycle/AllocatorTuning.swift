import CAllocator
import Foundation
import ServiceLifecycle

/// How the C allocator treats large blocks. glibc raises its mmap threshold every time a large block is freed, so
/// after a few 1 MiB documents (a remote actor, a request body) such blocks come from the heap, whose free space is
/// rarely given back: the process grows under traffic it has finished with. A fixed threshold keeps blocks of
/// `largeBlockBytes` and more in their own mappings, returned to the system when freed.
enum AllocatorTuning {
    /// Blocks at least this large get their own mapping.
    static let largeBlockBytes: Int32 = 256 * 1024

    /// Applies the fixed threshold and caps the arenas at one per core (glibc only); whether both were accepted.
    @discardableResult
    static func apply() -> Bool {
        let thresholds = palisade_fix_allocator_thresholds(largeBlockBytes, 4 * largeBlockBytes) == 1
        let arenas = palisade_limit_allocator_arenas(Int32(max(2, ProcessInfo.processInfo.activeProcessorCount))) == 1
        return thresholds && arenas
    }

    /// Gives free heap memory back to the system (after bursts of large documents and bodies).
    static func trim() {
        _ = palisade_trim_heap()
    }
}

/// Trims the heap every `interval` (glibc's malloc_trim), so memory freed after a burst of hostile traffic goes back to
/// the system rather than staying in the allocator's free lists.
struct HeapTrimService: Service {
    var interval: Duration = .seconds(30)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            AllocatorTuning.trim()
        }
    }
}
