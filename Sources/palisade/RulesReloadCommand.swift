import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Server

/// `palisade rules reload [--server URL] [--token-file FILE]`
struct RulesReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Ask the running server to reload its rules; print the new version and any diagnostics (exit 1 when it refuses them).",
        discussion: """
            Calls POST /api/v1/admin/rules/reload with the admin token: from --token-file ('-': standard input), else \
            admin.token of the configuration (or PALISADE_ADMIN__TOKEN). The server is --server, else http:// and the \
            configuration's listen address (127.0.0.1 for an unspecified one). The server compiles the set off the \
            hot path while the running set keeps evaluating; a set that does not compile, or whose own tests fail \
            (unless --force or rules.allow_failing_tests), is refused whole, the running set stays, and every \
            diagnostic or failing test is printed to standard error.
            """)

    @Option(help: "The Palisade server, e.g. http://127.0.0.1:8080 (default: the configuration's listen address).")
    var server: String?

    @Option(name: .customLong("token-file"), help: "A file holding the admin token ('-': standard input).")
    var tokenFile: String?

    @Flag(help: "Take the set even if its own tests fail (a set that does not compile is refused regardless).")
    var force = false

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        let token = try tokenFile.map(readSecret(from:)) ?? configuration.admin.token
        guard let token, !token.isEmpty else {
            throw RulesReloadError("no admin token: pass --token-file, or set admin.token in the configuration (or PALISADE_ADMIN__TOKEN)")
        }
        let base = server ?? Self.localServer(configuration.listen)
        guard let url = URLComponents(string: base), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false else {
            throw ValidationError("--server must be an http(s) URL, like http://127.0.0.1:8080")
        }
        let endpoint = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/api/v1/admin/rules/reload" + (force ? "?force=true" : "")
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let outcome: Result<(status: Int, body: Data), any Error>
        do {
            var request = HTTPClientRequest(url: endpoint)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await client.execute(request, timeout: .seconds(300))
            let body = try await response.body.collect(upTo: 4 << 20)
            outcome = .success((Int(response.status.code), Data(body.readableBytesView)))
        } catch {
            outcome = .failure(error)
        }
        try await client.shutdown()
        let (status, body): (Int, Data)
        switch outcome {
        case .success(let answer): (status, body) = answer
        case .failure(let error): throw RulesReloadError("cannot reach \(base): \(error)")
        }
        let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        func list(_ key: String) -> [String] { json[key] as? [String] ?? [] }
        switch status {
        case 200:
            let rules = (json["rules"] as? NSNumber)?.intValue ?? 0
            var line = "rule set version \(json["version"] as? String ?? "?") (\(rules) rules"
            for (label, ids) in [("added", list("added")), ("removed", list("removed")), ("changed", list("changed"))] where !ids.isEmpty {
                line += "; \(label) \(ids.joined(separator: ", "))"
            }
            // What the server says is shown, never obeyed by the terminal.
            print(printable(line + ")"))
            for warning in list("warnings") { print(printable(warning)) }
        case 422:
            for diagnostic in list("diagnostics") { FileHandle.standardError.write(Data((printable(diagnostic) + "\n").utf8)) }
            let version = printable(json["version"] as? String ?? "?")
            FileHandle.standardError.write(Data("error: the server refused the rules; version \(version) stays in use\n".utf8))
            throw ExitCode(1)
        case 401, 403:
            throw RulesReloadError("\(base) refused the admin token (\(status))")
        case 404:
            throw RulesReloadError("\(base) has no admin API (404): set admin.token in its configuration, or check --server")
        default:
            throw RulesReloadError("\(base) answered \(status): \(printable(json["error"] as? String ?? String(decoding: body.prefix(200), as: UTF8.self)))")
        }
    }

    /// `http://` and the listen address, with a loopback address in place of an unspecified one.
    static func localServer(_ listen: ListenAddress) -> String {
        var address = listen
        if address.host == "0.0.0.0" || address.host.isEmpty { address.host = "127.0.0.1" }
        if address.host == "::" { address.host = "::1" }
        return "http://\(address)"
    }
}

/// Why `rules reload` could not reload.
struct RulesReloadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
