import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Testing

/// Calls to a running `palisade serve` (and its peers) the end-to-end tests share.
protocol LoopbackAPI {}

extension LoopbackAPI {
    func call(_ method: HTTPMethod, _ url: String, token: String, json: String? = nil) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:])
    }

    func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw HarnessError("expected a JSON object, got \(text.prefix(500))")
        }
        return object
    }

    func poll<T>(_ what: String, context: () -> String, _ probe: () async throws -> T?) async throws -> T {
        for _ in 0..<300 {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("timed out waiting for \(what)\(context())")
    }

    /// A plain GET: status and body.
    func fetch(_ url: String, headers: [(String, String)] = []) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), Data(body.readableBytesView))
    }
}

/// A data directory and a loopback port for one `palisade serve`, with the CLI run against the same configuration: what
/// the end-to-end tests set up before they start the server.
struct LoopbackPalisade {
    let directory: TemporaryDirectory
    let port: Int
    /// `http://127.0.0.1:PORT`.
    let base: String
    /// Listen on the port; loopback peers allowed.
    let environment: [String: String]

    init(_ name: String) throws {
        directory = try TemporaryDirectory(name)
        port = try LoopbackHTTP.unusedPort()
        base = "http://127.0.0.1:\(port)"
        environment = ["PALISADE_LISTEN": "127.0.0.1:\(port)", "PALISADE_FEDERATION__ALLOW_PRIVATE_ADDRESSES": "true"]
        // The deployment is set up as the README says, before any admin command.
        let initialised = try PalisadeCLI.run(["admin", "init"], in: directory.url, environment: environment) as PalisadeCLI.Result
        guard initialised.status == 0 else { throw HarnessError("palisade admin init failed: \(initialised.stderr)") }
    }

    /// Runs `palisade ARGS` to completion, expecting success.
    @discardableResult
    func cli(_ arguments: [String], extra: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws -> PalisadeCLI.Result {
        let result = try await PalisadeCLI.run(arguments, in: directory.url, environment: environment.merging(extra) { $1 })
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    /// Adds a moderator of `tenant` and returns their token.
    func moderator(_ name: String, tenant: String, role: String = "moderator") async throws -> String {
        let output = try await cli(["admin", "moderators", "add", name, "--tenant", tenant, "--role", role]).stdout
        guard let token = output.split(separator: "\n").last.map(String.init) else { throw HarnessError("no token for \(name) in: \(output)") }
        return token
    }

    /// Starts `palisade serve` and waits until it listens.
    func serve() async throws -> PalisadeCLI.Child {
        let server = try PalisadeCLI.launch(["serve"], in: directory.url, environment: environment)
        _ = try await server.waitForLogLine(containing: "notice palisade: listening")
        return server
    }

    /// Posts a Mastodon admin webhook for `domain`, signed with `secret`; returns the status.
    func webhook(_ body: Data, domain: String, secret: String) async throws -> Int {
        var request = HTTPClientRequest(url: "\(base)/hooks/mastodon/\(domain)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Hub-Signature", value: "sha256=" + OpenSSLHMAC.sha256(key: secret, body))
        request.body = .bytes(ByteBuffer(bytes: body))
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status.code)
    }
}
