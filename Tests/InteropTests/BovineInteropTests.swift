import Foundation
import PalisadeTesting
import Testing

/// A real third-party server: bovine-herd 0.5.19 from PyPI, unchanged, on loopback beside `palisade serve`.
/// bovine finds a hosted account by WebFinger, fetches its actor (bovine and Palisade both sign their GETs),
/// follows it, and verifies and applies the `Accept`; `palisade accounts post` reaches bovine's inbox; bovine's
/// signed `Flag` lands in Palisade's store. `Tests/InteropTests/peers/bovine_peer.py` drives the bovine side.
@Suite(.serialized) struct BovineInteropTests {
    @Test func bovineFollowsReadsAndReportsAHostedAccount() async throws {
        let directory = try TemporaryDirectory("bovine")
        defer { directory.remove() }
        let port = try LoopbackHTTP.unusedPort()
        let origin = "http://127.0.0.1:\(port)"
        let environment = ["PALISADE_LISTEN": "127.0.0.1:\(port)", "PALISADE_FEDERATION__ALLOW_PRIVATE_ADDRESSES": "true"]
        #expect(try await PalisadeCLI.run(["admin", "init"], in: directory.url, environment: environment).status == 0)
        let created = try await PalisadeCLI.run(["accounts", "create", "alice"], in: directory.url, environment: environment)
        #expect(created.status == 0, "\(created.stderr)")

        let server = try PalisadeCLI.launch(["serve"], in: directory.url, environment: environment)
        _ = try await server.waitForLogLine(containing: "notice palisade: listening")
        let bovineLog = directory.url.appendingPathComponent("bovine.log")
        let bovine = try await PythonPeer.Server.start(
            "Tests/InteropTests/peers/bovine_peer.py", ["--workdir", directory.path("bovine")],
            interpreter: try PythonPeer.bovinePython, log: bovineLog)
        defer { bovine.stop() }
        let control = "http://127.0.0.1:\(bovine.port)/control"
        let context = { "\nbovine:\n\(((try? String(contentsOf: bovineLog, encoding: .utf8)) ?? "").suffix(3000))\npalisade:\n\(server.stderr.suffix(3000))" }
        let cow = try json(try await LoopbackHTTP.get(control + "/actor").body)
        let cowID = try #require(cow["id"] as? String)

        // WebFinger, the signed actor fetch, and a signed Follow — all bovine's own client code.
        let followed = try await LoopbackHTTP.post(control + "/follow", json: #"{"handle": "alice@127.0.0.1:\#(port)", "origin": "\#(origin)"}"#)
        #expect(followed.status == 200, "\(followed.body)\(context())")
        let follow = try json(followed.body)
        #expect(follow["actor"] as? String == origin + "/users/alice")
        let document = try #require(follow["actorDocument"] as? [String: Any])
        #expect(document["type"] as? String == "Person")
        #expect((document["publicKey"] as? [String: Any])?["id"] as? String == origin + "/users/alice#main-key")

        // bovine adds alice to its following collection only after verifying our signed Accept of its Follow.
        let following = try await poll("bovine's following collection to hold alice", context: context) {
            let items = try json(try await LoopbackHTTP.get(control + "/following").body)["items"] as? [String] ?? []
            return items.contains(origin + "/users/alice") ? items : nil
        }
        #expect(following == [origin + "/users/alice"])
        let followers = try await PalisadeCLI.run(["accounts", "followers", "alice"], in: directory.url, environment: environment)
        #expect(followers.stdout.contains(cowID), "\(followers.stdout)")

        // A post from the CLI is delivered to bovine's inbox, signed by alice.
        let posted = try await PalisadeCLI.run(["accounts", "post", "alice", "Hello <bovine> & friends"], in: directory.url, environment: environment)
        #expect(posted.status == 0, "\(posted.stderr)")
        let noteID = try #require(posted.stdout.firstMatch(of: /posted (\S+);/).map { String($0.1) })
        let create = try await poll("the Create of \(noteID) in bovine's inbox", context: context) {
            let items = try json(try await LoopbackHTTP.get(control + "/inbox").body)["items"] as? [[String: Any]] ?? []
            return items.first { ($0["object"] as? [String: Any])?["id"] as? String == noteID }
        }
        #expect(create["type"] as? String == "Create")
        #expect(create["actor"] as? String == origin + "/users/alice")
        #expect((create["object"] as? [String: Any])?["content"] as? String == "<p>Hello &lt;bovine&gt; &amp; friends</p>")

        // bovine reports alice and her post to Palisade's service actor; the Flag is stored for moderation.
        let flagged = try await LoopbackHTTP.post(
            control + "/flag", json: #"{"object": ["\#(origin)/users/alice", "\#(noteID)"], "content": "spam from alice", "to": "\#(origin)/actor"}"#)
        #expect(flagged.status == 200, "\(flagged.body)\(context())")
        let flagID = try #require(try json(flagged.body)["flag"] as? String)
        let row = try await poll("bovine's Flag in received_flags", context: context) {
            try await SQLiteShell.query(directory.path("data/palisade.sqlite"), "SELECT reporter_id, object_ids, comment FROM received_flags WHERE activity_id = '\(flagID)'")
                .first
        }
        #expect(row == #"\#(cowID)|["\#(origin.replacingOccurrences(of: "/", with: "\\/"))\/users\/alice","\#(noteID.replacingOccurrences(of: "/", with: "\\/"))"]|spam from alice"#)

        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: 30))
        #expect(server.process.terminationStatus == 0, "\(context())")
    }

    private func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw HarnessError("expected a JSON object, got \(text.prefix(500))")
        }
        return object
    }

    /// Retries `probe` every 100 ms for up to 30 s until it returns a value.
    private func poll<T>(_ what: String, context: () -> String, _ probe: () async throws -> T?) async throws -> T {
        for _ in 0..<300 {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("timed out waiting for \(what)\(context())")
    }
}
