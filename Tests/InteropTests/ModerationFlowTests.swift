import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Testing

/// End to end on loopback, against a real `palisade serve`: an attached instance's `Flag` (Mastodon's documented
/// shape), signed by Python's independent `httpsig`, becomes a case in the tenant's queue; a moderator claims it and
/// proposes a suspension, a second moderator approves it, the audit chain verifies (`palisade admin audit verify`,
/// beside the running server), an appeal reopens the case and a reversal lifts the sanction.
@Suite(.serialized) struct ModerationFlowTests: LoopbackAPI {
    @Test func aSignedFlagBecomesACaseThatIsSuspendedWithApprovalAppealedAndReversed() async throws {
        let directory = try TemporaryDirectory("moderation-flow")
        defer { directory.remove() }
        // The instance: its actor (Mastodon's service actor document, with the test key) served on loopback.
        let peer = FixturePeer()
        let bobPEM = try Fixtures.text("keys/mastodon-remote-domain-bob.public.pem")
        try await peer.start(documents: [
            "/actor": ("activitystreams/akkoma/mastodon-service-actor.json", "https://mastodont.cat/users/fediverse", "/actor", bobPEM)
        ])
        let instance = "http://127.0.0.1:\(peer.port)"
        // The reported account's server: one reported status is served (Mastodon's documented Note), the other is gone.
        let reported = FixturePeer()
        try await reported.start(documents: [
            "/posts/380590": ("activitystreams/mastodon-docs/note-hashtag.json", "https://example.com/some-post", "/posts/380590", nil)
        ])
        let reportedOrigin = "http://127.0.0.1:\(reported.port)"
        let port = try LoopbackHTTP.unusedPort()
        let base = "http://127.0.0.1:\(port)"
        let environment = ["PALISADE_LISTEN": "127.0.0.1:\(port)", "PALISADE_FEDERATION__ALLOW_PRIVATE_ADDRESSES": "true"]
        func cli(_ arguments: [String]) async throws -> PalisadeCLI.Result {
            let result = try await PalisadeCLI.run(arguments, in: directory.url, environment: environment)
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
        _ = try await cli(["admin", "init"])
        _ = try await cli(["admin", "tenants", "add", "acme", "--name", "Acme", "--require-approval", "suspend"])
        _ = try await cli(["admin", "instances", "add", "127.0.0.1:\(peer.port)", "--tenant", "acme", "--actor", instance + "/actor"])
        let alice = try #require(try await cli(["admin", "moderators", "add", "alice", "--tenant", "acme", "--role", "moderator"]).stdout
            .split(separator: "\n").last.map(String.init))
        let bob = try #require(try await cli(["admin", "moderators", "add", "bob", "--tenant", "acme", "--role", "moderator"]).stdout
            .split(separator: "\n").last.map(String.init))

        let server = try PalisadeCLI.launch(["serve"], in: directory.url, environment: environment)
        _ = try await server.waitForLogLine(containing: "notice palisade: listening")
        let context = { "\npalisade:\n\(server.stderr.suffix(4000))" }

        // An instance attached without --actor: its instance actor is found through WebFinger (acct:HOST@HOST), here
        // Palisade's own, answered by the running server.
        let discovered = try await cli(["admin", "instances", "add", "127.0.0.1:\(port)", "--tenant", "acme"])
        #expect(discovered.stdout.contains("(instance actor \(base)/actor;"), "\(discovered.stdout)")
        let undiscoverable = try await PalisadeCLI.run(
            ["admin", "instances", "add", "127.0.0.1:\(peer.port)", "--tenant", "acme"], in: directory.url, environment: environment)
        #expect(undiscoverable.status != 0)
        #expect(undiscoverable.stderr.contains("could not discover the instance actor of 127.0.0.1:\(peer.port)"), "\(undiscoverable.stderr)")

        // The Flag, as Mastodon documents it, from the instance actor; signed and sent by Python.
        let flag = try Fixtures.text("activitystreams/mastodon-docs/flag.json")
            .replacingOccurrences(of: "https://mastodon.example", with: instance).replacingOccurrences(of: "https://example.com", with: reportedOrigin)
        let sent = try await PythonPeer.run("Tests/InteropTests/peers/signature_peer.py", [
            "send", "--url", base + "/inbox", "--private-key", Fixtures.url("keys/mastodon-remote-domain-bob.private.pem").path,
            "--key-id", instance + "/actor#main-key", "--dialect", "cavage", "--body", flag,
        ])
        let answer = try json(sent)
        #expect(answer["status"] as? Int == 202, "\(sent)\(context())")

        let m = base + "/api/v1/moderation"
        let summary = try await poll("the Flag's case", context: context) {
            let (_, list) = try await call(.GET, m + "/cases?queue=reports", token: alice)
            return (list["cases"] as? [[String: Any]])?.first
        }
        #expect(summary["account"] as? String == reportedOrigin + "/users/1")
        #expect(summary["state"] as? String == "open")
        let caseID = try #require(summary["id"] as? Int)
        let c = m + "/cases/\(caseID)"
        let (_, detail) = try await call(.GET, c, token: alice)
        let report = try #require((detail["reports"] as? [[String: Any]])?.first)
        #expect(report["comment"] as? String == "Please take a look at this user and their posts")
        #expect(report["reporter"] as? String == instance + "/actor")
        // The statuses' text is fetched from their server when the Flag names them only by URI; one that cannot be
        // fetched keeps its URI alone.
        let statuses = try #require(report["statuses"] as? [[String: Any]])
        #expect(statuses.compactMap { $0["id"] as? String } == [reportedOrigin + "/posts/380590", reportedOrigin + "/posts/380591"])
        #expect(statuses.first?["text"] as? String == "I love #cats")
        #expect(statuses.last?["text"] == nil)

