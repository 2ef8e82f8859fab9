import ActivityStreams
import AsyncHTTPClient
import Foundation
import HTTPSignatures
import Hummingbird
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Store

/// `palisade bench inbox`: signed `Create{Note}` activities accepted end to end by a real server on loopback (signature
/// verified with a cached key, durable commit, `202`), from a loopback load generator in the same process.
public enum InboxBenchmark {
    /// What one run measured.
    public struct Report: Sendable {
        /// Activities sent in the measured phase.
        public let requests: Int
        /// Accepted per second.
        public let rate: Double
        /// Latency percentiles, milliseconds.
        public let p50: Double, p99: Double, max: Double
        /// Raw RSA-2048 verifications per second on all cores (the ceiling).
        public let rsaVerifyCeiling: Double
        /// Rows in the inbox afterwards (every acknowledged activity must be there).
        public let storedRows: Int
        /// Answers other than 202.
        public let failures: Int
    }

    /// Runs the benchmark: `requests` pre-signed activities over `concurrency` keep-alive connections.
    public static func run(requests: Int, concurrency: Int, progress: @Sendable (String) -> Void) async throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-bench-inbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let remotePair = try RSAKeyPair.generate()
        let remoteKey = try SigningKey(remotePair)

        // The remote server: publishes the actor (and its key) the activities come from.
        let actorRouter = Router()
        let keyHost = ActorDocumentBox()
        actorRouter.get("/users/admin") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/activity+json"], body: .init(byteBuffer: ByteBuffer(bytes: keyHost.document)))
        }
        let remote = await BenchmarkSupport.LoopbackServer(actorRouter)
        let origin = "http://127.0.0.1:\(remote.port)"
        keyHost.document = JSONValue.object([
            "@context": .string("https://www.w3.org/ns/activitystreams"), "id": .string(origin + "/users/admin"), "type": .string("Person"),
            "inbox": .string(origin + "/users/admin/inbox"), "preferredUsername": .string("admin"),
            "publicKey": .object([
                "id": .string(origin + "/users/admin#main-key"), "owner": .string(origin + "/users/admin"),
                "publicKeyPem": .string(remotePair.publicKeyPEM),
            ]),
        ]).serialized()

        // Palisade itself, as `serve` runs it.
        var configuration = PalisadeConfiguration()
        configuration.dataDirectory = directory.path
        configuration.listen = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.federation.allowPrivateAddresses = true
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = PalisadeServer(configuration: configuration, logger: BenchmarkSupport.silent, onListening: { continuation.yield($0) })
        let group = ServiceGroup(services: [server], logger: BenchmarkSupport.silent)
        let serverTask = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0

        let warmup = 200
        progress("signing \(requests + warmup) Mastodon Create{Note} requests (RSA-2048, draft-cavage) before the run…")
        let signer = MessageSigner(key: remoteKey, keyID: origin + "/users/admin#main-key")
        let prepared = try await sign(count: requests + warmup, origin: origin, port: port, signer: signer)

        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
        let url = "http://127.0.0.1:\(port)/inbox"
        _ = try await send(Array(prepared.prefix(warmup)), to: url, client: client, concurrency: concurrency)
        progress("sending \(requests) over \(concurrency) connections…")
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = try await send(Array(prepared.dropFirst(warmup)), to: url, client: client, concurrency: concurrency)
        let elapsed = clock.now - start
        try await client.shutdown()
        await group.triggerGracefulShutdown()
        try await serverTask.value
        await remote.stop()

        let store = try SQLiteStore(path: configuration.databasePath)
        let stored = try await store.inboxActivityIDs().count
        try store.close()

        let data = Data("(request-target): post /inbox\nhost: mod.example.org\ndate: Fri, 27 Nov 2026 12:00:00 GMT".utf8)
        let signature = try SignatureAlgorithm.rsaV15SHA256.sign(data, with: remoteKey)
        let publicKey = remoteKey.verificationKey
        let ceiling = try await BenchmarkSupport.parallelRate(cores: BenchmarkSupport.cores, seconds: 1) {
            guard try SignatureAlgorithm.rsaV15SHA256.isValid(signature, of: data, key: publicKey) else { throw CancellationError() }
        }
        let latencies = outcome.latencies.sorted()
        let seconds = elapsed.seconds
        return Report(
            requests: requests, rate: Double(requests) / seconds, p50: BenchmarkSupport.percentile(latencies, 0.5),
            p99: BenchmarkSupport.percentile(latencies, 0.99), max: BenchmarkSupport.percentile(latencies, 1),
            rsaVerifyCeiling: ceiling, storedRows: stored, failures: outcome.failures)
    }

    struct Prepared: Sendable {
        let headers: [(String, String)]
        let body: Data
    }

    /// Signs every request up front, on every core.
    static func sign(count: Int, origin: String, port: Int, signer: MessageSigner) async throws -> [Prepared] {
        let now = Date()
        let cores = BenchmarkSupport.cores
        return try await withThrowingTaskGroup(of: [(Int, Prepared)].self) { group in
            for core in 0..<cores {
                group.addTask {
                    var part: [(Int, Prepared)] = []
                    for number in stride(from: core, to: count, by: cores) {
                        var message = HTTPMessage(
                            method: "POST", target: "/inbox", scheme: "http",
                            fields: [.init("Host", "127.0.0.1:\(port)"), .init("Content-Type", "application/activity+json")],
                            body: BenchmarkSupport.createNote(origin: origin, number: 100_000_000 + number))
                        try signer.signCavage(&message, now: now)
                        part.append((number, Prepared(headers: message.fields.filter { $0.name != "Host" }.map { ($0.name, $0.value) }, body: message.body)))
                    }
                    return part
                }
            }
            var all: [(Int, Prepared)] = []
            for try await part in group { all += part }
            return all.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Posts every request over `concurrency` workers; returns each latency and the count of non-202 answers.
    static func send(_ requests: [Prepared], to url: String, client: HTTPClient, concurrency: Int) async throws -> (latencies: [Duration], failures: Int) {
        let next = Counter()
        return try await withThrowingTaskGroup(of: ([Duration], Int).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Duration] = []
                    var failures = 0
                    let clock = ContinuousClock()
                    while let index = next.take(below: requests.count) {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        for (name, value) in requests[index].headers { request.headers.add(name: name, value: value) }
                        request.body = .bytes(ByteBuffer(bytes: requests[index].body))
                        let start = clock.now
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 16)
                        latencies.append(clock.now - start)
                        if response.status != .accepted { failures += 1 }
                    }
                    return (latencies, failures)
                }
            }
            var all: [Duration] = []
            var failures = 0
            for try await (latencies, failed) in group {
                all += latencies
                failures += failed
            }
            return (all, failures)
        }
    }

    /// Hands out request indexes to the workers.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func take(below limit: Int) -> Int? {
            lock.withLock {
                guard value < limit else { return nil }
                defer { value += 1 }
                return value
            }
        }
    }

    /// The remote actor's document, set once the loopback port is known.
    final class ActorDocumentBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored = Data()
        var document: Data {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }
}
