import CVectorscan
import Foundation
import Synchronization

/// Which texts a gate is looked for in: the normalised text, its skeleton, or both (a pattern whose skeleton twin is
/// itself).
enum PrefilterScope: Sendable {
    case text, skeleton, both

    /// Whether a database of gates of this scope is scanned for `scope`.
    func covers(_ scope: PrefilterScope) -> Bool { self == .both || scope == .both || self == scope }
}

/// The rule set's prefilter, one scan per text: which gates fire. A gate is either a literal (see `RequiredLiterals`)
/// or a superset expression (see `SupersetPattern`); a pattern none of whose gates fire cannot match and is not run.
/// Literals go in one Vectorscan literal database, expressions in databases of at most `shardSize` each (compile
/// time grows faster than linearly with a database's size), grouped by scope (see `PrefilterScope`) and without noisy
/// gates (see `noisy`). Scratch space is pooled, so scans run on any thread.
final class Prefilter: @unchecked Sendable {
    /// Expressions per database.
    static let shardSize = 40
    /// Expressions with at most this many literal characters outside classes are suspected of being noisy.
    static let suspectLiterals = 2
    /// Suspect expressions per database.
    static let suspectShardSize = 20

    private let databases: [OpaquePointer]
    /// Which texts each database's gates are looked for in.
    private let databaseScopes: [PrefilterScope]
    private let prototype: OpaquePointer?
    private let pool = Mutex<[Scratch]>([])

    /// One shard's database (nil: every expression in it refused) and the ids it refused.
    private struct ShardResult: @unchecked Sendable {
        let database: OpaquePointer?
        let refused: [Int]
    }

    /// Vectorscan scratch space, big enough for every database: one scan at a time uses it.
    private struct Scratch: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// How many gates (ids 0..<count).
    let count: Int
    /// Ids of gates Vectorscan would not compile (or expressions that match the empty text): they never fire, so a
    /// pattern gated by one must always run.
    let refused: Set<Int>