        let (claimed, _) = try await call(.POST, c + "/claim", token: alice)
        #expect(claimed == 200)
        let (proposed, proposal) = try await call(
            .POST, c + "/decisions", token: alice, json: #"{"action": "suspend", "reason": "spam network", "category": "spam", "rule_ids": [], "expires_at": null}"#)
        #expect(proposed == 201, "\(proposal)")
        #expect((proposal["case"] as? [String: Any])?["state"] as? String == "awaiting_approval")
        let decisionID = try #require(proposal["decision_id"] as? Int)
        #expect(try await call(.POST, c + "/decisions/\(decisionID)/approve", token: alice).0 == 403)
        let (approved, approval) = try await call(.POST, c + "/decisions/\(decisionID)/approve", token: bob)
        #expect(approved == 200)
        #expect((approval["case"] as? [String: Any])?["state"] as? String == "decided")
        let (_, sanctions) = try await call(.GET, m + "/sanctions?target=\(reportedOrigin)/users/1", token: alice)
        #expect((sanctions["sanctions"] as? [[String: Any]])?.count == 1)

        let verified = try await cli(["admin", "audit", "verify"])
        #expect(verified.stdout.hasPrefix("audit log intact: "))

        // Issue 18: the operator reads cases from the command line with the API's filters.
        let caseNumber = c.split(separator: "/").last.map(String.init) ?? "?"
        let decidedList = try await cli(["cases", "list", "--tenant", "acme", "--state", "decided"]).stdout.split(separator: "\n")
        #expect(decidedList.first == "ID\tSTATE\tQUEUE\tPRIORITY\tACCOUNT\tHOLDER\tREPORTS\tHITS\tCREATED\tSLA DUE")
        #expect(decidedList.dropFirst().contains { $0.hasPrefix("\(caseNumber)\tdecided\t") && $0.contains("\(reportedOrigin)/users/1") }, "\(decidedList)")
        #expect(try await cli(["cases", "list", "--tenant", "acme", "--state", "open,claimed,escalated"]).stdout == "no cases\n")
        // Issue 18: the review UI's search, from the CLI: the decided case by its number, and nothing by another's.
        let searched = try await cli(["cases", "list", "--tenant", "acme", "--search", "#\(caseNumber)"]).stdout
        #expect(searched.split(separator: "\n").count == 2 && searched.contains("\n\(caseNumber)\tdecided\t"), "\(searched)")
        #expect(try await cli(["cases", "list", "--tenant", "acme", "--search", "#999999"]).stdout == "no cases\n")
        let blank = try await PalisadeCLI.run(["cases", "list", "--tenant", "acme", "--search", " "], in: directory.url, environment: environment)
        #expect(blank.status == 64 && blank.stderr.contains("--search is 1–300 characters"), "\(blank.stderr)")
        let shown = try await cli(["cases", "show", caseNumber, "--tenant", "acme"]).stdout
        #expect(shown.hasPrefix("case \(caseNumber): decided in "), "\(shown)")
        #expect(shown.contains("in_force: suspend by alice, approved by bob"), "\(shown)")
        #expect(shown.contains(" bob approve\n"), "\(shown)")
        let unknown = try await PalisadeCLI.run(["cases", "list", "--tenant", "nobody"], in: directory.url, environment: environment)
        #expect(unknown.stderr == "Error: no tenant 'nobody' (palisade admin tenants list shows them)\n")

        let (appealed, appeal) = try await call(.POST, c + "/appeal", token: bob, json: #"{"reason": "my account was hacked"}"#)
        #expect(appealed == 200, "\(appeal)\(context())")
        #expect(try await call(.POST, c + "/claim", token: bob).0 == 200)
        let (reversed, reversal) = try await call(.POST, c + "/reverse", token: bob, json: #"{"reason": "the account was compromised"}"#)
        #expect(reversed == 200, "\(reversal)")
        // The suspension needed two people, so lifting it does: bob's reversal waits for alice.
        #expect((reversal["case"] as? [String: Any])?["state"] as? String == "awaiting_approval")
        let reversalID = try #require(reversal["decision_id"] as? Int)
        #expect(try await call(.POST, c + "/decisions/\(reversalID)/approve", token: bob).0 == 403)
        #expect(try await call(.POST, c + "/decisions/\(reversalID)/approve", token: alice).0 == 200)
        let (_, after) = try await call(.GET, m + "/sanctions", token: alice)
        #expect((after["sanctions"] as? [Any])?.isEmpty == true)
        let (_, history) = try await call(.GET, c + "/history", token: alice)
        #expect((history["history"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
            == ["intake", "claim", "proposal", "approve", "appeal", "claim", "reverse_proposal", "approve"])
        #expect(try await cli(["admin", "audit", "verify", "--tenant", "acme"]).stdout.hasPrefix("audit log intact: "))

        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: 30))
        #expect(server.process.terminationStatus == 0, "\(context())")
        await peer.stop()
        await reported.stop()
    }
}
