import Foundation

/// The built `palisade` executable, run as a real child process.
public enum PalisadeCLI {
    /// What a finished command printed and how it exited.
    public struct Result: Sendable {
        /// The exit status (or the signal number when it was killed).
        public let status: Int32
        /// Standard output.
        public let stdout: String
        /// Standard error.
        public let stderr: String
    }

    /// The executable beside the test binary (both live in the same SwiftPM build folder).
    public static var executable: URL {
        get throws {
            let testBinary = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            var candidates = [testBinary.deletingLastPathComponent().appendingPathComponent("palisade")]
            candidates.append(Fixtures.projectRoot.appendingPathComponent(".build/debug/palisade"))
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw HarnessError("the palisade executable is not built (looked in \(candidates.map(\.path)))")
            }
            return found
        }
    }

    /// Runs `palisade ARGS` in `directory` to completion, with `environment` added to a clean one.
    public static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], timeout: TimeInterval = 60
    ) throws -> Result {
        let child = try launch(arguments, in: directory, environment: environment)
        guard child.waitForExit(timeout: timeout) else {
            // What the process was doing, for a hang that shows only under load: its state, where the kernel has it
            // waiting, its threads, and what it printed.
            let pid = child.process.processIdentifier
            let proc = { (file: String) in ((try? String(contentsOfFile: "/proc/\(pid)/\(file)", encoding: .utf8)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines) }
            let state = proc("stat").split(separator: " ").dropFirst(2).first.map(String.init) ?? "?"
            let threads = proc("status").split(separator: "\n").first { $0.hasPrefix("Threads:") }.map(String.init) ?? "?"
            child.process.terminate()
            throw HarnessError(
                "palisade \(arguments.joined(separator: " ")) did not finish in \(timeout) s (pid \(pid), state \(state), wchan \(proc("wchan")), \(threads)); "
                    + "stdout: \(child.stdout.prefix(500)); stderr: \(child.stderr.prefix(1000))")
        }
        return Result(status: child.process.terminationStatus, stdout: child.stdout, stderr: child.stderr)
    }

    /// `run`, waiting on a thread of its own (see `offThePool`).
    public static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], timeout: TimeInterval = 60
    ) async throws -> Result {
        try await offThePool { try run(arguments, in: directory, environment: environment, timeout: timeout) as Result }
    }

    /// Starts `palisade ARGS` in `directory` and returns at once; output goes to files the caller can read while it runs.
    /// With `softFileLimit`, the process starts with that soft open-file limit (through `sh -c 'ulimit -Sn N; exec …'`,
    /// so the process id is palisade's own); with `fileLimit`, both its soft and hard limits are that.
    public static func launch(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], softFileLimit: Int? = nil, fileLimit: Int? = nil
    ) throws -> Child {
        let process = Process()
        if let limit = fileLimit ?? softFileLimit {
            let option = fileLimit == nil ? "-Sn" : "-n"
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit \(option) \(limit) && exec \"$0\" \"$@\"", try executable.path] + arguments
        } else {
            process.executableURL = try executable
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PALISADE_") }
        base.merge(environment) { _, new in new }
        process.environment = base
        let id = UUID().uuidString
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-\(id).out")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-\(id).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Child(process: process, stdoutURL: outURL, stderrURL: errURL)
    }

    /// A running `palisade` process.
    public final class Child: @unchecked Sendable {
        /// The process.
        public let process: Process
        let stdoutURL: URL
        let stderrURL: URL

        init(process: Process, stdoutURL: URL, stderrURL: URL) {
            self.process = process
            self.stdoutURL = stdoutURL
            self.stderrURL = stderrURL
        }

        deinit {
            if process.isRunning { process.terminate() }
            try? FileManager.default.removeItem(at: stdoutURL)
            try? FileManager.default.removeItem(at: stderrURL)
        }

        /// Everything written to standard output so far.
        public var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
        /// Everything written to standard error so far.
        public var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

        /// Waits until a line of standard error contains `text`; returns that line.
        public func waitForLogLine(containing text: String, timeout: TimeInterval = 60) async throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let line = stderr.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
                guard process.isRunning else {
                    throw HarnessError("palisade exited (\(process.terminationStatus)) before logging '\(text)'; stderr:\n\(stderr)")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw HarnessError("palisade did not log '\(text)' within \(timeout) s; stderr:\n\(stderr)")
        }

        /// Sends a signal (SIGTERM, SIGINT, …).
        public func send(_ signal: Int32) {
            kill(process.processIdentifier, signal)
        }

        /// Waits for the process to end, on a thread of its own (see `offThePool`); false on timeout.
        public func waitForExit(timeout: TimeInterval) async -> Bool {
            (try? await offThePool { self.waitForExit(timeout: timeout) as Bool }) ?? false
        }

        /// Waits for the process to end; false on timeout.
        public func waitForExit(timeout: TimeInterval) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if !process.isRunning { process.waitUntilExit() }
            return !process.isRunning
        }
    }
}

/// A failure of the test harness itself, with what it saw.
public struct HarnessError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Makes an error with its message.
    public init(_ description: String) { self.description = description }
}
