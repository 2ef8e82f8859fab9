import Foundation
import PalisadeTesting
import Testing

/// Issue 18: `palisade doctor` checks a running deployment from outside, one line per check, and exits 1 on any
/// failure: database, rules and their tests, base_url's /healthz and WebFinger, the published service key, each
/// attached instance's actor and key, and disk space. It creates nothing.
@Suite(.serialized) struct DoctorTests {
    let rule = "id: spam.a\ntitle: a\nwhen: { content: alpha }\naction: { queue: spam }\ntests: [{ match: { content: alpha } }]\n"

    /// The lines of a doctor run, keyed by check name, and its exit status.
    func doctor(_ deployment: LoopbackPalisade, _ arguments: [String] = []) async throws -> (status: Int32, lines: [String: String], output: PalisadeCLI.Result) {
        let result = try await PalisadeCLI.run(["doctor"] + arguments, in: deployment.directory.url, environment: deployment.environment, timeout: 120)
        var lines: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let colon = line.dropFirst(5).range(of: ": ") else { continue }
            lines[String(line.dropFirst(5)[..<colon.lowerBound])] = String(line)
        }
        return (result.status, lines, result)
    }

    @Test func aHealthyDeploymentPassesAndEachBreakageIsNamed() async throws {
        let peer = FixturePeer()
        try await peer.start(documents: [
            "/actor": ("activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social/users/Gargron", "/actor",
                       try Fixtures.text("keys/mastodon-remote-domain-bob.public.pem"))
        ])
        let deployment = try LoopbackPalisade("doctor-healthy")
        defer { deployment.directory.remove() }
        _ = try deployment.directory.write("rules/a.yml", rule)
        try await deployment.cli(["admin", "tenants", "add", "acme"])
        try await deployment.cli(["admin", "instances", "add", "127.0.0.1:\(peer.port)", "--tenant", "acme", "--actor", "\(peer.origin)/actor"])
        let server = try await deployment.serve()

        let healthy = try await doctor(deployment)
        #expect(healthy.status == 0, "\(healthy.output.stdout)\(healthy.output.stderr)")
        #expect(healthy.lines["database"]?.hasPrefix("ok   database: ") == true && healthy.lines["database"]?.contains("none pending") == true)
        #expect(healthy.lines["rules"]?.hasPrefix("ok   rules: 1 rules load and their tests pass, version ") == true, "\(healthy.lines)")
        #expect(healthy.lines["health"] == "ok   health: \(deployment.base)/healthz answers 200")
        let host = "127.0.0.1:\(deployment.port)"
        #expect(healthy.lines["webfinger"] == "ok   webfinger: acct:\(host)@\(host) → \(deployment.base)/actor")
        #expect(healthy.lines["service key"] == "ok   service key: \(deployment.base)/actor publishes this database's key")
        let instance = "instance 127.0.0.1:\(peer.port) (acme)"
        #expect(healthy.lines[instance]?.hasPrefix("ok   \(instance): actor \(peer.origin)/actor and its key ") == true, "\(healthy.lines)")
        #expect(peer.requests.contains { $0.path == "/actor" && $0.signature != nil }, "the instance's actor is fetched signed, as deliveries are")
        #expect(healthy.lines["disk"]?.hasPrefix("ok   disk: ") == true)

        // Broken one at a time: the rules' own tests, the disk floor, the instance.
        _ = try deployment.directory.write("rules/a.yml", rule.replacingOccurrences(of: "match: { content: alpha }", with: "match: { content: gamma }"))
        await peer.stop()
        let broken = try await doctor(deployment, ["--min-free", "100000000"])
        #expect(broken.status == 1)
        #expect(broken.lines["rules"]?.hasPrefix("FAIL rules: 1 of the rules' own tests fail, so serve would refuse them: ") == true, "\(broken.lines)")
        #expect(broken.lines["rules"]?.contains("test of spam.a failed") == true)
        #expect(broken.lines["disk"]?.hasPrefix("FAIL disk: ") == true && broken.lines["disk"]?.contains("under the 97656.2 GiB asked for") == true, "\(broken.lines)")
        #expect(broken.lines[instance] == "FAIL \(instance): actor \(peer.origin)/actor: \(peer.origin)/actor refused the connection", "\(broken.lines)")
        #expect(broken.lines["health"]?.hasPrefix("ok ") == true, "what still works still says so")
        #expect(broken.output.stderr == "Error: 3 checks failed\n")

        // The server gone: health, WebFinger and the key are failures that say why.
        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: 30))
        let stopped = try await doctor(deployment)
        #expect(stopped.status == 1)
        #expect(stopped.lines["health"] == "FAIL health: \(deployment.base)/healthz is not reachable: connection refused (is serve running, and is base_url right?)")
        #expect(stopped.lines["webfinger"]?.hasPrefix("FAIL webfinger: ") == true)
        #expect(stopped.lines["service key"]?.hasPrefix("FAIL service key: ") == true)
    }

    /// base_url that serves another deployment (the classic wrong-database or wrong-proxy mistake) fails the key check.
    @Test func anotherDeploymentBehindBaseURLFailsTheKeyCheck() async throws {
        let other = try LoopbackPalisade("doctor-other")
        defer { other.directory.remove() }
        let server = try await other.serve()
        defer { server.send(SIGTERM) }
        let mine = try LoopbackPalisade("doctor-mine")
        defer { mine.directory.remove() }
        // This deployment's key exists once serve has run.
        let once = try await mine.serve()
        once.send(SIGTERM)
        #expect(await once.waitForExit(timeout: 30))

        let checked = try await doctor(mine, ["--base-url", other.base])
        #expect(checked.status == 1)
        #expect(checked.lines["health"]?.hasPrefix("ok ") == true)
        #expect(checked.lines["webfinger"]?.hasPrefix("ok ") == true)
        #expect(
            checked.lines["service key"]
                == "FAIL service key: \(other.base)/actor publishes a different key than this database holds: base_url serves another deployment, or another database")
    }

    /// Run where there is no deployment, doctor fails the database check and creates nothing.
    @Test func noDatabaseFailsAndCreatesNothing() async throws {
        let directory = try TemporaryDirectory("doctor-empty")
        defer { directory.remove() }
        let port = try LoopbackHTTP.unusedPort()
        let result = try await PalisadeCLI.run(["doctor", "--timeout", "2"], in: directory.url, environment: ["PALISADE_LISTEN": "127.0.0.1:\(port)"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL database: no Palisade database at \(directory.url.standardizedFileURL.path)/data/palisade.sqlite"), "\(result.stdout)")
        #expect(result.stdout.contains("FAIL service key: not checked: the database is not usable"))
        #expect(result.stdout.contains("warn rules: no rules directory at "))
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("data").path), "doctor created nothing")
    }

    /// A server that sends its answer a byte at a time does not hold doctor: each request has one deadline, body
    /// included.
    @Test func aTricklingServerDoesNotHoldTheCheck() async throws {
        let deployment = try LoopbackPalisade("doctor-trickle")
        defer { deployment.directory.remove() }
        let port = try LoopbackHTTP.unusedPort()
        let script = """
            import socket, time
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", \(port))); s.listen(8)
            while True:
                c, _ = s.accept(); c.recv(4096)
                c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 100000\\r\\n\\r\\n")
                try:
                    for _ in range(100000): c.sendall(b"x"); time.sleep(0.5)
                except OSError: pass
            """
        let server = Process()
        server.executableURL = try PythonPeer.python
        server.arguments = ["-c", script]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        try await Task.sleep(for: .milliseconds(500))
        let started = ContinuousClock.now
        let result = try await PalisadeCLI.run(
            ["doctor", "--timeout", "2", "--base-url", "http://127.0.0.1:\(port)"], in: deployment.directory.url, environment: deployment.environment)
        #expect(ContinuousClock.now - started < .seconds(20), "three trickled requests of 2 s each, not 100,000 half-seconds")
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL health: http://127.0.0.1:\(port)/healthz is not reachable: no whole answer within 2 s"), "\(result.stdout)")
    }

    @Test func badArgumentsAreRefused() async throws {
        let directory = try TemporaryDirectory("doctor-arguments")
        defer { directory.remove() }
        let url = try await PalisadeCLI.run(["doctor", "--base-url", "ftp://x"], in: directory.url)
        #expect(url.status == 64 && url.stderr.contains("--base-url must be an http(s) URL"), "\(url.stderr)")
        let timeout = try await PalisadeCLI.run(["doctor", "--timeout", "0"], in: directory.url)
        #expect(timeout.status == 64 && timeout.stderr.contains("--timeout must be between 1 and 300 seconds"), "\(timeout.stderr)")
    }
}
