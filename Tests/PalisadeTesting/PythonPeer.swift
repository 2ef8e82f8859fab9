import Foundation

/// A Python peer from `Tests/*/peers/`, run with the virtualenv `make test` creates (`.venv`, or `PALISADE_PYTHON`).
public enum PythonPeer {
    /// The interpreter of the test virtualenv.
    public static var python: URL {
        get throws { try interpreter(variable: "PALISADE_PYTHON", virtualenv: ".venv", holding: "the pinned peers") }
    }

    /// The interpreter of bovine's own virtualenv (`.venv-bovine`, or `PALISADE_BOVINE_PYTHON`): bovine pins
    /// `cryptography` and `http-sf` versions the signature peers cannot share.
    public static var bovinePython: URL {
        get throws { try interpreter(variable: "PALISADE_BOVINE_PYTHON", virtualenv: ".venv-bovine", holding: "bovine-herd 0.5.19") }
    }

    /// `$variable` when set, else the virtualenv's python under the project root (an error saying to run `make test`).
    private static func interpreter(variable: String, virtualenv: String, holding what: String) throws -> URL {
        if let configured = ProcessInfo.processInfo.environment[variable] {
            return URL(fileURLWithPath: configured)
        }
        let venv = Fixtures.projectRoot.appendingPathComponent(virtualenv + "/bin/python")
        guard FileManager.default.isExecutableFile(atPath: venv.path) else {
            throw HarnessError("no virtualenv at \(venv.path): run `make test` (it creates \(virtualenv) with \(what))")
        }
        return venv
    }

    /// Runs `script ARGS` to completion; returns standard output (throws with standard error on a non-zero exit).
    public static func run(_ script: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> String {
        let process = Process()
        process.executableURL = try python
        process.arguments = [Fixtures.projectRoot.appendingPathComponent(script).path] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(script) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: errData, as: UTF8.self).suffix(2000))")
        }
        return String(decoding: outData, as: UTF8.self)
    }

    /// `run`, waiting on a thread of its own (see `offThePool`).
    public static func run(_ script: String, _ arguments: [String], timeout: TimeInterval = 60) async throws -> String {
        try await offThePool { try run(script, arguments, timeout: timeout) as String }
    }

    /// A long-running peer: started with its standard input held open, stopped by closing it.
    public final class Server: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        /// The loopback port the peer printed (`PORT n`).
        public private(set) var port = 0

        /// `init`, waiting for the `PORT n` line on a thread of its own (see `offThePool`).
        public static func start(_ script: String, _ arguments: [String], interpreter: URL? = nil, log: URL? = nil) async throws -> Server {
            try await offThePool { try Server(script, arguments, interpreter: interpreter, log: log) }
        }

        /// Starts `script ARGS` (with `interpreter`, the test virtualenv's by default; standard error to `log` when
        /// given) and waits for its `PORT n` line.
        public init(_ script: String, _ arguments: [String], interpreter: URL? = nil, log: URL? = nil) throws {
            process.executableURL = try interpreter ?? PythonPeer.python
            process.arguments = [Fixtures.projectRoot.appendingPathComponent(script).path] + arguments
            let output = Pipe()
            process.standardOutput = output
            if let log {
                _ = FileManager.default.createFile(atPath: log.path, contents: nil)
                process.standardError = try FileHandle(forWritingTo: log)
            } else {
                process.standardError = FileHandle.standardError
            }
            process.standardInput = input
            try process.run()
            var line = Data()
            while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
                line.append(byte)
            }
            let text = String(decoding: line, as: UTF8.self)
            guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
                stop()
                throw HarnessError("\(script) did not report its port (got '\(text)')")
            }
            self.port = port
        }

        /// Closes standard input and waits for the peer to end (it is terminated after 10 s).
        public func stop() {
            try? input.fileHandleForWriting.close()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        deinit {
            if process.isRunning { process.terminate() }
        }
    }
}
