import ActivityStreams
import AsyncHTTPClient
import Crypto
import Foundation
import HTTPSignatures
import Hummingbird
import NIOCore
import NIOHTTP1
import Store

#if canImport(Glibc)
import Glibc
#endif

/// `palisade bench soak`: a real `palisade serve` (a child process, so its memory is its own) under a mixed load of good
/// and hostile traffic for a set time, its resident memory sampled throughout. The hostile part is what once grew the
/// process without bound: junk signatures naming distinct key ids whose documents are 1 MiB actors or 1 MiB arrays of
/// numbers, oversized bodies, bodies that trickle in, and forged webhooks; the good part is signed Flags and webhook
/// reports that are stored.
public enum SoakBenchmark {
    /// What one run measured.
    public struct Report: Sendable {
        /// Resident memory samples of the server (seconds since start, MiB).
        public let samples: [(seconds: Double, mebibytes: Double)]
        /// The server's own account of its memory at each sample (from its `/metrics`), where it answered.
        public let breakdowns: [(seconds: Double, breakdown: MemoryBreakdown)]
        /// Requests sent by kind, with how many got the expected answer.
        public let sent: [String: (total: Int, expected: Int)]
        /// Rows in the server's inbox at the end (every accepted Flag).
        public let storedFlags: Int
        /// Flags answered 202.
        public let acceptedFlags: Int
    }

    /// Where the server says its memory is (`palisade_memory_bytes` and the remote caches on `/metrics`), in MiB and entries.
    public struct MemoryBreakdown: Sendable {
        /// Live C-heap allocations, MiB.
        public var heapInUse = 0.0
        /// Free C heap the allocator keeps, MiB.
        public var heapFree = 0.0
        /// SQLite's memory, MiB.
        public var sqlite = 0.0
        /// Parsed keys, actor documents and failures cached.
        public var keys = 0, actors = 0, failures = 0
        /// Bytes of cached actor documents, MiB.
        public var actorCache = 0.0

        /// Reads the figures out of a Prometheus text exposition.
        static func parse(_ text: String) -> MemoryBreakdown {
            var breakdown = MemoryBreakdown()
            for line in text.split(separator: "\n") where line.hasPrefix("palisade_") {
                let parts = line.split(separator: " ")
                guard parts.count >= 2, let value = Double(parts[1]) else { continue }
                let mebibytes = value / 1_048_576
                switch parts[0] {
                case #"palisade_memory_bytes{kind="heap_in_use"}"#: breakdown.heapInUse = mebibytes
                case #"palisade_memory_bytes{kind="heap_free"}"#: breakdown.heapFree = mebibytes
                case #"palisade_memory_bytes{kind="sqlite"}"#: breakdown.sqlite = mebibytes
                case #"palisade_remote_cache_entries{cache="keys"}"#: breakdown.keys = Int(value)
                case #"palisade_remote_cache_entries{cache="actors"}"#: breakdown.actors = Int(value)
                case #"palisade_remote_cache_entries{cache="failures"}"#: breakdown.failures = Int(value)
                case "palisade_remote_actor_cache_bytes": breakdown.actorCache = mebibytes
                default: break
                }
            }
            return breakdown
        }
    }

