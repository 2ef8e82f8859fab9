import Foundation

/// A real terminal for end-to-end tests of the terminal UI: a tmux server on a socket of its own, one session, keys
/// sent with `send-keys`, the screen read with `capture-pane`.
public final class Tmux: @unchecked Sendable {
    private let socket = "palisade-test-\(UUID().uuidString.prefix(8))"
    /// The session's name.
    public let session = "review"
    private var serverPID: pid_t = 0

    /// Starts a `width` × `height` session running `command` (a shell command line).
    public init(width: Int, height: Int, command: String) async throws {
        _ = try await run(["new-session", "-d", "-s", session, "-x", String(width), "-y", String(height), command])
        _ = try await run(["set-option", "-t", session, "remain-on-exit", "on"])
        serverPID = pid_t(try await run(["display-message", "-p", "#{pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Types keys (tmux key names: `Enter`, `Escape`, `Tab`, `Right`, `C-n`, or literal text with `literal`).
    public func send(_ keys: String..., literal: Bool = false) async throws {
        _ = try await run(["send-keys", "-t", session] + (literal ? ["-l"] : []) + keys)
    }

    /// Resizes the window (the program gets SIGWINCH).
    public func resize(width: Int, height: Int) async throws {
        _ = try await run(["resize-window", "-t", session, "-x", String(width), "-y", String(height)])
    }

    /// The process id of the pane's command (the shell running the test's command line).
    public func panePID() async throws -> pid_t {
        pid_t(try await run(["display-message", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// The screen as text, a line per row.
    public func screen() async throws -> String {
        try await run(["capture-pane", "-p", "-t", session])
    }

    /// Waits until the screen contains `text`; returns the screen.
    @discardableResult
    public func waitFor(_ text: String, timeout: TimeInterval = 20) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try await screen()
            if last.contains(text) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("the terminal never showed '\(text)'; it shows:\n\(last)")
    }

    /// Whether the session's command has exited (its pane is dead).
    public func exited() async throws -> Bool {
        try await run(["display-message", "-p", "-t", session, "#{pane_dead}"]).trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// Ends the tmux server (killed outright when it lingers).
    public func stop() async {
        _ = try? await run(["kill-server"])
        for _ in 0..<20 where serverPID > 0 && kill(serverPID, 0) == 0 { try? await Task.sleep(for: .milliseconds(50)) }
        if serverPID > 0 { kill(serverPID, SIGKILL) }
        serverPID = 0
    }

    deinit {
        // A test that failed before `stop` leaves no server behind.
        if serverPID > 0 { kill(serverPID, SIGKILL) }
    }

    @discardableResult
    private func run(_ arguments: [String]) async throws -> String {
        let socket = self.socket
        return try await offThePool {
            // posix_spawn and waitpid, not Foundation's Process: the tmux server that new-session starts outlives the
            // client and keeps what it inherited, and Process never reaped the client here.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString).out")
            defer { try? FileManager.default.removeItem(at: file) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            // Nothing else of the test process goes to tmux (its server outlives the test): another peer's stdin pipe
            // held open there would never reach end of file.
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
            for descriptor in open where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
            let argv = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
            var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
            defer { for pointer in cArguments { free(pointer) } }
            var pid: pid_t = 0
            let spawned = posix_spawnp(&pid, "tmux", &actions, nil, &cArguments, environ)
            guard spawned == 0 else { throw HarnessError("cannot start tmux: \(String(cString: strerror(spawned)))") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let data = (try? Data(contentsOf: file)) ?? Data()
            guard status == 0 else {
                throw HarnessError("tmux \(arguments.joined(separator: " ")) failed (\(status)): \(String(decoding: data, as: UTF8.self))")
            }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
