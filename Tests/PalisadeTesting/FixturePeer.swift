import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A remote server on loopback that serves real actor and key documents from `fixtures/`, with their origin rewritten
/// to its own address. It records the requests it receives.
public final class FixturePeer: @unchecked Sendable {
    /// The loopback port.
    public private(set) var port = 0
    private let lock = NSLock()
    private var received: [(path: String, signature: String?)] = []
    private var getsInFlight = 0
    private var texts: [String: String] = [:]
    private var mostGetsInFlight = 0
    private var posts: [Post] = []
    private var answers: [Int] = []
    private var failingGets: [String: (times: Int, status: Int)] = [:]

    /// A request posted to the peer (an inbox delivery).
    public struct Post: Sendable {
        /// The request path.
        public let path: String
        /// Every header field, names lower-cased.
        public let headers: [(String, String)]
        /// The body.
        public let body: Data

        /// The activity's `type`, read from the body.
        public var activityType: String? {
            ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["type"] as? String
        }
    }
    private var group: ServiceGroup?
    private var task: Task<Void, any Error>?

    /// A peer; call `start`.
    public init() {}

    /// `http://127.0.0.1:PORT`
    public var origin: String { "http://127.0.0.1:\(port)" }

    /// Requests seen so far: path and `Signature` header.
    public var requests: [(path: String, signature: String?)] { lock.withLock { received } }

    /// Serves `text` (as `text/plain`) at `path` from now on.
    public func serve(text: String, at path: String) {
        lock.withLock { texts[path] = text }
    }

    /// The most GETs that were being answered at the same moment.
    public var mostConcurrentGets: Int { lock.withLock { mostGetsInFlight } }

    /// POSTs received so far, in order.
    public var inboxPosts: [Post] { lock.withLock { posts } }

    /// Answers the next `times` GETs of `path` with `status` (then as usual).
    public func failNextGets(of path: String, times: Int, status: Int = 503) {
        lock.withLock { failingGets[path] = (times, status) }
    }

    /// Answers the next POSTs with these statuses, in order (then 202 again).
    public func answerNextPosts(with statuses: [Int]) {
        lock.withLock { answers = statuses }
    }

    /// Waits until `count` POSTs have arrived (up to `seconds`); returns them.
    public func waitForPosts(_ count: Int, seconds: Double = 10) async throws -> [Post] {
        let deadline = Date().addingTimeInterval(seconds)
        while inboxPosts.count < count {
            guard Date() < deadline else { throw HarnessError("expected \(count) POSTs, got \(inboxPosts.count)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return inboxPosts
    }

    /// Starts serving `documents` (path → fixture file, a URL prefix it names and the local path that replaces it, and an
    /// optional PEM for its key) plus `/redirect-to-bob`, `/huge`, `/missing`, `/loop/N` (endless redirects), with
    /// GETs under `/slow/` answered after 0.5 s (under `/slower/`, 2 s); POSTs to any path are recorded and
    /// answered 202 (or as `answerNextPosts` says), after 3 seconds under `/slow/`.
    public func start(documents: [String: (fixture: String, prefix: String, localPath: String, replacingKeyWith: String?)]) async throws {
        let router = Router()
        router.get("**") { request, _ -> Response in
            let path = request.uri.path
            self.lock.withLock {
                self.received.append((path, request.headers[.init("Signature")!]))
                self.getsInFlight += 1
                self.mostGetsInFlight = max(self.mostGetsInFlight, self.getsInFlight)
            }
            defer { self.lock.withLock { self.getsInFlight -= 1 } }
            let failure = self.lock.withLock { () -> Int? in
                guard let failing = self.failingGets[path], failing.times > 0 else { return nil }
                self.failingGets[path] = (failing.times - 1, failing.status)
                return failing.status
            }
            if let failure { return Response(status: .init(code: failure)) }
            // Documents under /slow/ are answered after half a second (to see fetches overlap, coalesce and queue).
            if path.hasPrefix("/slow/") { try await Task.sleep(for: .milliseconds(500)) }
            // Under /slower/, after two seconds: long enough that requests started together are all in flight at once,
            // even on a loaded machine.
            if path.hasPrefix("/slower/") { try await Task.sleep(for: .seconds(2)) }
            // /loop/N redirects to /loop/N+1 for ever.
            if path.hasPrefix("/loop/"), let step = Int(path.dropFirst(6)) {
                return Response(status: .found, headers: [.location: "/loop/\(step + 1)"])
            }
            if let text = self.lock.withLock({ self.texts[path] }) {
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            if path == "/redirect-to-bob" {
                return Response(status: .found, headers: [.location: "/users/bob"])
            }
            if path == "/huge" {
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: " "), count: 3_000_000)))
            }
            guard let document = documents[path] else { return Response(status: .notFound) }
            var text = try Fixtures.text(document.fixture).replacingOccurrences(of: document.prefix, with: self.origin + document.localPath)
            if let pem = document.replacingKeyWith {
                text = Self.replacingPEM(in: text, with: pem)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/activity+json"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let headers = [("host", request.head.authority ?? "")] + request.headers.map { ($0.name.canonicalName, $0.value) }
            let status = self.lock.withLock { () -> Int in
                self.posts.append(Post(path: request.uri.path, headers: headers, body: Data(body.readableBytesView)))
                return self.answers.isEmpty ? 202 : self.answers.removeFirst()
            }
            // An inbox under /slow/ takes 3 seconds to answer (a delivery still in flight when its worker stops).
            if request.uri.path.hasPrefix("/slow/") { try await Task.sleep(for: .seconds(3)) }
            var fields: HTTPFields = [:]
            if status == 429 || status == 503 { fields[.retryAfter] = "120" }
            return Response(status: .init(code: status), headers: fields)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let group = ServiceGroup(services: [app], logger: Logger(label: "fixture-peer"))
        self.group = group
        task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    /// Stops the server.
    public func stop() async {
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
    }

    /// Replaces the first `publicKeyPem` value in a JSON text with `pem`.
    static func replacingPEM(in text: String, with pem: String) -> String {
        guard let range = text.range(of: #""publicKeyPem"\s*:\s*"[^"]*""#, options: .regularExpression) else { return text }
        let escaped = pem.replacingOccurrences(of: "\n", with: "\\n")
        return text.replacingCharacters(in: range, with: "\"publicKeyPem\": \"\(escaped)\"")
    }
}