    /// Runs for `seconds` with `concurrency` hostile and good senders at once; `executable` is the palisade binary.
    public static func run(executable: String, seconds: Double, concurrency: Int, progress: @escaping @Sendable (String) -> Void) async throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-bench-soak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // The remote side: a good actor, and an attacker whose every key id answers a 1 MiB document.
        let goodPair = try RSAKeyPair.generate()
        let junkKey = try SigningKey(RSAKeyPair.generate())
        let box = InboxBenchmark.ActorDocumentBox()
        let bigActor = ByteBuffer(string: #"{"@context":"https://www.w3.org/ns/activitystreams","type":"Person","id":"x","name":""# + String(repeating: "a", count: 1_040_000) + #""}"#)
        let numbers = ByteBuffer(string: "[" + String(repeating: "1,", count: 520_000) + "1]")
        let router = Router()
        router.get("/actor") { _, _ in Response(status: .ok, headers: [.contentType: "application/activity+json"], body: .init(byteBuffer: ByteBuffer(bytes: box.document))) }
        router.get("/big/**") { _, _ in Response(status: .ok, headers: [.contentType: "application/activity+json"], body: .init(byteBuffer: bigActor)) }
        router.get("/numbers/**") { _, _ in Response(status: .ok, headers: [.contentType: "application/activity+json"], body: .init(byteBuffer: numbers)) }
        let remote = await BenchmarkSupport.LoopbackServer(router)
        let origin = "http://127.0.0.1:\(remote.port)"
        box.document = JSONValue.object([
            "@context": .string("https://www.w3.org/ns/activitystreams"), "id": .string(origin + "/actor"), "type": .string("Application"),
            "inbox": .string(origin + "/inbox"), "preferredUsername": .string("instance"),
            "publicKey": .object(["id": .string(origin + "/actor#main-key"), "owner": .string(origin + "/actor"), "publicKeyPem": .string(goodPair.publicKeyPEM)]),
        ]).serialized()

        // Palisade as an operator runs it.
        let port = try BenchmarkSupport.freePort()
        let metricsPort = try BenchmarkSupport.freePort()
        let secret = "soak-webhook-secret-0123456789abcdef"
        let environment = [
            "PALISADE_DATA_DIR": directory.appendingPathComponent("data").path, "PALISADE_LISTEN": "127.0.0.1:\(port)",
            "PALISADE_FEDERATION__ALLOW_PRIVATE_ADDRESSES": "true", "PALISADE_LOG__LEVEL": "critical",
            "PALISADE_RULES_DIR": directory.appendingPathComponent("rules").path,
            "PALISADE_METRICS__LISTEN": "127.0.0.1:\(metricsPort)",
        ]
        func cli(_ arguments: [String]) throws {
            let process = try BenchmarkSupport.launch(executable, arguments, environment: environment, in: directory)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw BenchmarkError("palisade \(arguments.joined(separator: " ")) failed") }
        }
        try cli(["admin", "tenants", "add", "acme", "--name", "Acme"])
        try cli(["admin", "instances", "add", "127.0.0.1:\(remote.port)", "--tenant", "acme", "--actor", origin + "/actor", "--webhook-secret", secret, "--decisions", "none"])
        let server = try BenchmarkSupport.launch(executable, ["serve"], environment: environment, in: directory)
        defer { if server.isRunning { server.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        try await BenchmarkSupport.waitUntilHealthy(base)
        progress("palisade serve (pid \(server.processIdentifier)) on \(base); the attacker's documents on \(origin)")

        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(redirectConfiguration: .disallow, connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency * 2)))
        let goodSigner = MessageSigner(key: try SigningKey(goodPair), keyID: origin + "/actor#main-key")
        let counter = Counter()
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        var samples: [(Double, Double)] = []
        let sampler = Task {
            var taken: [(Double, Double)] = []
            var breakdowns: [(Double, MemoryBreakdown)] = []
            while Date() < deadline {
                let seconds = Date().timeIntervalSince(start)
                if let rss = BenchmarkSupport.residentMebibytes(pid: server.processIdentifier) { taken.append((seconds, rss)) }
                if let text = try? await get("http://127.0.0.1:\(metricsPort)/metrics", client: client) {
                    breakdowns.append((seconds, MemoryBreakdown.parse(text)))
                }
                try? await Task.sleep(for: .seconds(5))
            }
            return (taken, breakdowns)
        }
        await withTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    var round = 0
                    while Date() < deadline {
                        round += 1
                        // Two senders only trickle bodies (each takes the server's request time); the rest cycle through
                        // the other kinds, hostile ones twice as often as good ones.
                        let kinds = ["good-flag", "junk-big-key", "junk-numbers-key", "oversized", "junk-big-key", "junk-webhook", "good-webhook", "junk-numbers-key"]
                        let kind = lane < 2 ? "slow-body" : kinds[(lane + round) % kinds.count]
                        let ok = await sendOne(
                            kind: kind, id: "\(lane)-\(round)", base: base, port: port, origin: origin, client: client, goodSigner: goodSigner,
                            junkKey: junkKey, secret: secret)
                        await counter.add(kind, ok: ok)
                    }
                }
            }
        }
        let sampled = await sampler.value
        samples = sampled.0
        if let rss = BenchmarkSupport.residentMebibytes(pid: server.processIdentifier) { samples.append((Date().timeIntervalSince(start), rss)) }
        try await client.shutdown()
        server.terminate()
        server.waitUntilExit()
        await remote.stop()
        let database = try SQLiteStore(path: directory.appendingPathComponent("data/palisade.sqlite").path)
        let stored = try await database.inboxActivityIDs().count
        try database.close()
        let sent = await counter.all
        return Report(samples: samples, breakdowns: sampled.1, sent: sent, storedFlags: stored, acceptedFlags: sent["good-flag"]?.expected ?? 0)
    }

    /// Sends one request of `kind`; whether it got the answer it must get.
    static func sendOne(
        kind: String, id: String, base: String, port: Int, origin: String, client: HTTPClient, goodSigner: MessageSigner, junkKey: SigningKey,
        secret: String
    ) async -> Bool {
        do {
            switch kind {
            case "good-flag", "junk-big-key", "junk-numbers-key":
                let actor = kind == "good-flag" ? origin + "/actor" : origin + (kind == "junk-big-key" ? "/big/" : "/numbers/") + UUID().uuidString
                let body = Data(#"{"@context":"https://www.w3.org/ns/activitystreams","id":"\#(actor)/flags/\#(id)","type":"Flag","actor":"\#(actor)","content":"soak","object":["https://bad.invalid/users/x"]}"#.utf8)
                var message = HTTPMessage(
                    method: "POST", target: "/inbox", scheme: "http",
                    fields: [.init("Host", "127.0.0.1:\(port)"), .init("Content-Type", "application/activity+json")], body: body)
                let signer = kind == "good-flag" ? goodSigner : MessageSigner(key: junkKey, keyID: actor + "#main-key")
                try signer.signCavage(&message, now: Date())
                let status = try await post(base + "/inbox", message.fields.filter { $0.name != "Host" }.map { ($0.name, $0.value) }, body, client: client)
                return status == (kind == "good-flag" ? 202 : 401)
            case "oversized":
                let status = try await post(base + "/inbox", [("Content-Type", "application/activity+json")], Data(count: 2_000_000), client: client)
                return status == 413
            case "junk-webhook":
                let status = try await post(base + "/hooks/mastodon/127.0.0.1:\(origin.split(separator: ":").last!)", [("X-Hub-Signature", "sha256=" + String(repeating: "0", count: 64))], Data("{}".utf8), client: client)
                return status == 401
            case "good-webhook":
                let body = Data(#"{"event":"account.approved","created_at":"2026-01-01T00:00:00Z","object":{"id":"\#(id)"}}"#.utf8)
                let signature = "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
                let status = try await post(base + "/hooks/mastodon/127.0.0.1:\(origin.split(separator: ":").last!)", [("X-Hub-Signature", signature), ("Content-Type", "application/json")], body, client: client)
                return status == 200
            default:  // slow-body: a declared body sent a byte a second, which the server must cut off
                return await BenchmarkSupport.trickle(port: port, seconds: 40)
            }
        } catch {
            return false
        }
    }

    static func post(_ url: String, _ fields: [(String, String)], _ body: Data, client: HTTPClient) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in fields { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// The body of a GET to `url` (at most 4 MiB).
    static func get(_ url: String, client: HTTPClient) async throws -> String {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 4 << 20))
    }

    /// Answers counted by kind.
    actor Counter {
        private(set) var all: [String: (total: Int, expected: Int)] = [:]
        func add(_ kind: String, ok: Bool) {
            let current = all[kind] ?? (0, 0)
            all[kind] = (current.total + 1, current.expected + (ok ? 1 : 0))
        }
    }
}

