import AsyncHTTPClient
import Foundation
import ModerationAPI
import NIOCore
import NIOHTTP1
import ReviewTUI

/// The moderation API over HTTP(S), for `palisade review` and `palisade login`: bearer token, JSON bodies, the event
/// stream read line by line. A connection failure is `unreachable` (the UI reconnects); an error answer is `refused`
/// with the server's message.
struct HTTPReviewBackend: ReviewBackend {
    let server: String
    let token: String
    let client: HTTPClient
    /// For an operator's token: the tenant named on every request (`?tenant=SLUG`).
    var tenant: String?

    private var api: String { server + "/api/v1/moderation" }

    /// `api + path`, with the operator's tenant added to the query.
    private func url(_ path: String) -> String {
        guard let tenant else { return api + path }
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "tenant", value: tenant)]
        return api + path + (path.contains("?") ? "&" : "?") + (components.percentEncodedQuery ?? "")
    }

    func me() async throws(ReviewBackendError) -> MeBody { try await get("/me") }

    func queues() async throws(ReviewBackendError) -> [QueueBody] { (try await get("/queues") as QueueList).queues }

    func cases(
        _ source: CaseListSource, sort: CaseListing.Sort, states: CaseListing.States, after: Int64?, limit: Int
    ) async throws(ReviewBackendError) -> [CaseSummaryBody] {
        var query: [URLQueryItem] = [URLQueryItem(name: "limit", value: String(limit))]
        switch source {
        case .queue(let queue):
            query.append(URLQueryItem(name: "queue", value: queue))
            if let state = states.query { query.append(URLQueryItem(name: "state", value: state)) }
        case .approvals: query.append(URLQueryItem(name: "state", value: "awaiting_approval"))
        case .search(let text):
            query.append(URLQueryItem(name: "q", value: text))
            if let state = states.query { query.append(URLQueryItem(name: "state", value: state)) }
        }
        query.append(URLQueryItem(name: "sort", value: sort == .priority ? "priority" : "age"))
        if let after { query.append(URLQueryItem(name: "after", value: String(after))) }
        var components = URLComponents()
        components.queryItems = query
        return (try await get("/cases?" + (components.percentEncodedQuery ?? "")) as ModerationAPI.CaseList).cases
    }

    func detail(_ id: Int64) async throws(ReviewBackendError) -> CaseDetailBody { try await get("/cases/\(id)") }

    func transition(_ id: Int64, _ verb: String) async throws(ReviewBackendError) -> TransitionBody {
        try await send(.POST, "/cases/\(id)/\(verb)", body: nil as NoteRequest?)
    }

    func claimNext(queue: String) async throws(ReviewBackendError) -> TransitionBody {
        let name = queue.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? queue
        return try await send(.POST, "/queues/\(name)/claim-next", body: nil as NoteRequest?)
    }

    func decide(_ id: Int64, _ request: DecisionRequest) async throws(ReviewBackendError) -> TransitionBody {
        try await send(.POST, "/cases/\(id)/decisions", body: request)
    }

    func approve(_ id: Int64, decision: Int64) async throws(ReviewBackendError) -> TransitionBody {
        try await send(.POST, "/cases/\(id)/decisions/\(decision)/approve", body: nil as NoteRequest?)
    }

    func reject(_ id: Int64, decision: Int64, reason: String) async throws(ReviewBackendError) -> TransitionBody {
        try await send(.POST, "/cases/\(id)/decisions/\(decision)/reject", body: ReasonRequest(reason: reason))
    }

    func escalate(_ id: Int64, queue: String, newQueue: Bool) async throws(ReviewBackendError) -> TransitionBody {
        try await send(.POST, "/cases/\(id)/escalate", body: EscalateRequest(queue: queue, role: nil, note: nil, newQueue: newQueue ? true : nil))
    }

    func note(_ id: Int64, _ text: String) async throws(ReviewBackendError) {
        let _: TransitionBody = try await send(.POST, "/cases/\(id)/notes", body: NoteRequest(text: text))
    }

    func close(_ id: Int64) async throws(ReviewBackendError) -> TransitionBody {
        try await send(.POST, "/cases/\(id)/close", body: nil as NoteRequest?)
    }

    func appeal(_ id: Int64, statement: String) async throws(ReviewBackendError) -> TransitionBody {
        try await send(.POST, "/cases/\(id)/appeal", body: ReasonRequest(reason: statement))
    }

    func reverse(_ id: Int64, reason: String) async throws(ReviewBackendError) -> TransitionBody {
        try await send(.POST, "/cases/\(id)/reverse", body: ReasonRequest(reason: reason))
    }

    func events() async throws(ReviewBackendError) -> AsyncStream<CaseChangeEvent> {
        var request = HTTPClientRequest(url: url("/events"))
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .hours(24 * 365))
        } catch {
            throw .unreachable(String(describing: error))
        }
        if response.status == .unauthorized { throw .tokenRefused(Self.tokenRefusal) }
        guard response.status == .ok else { throw .refused("the event stream answered \(response.status.code)") }
        let (stream, continuation) = AsyncStream.makeStream(of: CaseChangeEvent.self)
        let lastByte = LastByte()
        let task = Task {
            var line: [UInt8] = []
            var data = ""
            do {
                for try await buffer in response.body {
                    lastByte.touch()
                    for byte in buffer.readableBytesView {
                        guard byte == 0x0A else {
                            line.append(byte)
                            continue
                        }
                        let text = String(decoding: line, as: UTF8.self)
                        line = []
                        // `: heartbeat every 500 ms`: the server promises a byte that often; four missed ones are a lost
                        // connection (at least 2 s). A server that promises nothing is not watched.
                        if text.hasPrefix(": heartbeat every "), let milliseconds = Int(text.dropFirst(": heartbeat every ".count).prefix { $0.isNumber }),
                            milliseconds > 0
                        {
                            lastByte.watch(silenceLimit: max(Self.silenceLimit, 4 * Double(milliseconds) / 1000))
                        }
                        if text.hasPrefix("data:") {
                            data += text.dropFirst(5).trimmingCharacters(in: .whitespaces)
                        } else if text.isEmpty, !data.isEmpty {
                            if let event = try? JSONDecoder.moderationAPI.decode(CaseChangeEvent.self, from: Data(data.utf8)) { continuation.yield(event) }
                            data = ""
                        }
                    }
                }
            } catch {}
            continuation.finish()
        }
        // The server sends a heartbeat every second: a stream silent for 2 s is a lost connection (a dropped network
        // sends nothing, not even a close), so it ends and the UI shows the banner.
        let watchdog = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                if lastByte.isSilent {
                    task.cancel()
                    continuation.finish()
                    return
                }
            }
        }
        continuation.onTermination = { _ in
            task.cancel()
            watchdog.cancel()
        }
        return stream
    }

    /// The shortest silence that counts as a lost connection.
    static let silenceLimit: TimeInterval = 2

    /// What a 401 means to the moderator.
    static let tokenRefusal = "the server refused your token: it was revoked, has expired, or belongs to another server"

    /// When the event stream last sent a byte (on a monotonic clock), and how long a silence may last once the server
    /// announced its heartbeat.
    final class LastByte: @unchecked Sendable {
        private let lock = NSLock()
        private let clock = ContinuousClock()
        private var at: ContinuousClock.Instant
        private var limit: TimeInterval?

        init() { at = clock.now }

        func touch() { lock.withLock { at = clock.now } }

        func watch(silenceLimit: TimeInterval) { lock.withLock { limit = silenceLimit } }

        var isSilent: Bool {
            lock.withLock {
                guard let limit else { return false }
                let silence = clock.now - at
                return Double(silence.components.seconds) + Double(silence.components.attoseconds) / 1e18 > limit
            }
        }
    }

    // MARK: HTTP

    private func get<T: Decodable>(_ path: String) async throws(ReviewBackendError) -> T {
        try await send(.GET, path, body: nil as NoteRequest?)
    }

    private func send<Body: Encodable, T: Decodable>(_ method: HTTPMethod, _ path: String, body: Body?) async throws(ReviewBackendError) -> T {
        var request = HTTPClientRequest(url: url(path))
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body, let data = try? JSONEncoder.moderationAPI.encode(body) {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        let status: HTTPResponseStatus
        let data: Data
        do {
            let response = try await client.execute(request, timeout: .seconds(20))
            status = response.status
            data = Data(try await response.body.collect(upTo: 32 << 20).readableBytesView)
        } catch {
            throw .unreachable(String(describing: error))
        }
        if status == .unauthorized { throw .tokenRefused(Self.tokenRefusal) }
        guard (200..<300).contains(status.code) else {
            let message = (try? JSONDecoder().decode([String: String].self, from: data))?["error"] ?? "the server answered \(status.code)"
            throw .refused(message)
        }
        do {
            return try JSONDecoder.moderationAPI.decode(T.self, from: data)
        } catch {
            throw .refused("unreadable answer from the server: \(error)")
        }
    }
}