    /// A prefilter of `gates` (id = index), each looked for in the texts its scope names (default: both); compiled
    /// databases are read from and written to `cache` when given. Noisy expressions (see `noisy`) are refused unless
    /// `keepingNoisyGates`.
    init(gates: [PrefilterGate], scopes: [PrefilterScope]? = nil, cache: PrefilterCache? = nil, keepingNoisyGates: Bool = false) {
        var literals: [(id: Int, literal: String)] = []
        var expressions: [PrefilterScope: [(id: Int, expression: String)]] = [:]
        var suspects: [PrefilterScope: [(id: Int, expression: String)]] = [:]
        var refused: Set<Int> = []
        for (id, gate) in gates.enumerated() {
            switch gate {
            case .literal(let literal): literals.append((id, literal))
            case .expression(let expression, let letters):
                // One Vectorscan refuses (it matches the empty text, say) is dropped from its shard below.
                let scope = scopes?[id] ?? .both
                if letters <= Self.suspectLiterals { suspects[scope, default: []].append((id, expression)) } else { expressions[scope, default: []].append((id, expression)) }
            }
        }
        var databases: [OpaquePointer] = []
        var databaseScopes: [PrefilterScope] = []
        if !literals.isEmpty {
            let key = cache.map { _ in PrefilterCache.key(kind: "literal", flags: 0, entries: literals.map { ($0.id, $0.literal) }) }
            // Literals are one database, looked for in every text (a literal scan costs little).
            if let key, let cached = cache?.load(key) {
                databases.append(cached.database)
                databaseScopes.append(.both)
            } else if let database = Self.literalDatabase(literals) {
                databases.append(database)
                databaseScopes.append(.both)
                if let key { cache?.store(key, database: database, refused: []) }
            } else {
                refused.formUnion(literals.map(\.id))
            }
        }
        // Shards compile on every core at once; each keeps its own result, in shard order.
        // Expressions with few literals are the likely noisy ones: in small shards of their own, a shard that must be
        // compiled again without its noisy gates costs little.
        func sharded(_ expressions: [(id: Int, expression: String)], size: Int) -> [[(id: Int, expression: String)]] {
            stride(from: 0, to: expressions.count, by: size).map { Array(expressions[$0..<min(expressions.count, $0 + size)]) }
        }
        // Expressions of one scope share their databases, so a text is scanned only with the databases it needs.
        let scopeOrder: [PrefilterScope] = [.both, .text, .skeleton]
        let scoped = scopeOrder.map { scope in
            sharded(suspects[scope] ?? [], size: Self.suspectShardSize) + sharded(expressions[scope] ?? [], size: Self.shardSize)
        }
        let shards = scoped.flatMap { $0 }
        let shardScopes = zip(scopeOrder, scoped).flatMap { scope, shards in Array(repeating: scope, count: shards.count) }
        // Suspects' shards report each gate once per scan (see `suspectFlags`).
        let suspectIDs = Set(suspects.values.flatMap { $0.map(\.id) })
        let shardFlags = shards.map { shard in shard.allSatisfy { suspectIDs.contains($0.id) } ? Self.suspectFlags : Self.expressionFlags }
        let results = Mutex<[Int: ShardResult]>([:])
        DispatchQueue.concurrentPerform(iterations: shards.count) { index in
            var shard = shards[index]
            let kind = keepingNoisyGates ? "expression" : Self.calibratedKind
            let flags = shardFlags[index]
            let key = cache.map { _ in PrefilterCache.key(kind: kind, flags: flags, entries: shard.map { ($0.id, $0.expression) }) }
            if let key, let cached = cache?.load(key) {
                results.withLock { $0[index] = ShardResult(database: cached.database, refused: cached.refused) }
                return
            }
            var dropped: [Int] = []
            var compiled: OpaquePointer?
            while !shard.isEmpty, compiled == nil {
                switch Self.expressionDatabase(shard, flags: flags) {
                case .success(let database):
                    // Gates that fire all over ordinary text are left out, the rest compiled again.
                    let noisy = keepingNoisyGates ? [] : Self.noisy(database, once: flags == Self.suspectFlags)
                    if noisy.isEmpty {
                        compiled = database
                    } else {
                        hs_free_database(database)
                        dropped += noisy
                        shard.removeAll { noisy.contains($0.id) }
                    }
                case .failure(let position):
                    // One expression Vectorscan refuses (too large, say): it is left out, the rest compiled again.
                    dropped.append(shard[position].id)
                    shard.remove(at: position)
                }
            }
            if let compiled, let key { cache?.store(key, database: compiled, refused: dropped) }
            let result = ShardResult(database: compiled, refused: dropped)
            results.withLock { $0[index] = result }
        }
        for index in shards.indices {
            guard let result = results.withLock({ $0[index] }) else { continue }
            refused.formUnion(result.refused)
            if let database = result.database {
                databases.append(database)
                databaseScopes.append(shardScopes[index])
            }
        }
        // Once per load, not per file written: files no load has used for the retention period go.
        cache?.prune()
        var scratch: OpaquePointer?
        for database in databases where hs_alloc_scratch(database, &scratch) != HS_SUCCESS {
            refused.formUnion(0..<gates.count)
        }
        self.databases = databases
        self.databaseScopes = databaseScopes
        prototype = scratch
        count = gates.count
        self.refused = refused
    }

    deinit {
        for scratch in pool.withLock({ $0 }) { hs_free_scratch(scratch.pointer) }
        if let prototype { hs_free_scratch(prototype) }
        for database in databases { hs_free_database(database) }
    }

    /// Every match is reported, de-duplicated in the callback, and a scan is cut short at `matchBudget`. Without
    /// `HS_FLAG_SINGLEMATCH`, which makes literal-rich databases slower (it tracks each gate), except for suspects
    /// (see `suspectFlags`).
    static let expressionFlags = UInt32(HS_FLAG_UTF8 | HS_FLAG_CASELESS | HS_FLAG_PREFILTER)