extension BenchmarkSupport {
    /// A TCP port free on loopback now.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw BenchmarkError("no free port") }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: actual.sin_port))
    }

    /// Starts `executable ARGS` in `directory` with `environment` added (its output discarded).
    static func launch(_ executable: String, _ arguments: [String], environment: [String: String], in directory: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PALISADE_") }.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until `base/healthz` answers 200 (at most 60 s).
    static func waitUntilHealthy(_ base: String) async throws {
        for _ in 0..<600 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/healthz"), timeout: .seconds(2)), response.status == .ok {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchmarkError("the server at \(base) did not become healthy")
    }

    /// The resident memory of process `pid` in MiB (`VmRSS` of /proc), or nil.
    static func residentMebibytes(pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kilobytes / 1024
    }

    /// Opens a connection, declares a 1 KiB body and sends a byte a second; true when the server closes it before
    /// `seconds` (the slow-loris guard), false when it keeps the connection open.
    static func trickle(port: Int, seconds: Int) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(descriptor) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard connected == 0 else { return continuation.resume(returning: false) }
                let head = Array("POST /inbox HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/activity+json\r\nContent-Length: 1024\r\n\r\n".utf8)
                _ = head.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                for _ in 0..<seconds {
                    var byte: UInt8 = 0x20
                    if send(descriptor, &byte, 1, Int32(MSG_NOSIGNAL)) != 1 { return continuation.resume(returning: true) }
                    var pollFD = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    if poll(&pollFD, 1, 1000) > 0 {
                        var buffer = [UInt8](repeating: 0, count: 64)
                        if recv(descriptor, &buffer, buffer.count, 0) <= 0 { return continuation.resume(returning: true) }
                    }
                }
                continuation.resume(returning: false)
            }
        }
    }
}
