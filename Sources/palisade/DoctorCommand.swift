import ArgumentParser
import Foundation
import NIOCore
import Server

/// `palisade doctor [--base-url URL] [--min-free MIB] [--timeout S]`
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a running deployment: one line per check; exit 1 when any fails.",
        discussion: """
            In order: the database exists, answers and is fully migrated; the rules (and tenant overlays) compile and \
            their own tests pass; base_url/healthz answers 200; WebFinger for the service actor answers with its actor; \
            that actor publishes the key this database signs with; each attached instance's actor fetches (signed, as \
            deliveries are) and so does its key; data_dir's file system has --min-free MiB free. It creates no \
            database or key and migrates nothing. Lines start with ok, warn (worth a look; exit status unaffected) or FAIL.
            """)

    @Option(name: .customLong("base-url"), help: "Check this public URL instead of base_url (e.g. from inside a private network).")
    var baseURL: String?

    @Option(name: .customLong("min-free"), help: "Fail when data_dir's file system has less than this many MiB free.")
    var minimumFreeMiB: UInt64 = 1024

    @Option(help: "Seconds each HTTP request may take.")
    var timeout: Int64 = 10

    @OptionGroup var options: ConfigOption

    func validate() throws {
        guard (1...300).contains(timeout) else { throw ValidationError("--timeout must be between 1 and 300 seconds") }
        guard minimumFreeMiB <= 1 << 30 else { throw ValidationError("--min-free is at most 1073741824 MiB (1 PiB)") }
        if let baseURL {
            guard let url = URLComponents(string: baseURL), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false else {
                throw ValidationError("--base-url must be an http(s) URL, like https://mod.example.org")
            }
        }
    }

    func run() async throws {
        let configuration = try options.load().configuration
        var settings = DeploymentChecks.Settings()
        settings.minimumFreeBytes = minimumFreeMiB << 20
        settings.timeout = .seconds(timeout)
        settings.baseURL = baseURL.flatMap { URL(string: $0.hasSuffix("/") ? String($0.dropLast()) : $0) }
        // Each line as its check finishes; remote answers reach them: shown, never obeyed by the terminal.
        let checks = await DeploymentChecks.run(configuration, settings: settings) { check in
            FileHandle.standardOutput.write(Data((printable(check.line) + "\n").utf8))
        }
        let failed = checks.filter { $0.outcome == .failure }.count
        if failed > 0 {
            FileHandle.standardError.write(Data("Error: \(failed) check\(failed == 1 ? "" : "s") failed\n".utf8))
            throw ExitCode(1)
        }
    }
}