    /// Suspects (few literals, mostly classes) report each match end of every repetition: `(?:[a-z]{5,}\s+){10}`
    /// reports at each letter past the fifth of each word past the tenth. Their shards are compiled with
    /// `HS_FLAG_SINGLEMATCH`, one report per gate and scan, so such a gate costs one callback where it fires and is
    /// noisy (see `noisy`) only where it fires on nearly every ordinary post, not where it fires often in a few.
    /// Vectorscan 5.4.9's SSE4.2 scanner agrees with PCRE2 with this flag on random texts and databases (its AVX2 and
    /// AVX-512 scanners, which the prefilter does not use, miss matches with or without it;
    /// see `PrefilterTests.singleMatchIsNotTrusted`).
    static let suspectFlags = expressionFlags | UInt32(HS_FLAG_SINGLEMATCH)

    /// The platform databases are compiled for (see `palisade_hs_platform` in the CVectorscan shim: no AVX-512).
    static let platform: hs_platform_info_t = {
        var platform = hs_platform_info_t()
        _ = palisade_hs_platform(&platform)
        return platform
    }()

    /// Whether Vectorscan reads `expression` and it cannot match the empty text. Loading uses the rewriter's own
    /// measure instead (`SupersetPattern.rewriteMeasuring`, far cheaper); tests check the two agree.
    static func matchesSomethingNonEmpty(_ expression: String) -> Bool {
        var info: UnsafeMutablePointer<hs_expr_info_t>?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let result = hs_expression_info(expression, expressionFlags, &info, &compileError)
        if let compileError { hs_free_compile_error(compileError) }
        guard result == HS_SUCCESS, let info else { return false }
        defer { free(info) }
        return info.pointee.min_width > 0
    }

    private enum Compiled {
        case success(OpaquePointer)
        /// The position in the shard of the expression that failed.
        case failure(Int)
    }

    private static func expressionDatabase(_ shard: [(id: Int, expression: String)], flags: UInt32) -> Compiled {
        var database: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let flags = [UInt32](repeating: flags, count: shard.count)
        let ids = shard.map { UInt32($0.id) }
        let strings = shard.map { strdup($0.expression) }
        defer { strings.forEach { free($0) } }
        let constant = strings.map { $0.map { UnsafePointer<CChar>($0) } }
        let result = constant.withUnsafeBufferPointer { expressions in
            withUnsafePointer(to: Self.platform) { platform in
                hs_compile_multi(expressions.baseAddress, flags, ids, UInt32(shard.count), UInt32(HS_MODE_BLOCK), platform, &database, &compileError)
            }
        }
        let failed = compileError.map { Int($0.pointee.expression) } ?? 0
        if let compileError { hs_free_compile_error(compileError) }
        guard result == HS_SUCCESS, let database else { return .failure(max(0, min(shard.count - 1, failed))) }
        return .success(database)
    }

