import Dispatch
import Foundation
import ModerationAPI

#if canImport(Glibc)
import Glibc
#endif

/// Why a request to the server failed.
public enum ReviewBackendError: Error, Sendable {
    /// The server could not be reached (the UI shows the connection banner and reconnects).
    case unreachable(String)
    /// The server answered with an error; its message, for the status line.
    case refused(String)
    /// The server refused the token itself (401: revoked, expired or wrong): the UI asks to log in again.
    case tokenRefused(String)
}

/// The moderation API, as the review UI uses it. The `palisade` executable implements it over HTTP.
public protocol ReviewBackend: Sendable {
    func me() async throws(ReviewBackendError) -> MeBody
    func queues() async throws(ReviewBackendError) -> [QueueBody]
    func cases(
        _ source: CaseListSource, sort: CaseListing.Sort, states: CaseListing.States, after: Int64?, limit: Int
    ) async throws(ReviewBackendError) -> [CaseSummaryBody]
    func detail(_ id: Int64) async throws(ReviewBackendError) -> CaseDetailBody
    /// `claim`, `renew` or `release` of a case.
    func transition(_ id: Int64, _ verb: String) async throws(ReviewBackendError) -> TransitionBody
    func claimNext(queue: String) async throws(ReviewBackendError) -> TransitionBody
    func decide(_ id: Int64, _ request: DecisionRequest) async throws(ReviewBackendError) -> TransitionBody
    func approve(_ id: Int64, decision: Int64) async throws(ReviewBackendError) -> TransitionBody
    /// Turns the proposed decision down, saying why: the case is open again.
    func reject(_ id: Int64, decision: Int64, reason: String) async throws(ReviewBackendError) -> TransitionBody
    /// Sends the case to `queue`; `newQueue` starts a queue nothing uses yet (else the server refuses it).
    func escalate(_ id: Int64, queue: String, newQueue: Bool) async throws(ReviewBackendError) -> TransitionBody
    func note(_ id: Int64, _ text: String) async throws(ReviewBackendError)
    /// Closes the case without a decision.
    func close(_ id: Int64) async throws(ReviewBackendError) -> TransitionBody
    /// Records the account's appeal of the decision in force.
    func appeal(_ id: Int64, statement: String) async throws(ReviewBackendError) -> TransitionBody
    /// Reverses the decision in force (a proposal when lifting it needs approval).
    func reverse(_ id: Int64, reason: String) async throws(ReviewBackendError) -> TransitionBody
    /// The tenant's live case changes; the stream ends when the connection drops or goes silent (the server sends a
    /// heartbeat every second, so a stream with nothing for 2 s is dead).
    func events() async throws(ReviewBackendError) -> AsyncStream<CaseChangeEvent>
}

/// Runs the review UI in a terminal: reads keys, runs `ReviewUpdate`, carries out its commands against the backend,
/// follows live events, redraws what changed after each batch of messages, and puts the terminal back however it ends
/// (quit, error, SIGTERM, SIGINT, SIGHUP), around a suspension (ctrl-z, SIGTSTP; SIGCONT redraws) and on resize
/// (SIGWINCH).
public final class ReviewApp: @unchecked Sendable {
    private let backend: any ReviewBackend
    private let terminal: Terminal
    private let renderer: Renderer
    private let server: String
    private let trace: FileHandle?
    private let messages: AsyncStream<[ReviewMessage]>
    private let batches: AsyncStream<[ReviewMessage]>.Continuation
    private var keyTimes: [Date] = []
    private let lock = NSLock()
    private var signalSources: [any DispatchSourceSignal] = []
    private var suspended = false

    /// An app over `backend`; `colors: false` honours `NO_COLOR`; `trace`, when given, receives one
    /// `key_to_frame_ms N` line per key (the time from reading it to writing the frame it caused).
    public init(backend: any ReviewBackend, terminal: Terminal = Terminal(), server: String, colors: Bool, trace: FileHandle? = nil) {
        self.backend = backend
        self.terminal = terminal
        self.renderer = Renderer(colors: colors)
        self.server = server
        self.trace = trace
        (messages, batches) = AsyncStream.makeStream(of: [ReviewMessage].self)
    }

