import CVectorscan
import Synchronization

/// The rule set's prefilter: every required literal (see `RequiredLiterals`) of every pattern, in one Vectorscan
/// literal database. One scan of a text says which literals occur in it; a pattern none of whose literals occur
/// cannot match and is not run. Scratch space is per scan and pooled, so scans run on any number of threads.
final class LiteralPrefilter: @unchecked Sendable {
    private let database: OpaquePointer
    private let prototype: OpaquePointer
    private let pool = Mutex<[Scratch]>([])

    /// Vectorscan scratch space: one scan at a time uses it.
    private struct Scratch: @unchecked Sendable {
        let pointer: OpaquePointer
    }
    /// How many literals (ids 0..<count).
    let count: Int

    /// A database of `literals` (id = index); nil when there are none or Vectorscan refuses them.
    init?(literals: [String]) {
        guard !literals.isEmpty else { return nil }
        let bytes = literals.map { Array($0.utf8) }
        var database: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let flags = [UInt32](repeating: UInt32(HS_FLAG_SINGLEMATCH), count: literals.count)
        let ids = (0..<literals.count).map { UInt32($0) }
        let lengths = bytes.map(\.count)
        let pointers = bytes.map { literal -> UnsafeMutablePointer<CChar> in
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, literal.count))
            literal.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { pointer.initialize(from: $0.baseAddress!, count: literal.count) }
            }
            return pointer
        }
        defer { pointers.forEach { $0.deallocate() } }
        let constant = pointers.map { UnsafePointer<CChar>?($0) }
        let result = constant.withUnsafeBufferPointer { expressions in
            hs_compile_lit_multi(
                expressions.baseAddress, flags, ids, lengths, UInt32(literals.count), UInt32(HS_MODE_BLOCK), nil, &database, &compileError)
        }
        if let compileError { hs_free_compile_error(compileError) }
        guard result == HS_SUCCESS, let database else { return nil }
        var scratch: OpaquePointer?
        guard hs_alloc_scratch(database, &scratch) == HS_SUCCESS, let scratch else {
            hs_free_database(database)
            return nil
        }
        self.database = database
        prototype = scratch
        count = literals.count
    }

    deinit {
        for scratch in pool.withLock({ $0 }) { hs_free_scratch(scratch.pointer) }
        hs_free_scratch(prototype)
        hs_free_database(database)
    }

    /// The ids of the literals that occur in `text`, each once.
    func scan(_ text: String) -> [Int] {
        var found: [Int] = []
        guard !text.isEmpty else { return found }
        let pooled = pool.withLock { $0.popLast() }
        var scratch = pooled?.pointer
        if scratch == nil { hs_clone_scratch(prototype, &scratch) }
        guard let scratch else { return Array(0..<count) }
        defer {
            let returned = Scratch(pointer: scratch)
            pool.withLock { $0.append(returned) }
        }
        var text = text
        text.withUTF8 { bytes in
            withUnsafeMutablePointer(to: &found) { list in
                bytes.withMemoryRebound(to: CChar.self) { data in
                    _ = hs_scan(database, data.baseAddress, UInt32(data.count), 0, scratch, { id, _, _, _, context in
                        context!.assumingMemoryBound(to: [Int].self).pointee.append(Int(id))
                        return 0
                    }, list)
                }
            }
        }
        return found
    }
}