    private static func literalDatabase(_ gates: [(id: Int, literal: String)]) -> OpaquePointer? {
        guard !gates.isEmpty else { return nil }
        let literals = gates.map(\.literal)
        let bytes = literals.map { Array($0.utf8) }
        var database: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let flags = [UInt32](repeating: 0, count: literals.count)
        let ids = gates.map { UInt32($0.id) }
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
            withUnsafePointer(to: Self.platform) { platform in
                hs_compile_lit_multi(
                    expressions.baseAddress, flags, ids, lengths, UInt32(literals.count), UInt32(HS_MODE_BLOCK), platform, &database, &compileError)
            }
        }
        if let compileError { hs_free_compile_error(compileError) }
        return result == HS_SUCCESS ? database : nil
    }

    /// The ids of the gates that fire on `text`, each once. Every id when scratch space cannot be had, when a scan
    /// fails, or when the text produces more than `matchBudget(bytes)` matches (a hostile text of one repeated letter,
    /// say): then every pattern runs, as without a prefilter, and no scan costs more than a bounded multiple of the
    /// text's length.
    func scan(_ text: String, for scope: PrefilterScope = .both) -> [Int] {
        guard !text.isEmpty, !databases.isEmpty else { return [] }
        let pooled = pool.withLock { $0.popLast() }
        var scratch = pooled?.pointer
        if scratch == nil, let prototype { hs_clone_scratch(prototype, &scratch) }
        guard let scratch else { return Array(0..<count) }
        defer {
            let returned = Scratch(pointer: scratch)
            pool.withLock { $0.append(returned) }
        }
        var text = text
        return text.withUTF8 { bytes in
            var state = ScanState(count: count, budget: Self.matchBudget(bytes: bytes.count))
            defer { state.seen.deallocate() }
            withUnsafeMutablePointer(to: &state) { context in
                bytes.withMemoryRebound(to: CChar.self) { data in
                    for (database, databaseScope) in zip(databases, databaseScopes) where !context.pointee.exhausted && databaseScope.covers(scope) {
                        let result = palisade_hs_scan(database, data.baseAddress, UInt32(data.count), 0, scratch, { id, _, _, _, context in
                            let state = context!.assumingMemoryBound(to: ScanState.self)
                            state.pointee.matches += 1
                            if state.pointee.matches > state.pointee.budget {
                                state.pointee.exhausted = true
                                return 1
                            }
                            let id = Int(id)
                            if !state.pointee.seen[id] {
                                state.pointee.seen[id] = true
                                state.pointee.found.append(id)
                            }
                            return 0
                        }, context)
                        // A scan that fails (a database for another platform, say) rules nothing out.
                        if result != HS_SUCCESS, !context.pointee.exhausted { context.pointee.exhausted = true }
                    }
                }
            }
            return state.exhausted ? Array(0..<count) : state.found
        }
    }

    /// The ordinary sample, normalised as subjects are, one post per entry.
    private static let ordinaryPosts: [[UInt8]] = OrdinaryText.sample.split(separator: "\n").map { Array(TextNormalisation.normalise(String($0)).utf8) }

    /// A gate reporting more matches than this on `OrdinaryText.sample`, per byte of it, is noisy.
    static let noisyMatchesPerByte = 1.0 / 128

    /// A gate of a database that reports each gate once per scan (`suspectFlags`) is noisy when it fires on more than
    /// this share of the ordinary posts: it rules out too few to be worth a scan.
    static let noisyShareOfPosts = 0.5

    /// The cache kind of databases without their noisy gates: the sample and thresholds are part of it, so a database
    /// is compiled again when any changes.
    private static let calibratedKind = "expression-without-noisy\u{0}\(noisyMatchesPerByte)\u{0}\(noisyShareOfPosts)\u{0}\(OrdinaryText.sample)"

    /// The ids of `database`'s gates that report more than `noisyMatchesPerByte` matches on the ordinary sample: they
    /// fire on nearly any post and cost a callback at each match (a gate such as `[a-z]+[\s]*[a-z]`), so scanning for
    /// them costs more than running their patterns. For a database that reports each gate once per scan (`once`),
    /// those that fire on more than `noisyShareOfPosts` of the posts.
    static func noisy(_ database: OpaquePointer, once: Bool = false) -> Set<Int> {
        var scratch: OpaquePointer?
        guard hs_alloc_scratch(database, &scratch) == HS_SUCCESS, let scratch else { return [] }
        defer { hs_free_scratch(scratch) }
        var counts: [Int: Int] = [:]
        withUnsafeMutablePointer(to: &counts) { context in
            for post in ordinaryPosts {
                post.withUnsafeBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { data in
                        _ = palisade_hs_scan(database, data.baseAddress, UInt32(data.count), 0, scratch, { id, _, _, _, context in
                            context!.assumingMemoryBound(to: [Int: Int].self).pointee[Int(id), default: 0] += 1
                            return 0
                        }, context)
                    }
                }
            }
        }
        let bytes = ordinaryPosts.reduce(0) { $0 + $1.count }
        let limit = once ? Int(Double(ordinaryPosts.count) * noisyShareOfPosts) : Int(Double(bytes) * noisyMatchesPerByte)
        return Set(counts.filter { $0.value > limit }.keys)
    }

    /// Matches a scan of `bytes` may report before it gives up and lets every pattern run.
    static func matchBudget(bytes: Int) -> Int { 4_096 + 16 * bytes }

    /// One scan's progress, handed to Vectorscan's callback.
    private struct ScanState {
        var seen: UnsafeMutableBufferPointer<Bool>
        var found: [Int] = []
        var matches = 0
        let budget: Int
        var exhausted = false

        init(count: Int, budget: Int) {
            seen = .allocate(capacity: max(1, count))
            seen.initialize(repeating: false)
            self.budget = budget
        }
    }
}