    /// Sends one message to the loop.
    private func post(_ message: ReviewMessage) { batches.yield([message]) }

    /// Runs until the moderator quits or a terminating signal arrives.
    public func run() async {
        let size = terminal.size
        var model = ReviewModel(width: size.width, height: size.height, now: Date(), server: server)
        terminal.enter()
        defer { terminal.leave() }
        installSignals()
        defer { for source in signalSources { source.cancel() } }
        startKeyReader()
        let ticker = Task { [batches] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                batches.yield([.tick(Date())])
            }
        }
        let events = Task { await self.followEvents() }
        defer {
            ticker.cancel()
            events.cancel()
        }
        var screen: ScreenBuffer?
        for command in ReviewUpdate.start() { execute(command) }
        draw(model, previous: &screen)
        var iterator = messages.makeAsyncIterator()
        // Everything that arrived together (the keys of one read, a paste typed fast) is applied, then drawn once.
        while let batch = await iterator.next() {
            for message in batch {
                if case .resize = message { screen = nil }
                for command in ReviewUpdate.update(&model, message) { execute(command) }
                if case .connection(false) = message { startReconnecting() }
            }
            if model.quitting { break }
            draw(model, previous: &screen)
        }
    }

    private func draw(_ model: ReviewModel, previous: inout ScreenBuffer?) {
        lock.lock()
        let isSuspended = suspended
        lock.unlock()
        guard !isSuspended else {
            previous = nil
            return
        }
        var frame = ScreenBuffer(width: model.width, height: model.height)
        ReviewView.render(model, into: &frame)
        let bytes = renderer.diff(from: previous, to: frame)
        if !bytes.isEmpty { terminal.write(bytes) }
        previous = frame
        let now = Date()
        lock.lock()
        let times = keyTimes
        keyTimes = []
        lock.unlock()
        if let trace {
            for time in times { trace.write(Data(String(format: "key_to_frame_ms %.3f\n", now.timeIntervalSince(time) * 1000).utf8)) }
        }
    }

    // MARK: Input

    private func startKeyReader() {
        let thread = Thread { [terminal, batches, weak self] in
            var decoder = KeyDecoder()
            while true {
                // A lone ESC waits 30 ms for the rest of a sequence before it counts as the Escape key.
                guard let bytes = terminal.read(timeout: decoder.hasPending ? 30 : 250) else { break }
                var keys = bytes.isEmpty ? decoder.flush() : decoder.decode(bytes)
                if bytes.isEmpty && keys.isEmpty { continue }
                if keys.contains(.control("z")) {
                    keys.removeAll { $0 == .control("z") }
                    self?.suspend()
                }
                let now = Date()
                for _ in keys { self?.noteKey(at: now) }
                if !keys.isEmpty { batches.yield(keys.map { .key($0) }) }
            }
        }
        thread.start()
    }

    private func noteKey(at date: Date) {
        lock.lock()
        keyTimes.append(date)
        lock.unlock()
    }

    // MARK: Signals

    private func installSignals() {
        func on(_ number: Int32, _ handler: @escaping @Sendable () -> Void) {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            signalSources.append(source)
        }
        on(SIGWINCH) { [terminal, batches] in
            let size = terminal.size
            batches.yield([.resize(width: size.width, height: size.height)])
        }
        for number in [SIGTERM, SIGINT, SIGHUP] {
            on(number) { [batches] in batches.yield([.key(.control("c"))]) }
        }
        on(SIGTSTP) { [weak self] in self?.suspend() }
        on(SIGCONT) { [weak self] in self?.resume() }
    }

    /// Puts the terminal back and stops the process; SIGCONT brings it back.
    private func suspend() {
        lock.lock()
        suspended = true
        lock.unlock()
        terminal.leave()
        kill(getpid(), SIGSTOP)
    }

    private func resume() {
        lock.lock()
        let was = suspended
        suspended = false
        lock.unlock()
        guard was else { return }
        terminal.enter()
        let size = terminal.size
        post(.resize(width: size.width, height: size.height))
    }

    // MARK: Commands

    private func execute(_ command: ReviewCommand) {
        let backend = self.backend
        let post: @Sendable (ReviewMessage) -> Void = { [batches] in batches.yield([$0]) }
        Task {
            do throws(ReviewBackendError) {
                switch command {
                case .loadMe: post(.me(try await backend.me()))
                case .loadQueues: post(.queues(try await backend.queues()))
                case .loadCases(let source, let sort, let after, let states):
                    let page = try await backend.cases(source, sort: sort, states: states, after: after, limit: ReviewUpdate.pageSize)
                    post(.cases(source, page, appending: after != nil))
                case .loadCase(let id): post(.detail(try await backend.detail(id)))
                case .claim(let id): post(.done(try await backend.transition(id, "claim"), "claimed"))
                case .renew(let id): post(.done(try await backend.transition(id, "renew"), "claim renewed"))
                case .release(let id): post(.done(try await backend.transition(id, "release"), "released"))
                case .claimNext(let queue): post(.done(try await backend.claimNext(queue: queue), "claimed next"))
                case .decide(let id, let request):
                    let outcome = try await backend.decide(id, request)
                    post(.done(outcome, outcome.case.state == "awaiting_approval" ? "proposed; awaiting approval" : "decided"))
                case .approve(let id, let decision): post(.done(try await backend.approve(id, decision: decision), "approved"))
                case .reject(let id, let decision, let reason): post(.done(try await backend.reject(id, decision: decision, reason: reason), "proposal rejected"))
                case .escalate(let id, let queue, let newQueue):
                    post(.done(try await backend.escalate(id, queue: queue, newQueue: newQueue), newQueue ? "escalated to new queue \(queue)" : "escalated to \(queue)"))
                case .note(let id, let text):
                    try await backend.note(id, text)
                    post(.noted(id))
                case .close(let id): post(.done(try await backend.close(id), "closed"))
                case .appeal(let id, let statement): post(.done(try await backend.appeal(id, statement: statement), "appeal recorded"))
                case .reverse(let id, let reason):
                    let outcome = try await backend.reverse(id, reason: reason)
                    post(.done(outcome, outcome.case.state == "awaiting_approval" ? "reversal proposed; awaiting approval" : "decision reversed"))
                case .quit: break
                }
            } catch {
                switch error {
                case .unreachable: post(.connection(false))
                case .refused(let message): post(.failed(message))
                case .tokenRefused(let message): post(.tokenRefused(message))
                }
            }
        }
    }

    private var reconnecting = false

    /// Asks the server who we are every two seconds until it answers; then the UI reloads what it shows.
    private func startReconnecting() {
        lock.lock()
        guard !reconnecting else {
            lock.unlock()
            return
        }
        reconnecting = true
        lock.unlock()
        let backend = self.backend
        let batches = self.batches
        Task {
            while true {
                try? await Task.sleep(for: .seconds(2))
                do throws(ReviewBackendError) {
                    _ = try await backend.me()
                    break
                } catch {
                    // Back, but the token is no good any more: nothing to reconnect to.
                    if case .tokenRefused(let message) = error {
                        self.lock.withLock { self.reconnecting = false }
                        batches.yield([.tokenRefused(message)])
                        return
                    }
                }
            }
            self.lock.withLock { self.reconnecting = false }
            batches.yield([.connection(true)])
        }
    }

    /// Follows the event stream, reconnecting after a drop.
    private func followEvents() async {
        while !Task.isCancelled {
            do throws(ReviewBackendError) {
                let stream = try await backend.events()
                for await event in stream { post(.event(event)) }
                // The stream ended (the server went away, or went silent): the banner shows now, not at the next
                // request; the reconnect loop finds out whether the server is back, or refuses the token.
                if !Task.isCancelled { post(.connection(false)) }
            } catch {
                // Unreachable: the banner and the reconnect loop take over. Refused: the moderator reads why.
                switch error {
                case .unreachable: post(.connection(false))
                case .refused(let message): post(.failed("live updates: " + message))
                case .tokenRefused(let message):
                    // Nothing to follow with a refused token: the screen says to log in again.
                    post(.tokenRefused(message))
                    return
                }
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }
}
