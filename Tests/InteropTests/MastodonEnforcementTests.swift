import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Testing

/// Decisions applied through an instance's Mastodon admin API, end to end on loopback: a real `palisade serve`, and a
/// Python server speaking Mastodon's documented admin API (its account is the `Admin::Account` of Mastodon's documented
/// `report.created` webhook). The report arrives by that webhook; a suspension with two defederations becomes one
/// account action (with `report_id` and the decision as `text`), one new domain block — the instance's own block of the
/// other domain survives untouched — and the report resolved; the first call is throttled (429, `Retry-After`) and
/// retried through the job queue. The reversal unsuspends and removes exactly the block Palisade made.
@Suite(.serialized) struct MastodonEnforcementTests: LoopbackAPI {
    @Test func aDecisionIsAppliedThroughTheAdminAPIAndItsReversalUndoesExactlyThat() async throws {
        let palisade = try LoopbackPalisade("mastodon-enforcement")
        let directory = palisade.directory
        defer { directory.remove() }
        let (report, target) = try Self.reportAndTarget()
        let state: [String: Any] = [
            "accounts": [target],
            "domain_blocks": [[
                "id": "1", "domain": "preexisting.example", "severity": "suspend", "reject_media": false, "reject_reports": false,
                "private_comment": "our own call", "public_comment": nil as String? as Any, "obfuscate": false,
            ]],
            "reports": [["id": report["id"] as? String ?? "", "action_taken": false]],
        ]
        let peer = try await Self.adminPeer(state: state, throttle: 1, in: directory)
        defer { peer.stop() }
        let domain = "127.0.0.1:\(peer.port)"
        let base = palisade.base
        let alice = try await Self.attach(domain, tokenFile: directory.path("token"), palisade)
        let server = try await palisade.serve()
        let context = { "\npalisade:\n\(server.stderr.suffix(6000))" }

        // The instance's own report arrives by its webhook.
        #expect(try await palisade.webhook(Data(try Fixtures.text("webhooks/mastodon-report.created.json").utf8), domain: domain, secret: Self.secret) == 200)
        let m = base + "/api/v1/moderation"
        let caseID = try await poll("the webhook's case", context: context) {
            ((try await call(.GET, m + "/cases", token: alice).1["cases"] as? [[String: Any]])?.first?["id"]) as? Int
        }
        let c = m + "/cases/\(caseID)"
        #expect(try await call(.POST, c + "/claim", token: alice).0 == 200)
        let (decided, decision) = try await call(.POST, c + "/decisions", token: alice, json: """
            {"actions": [{"action": "suspend"},
                         {"action": "defederate", "domain": "someothermastodonsite.com", "severity": "suspend", "reject_media": true},
                         {"action": "defederate", "domain": "preexisting.example", "severity": "silence"}],
             "reason": "ban evasion", "category": "violation", "rule_ids": ["ban-evasion"]}
            """)
        #expect(decided == 201, "\(decision)\(context())")

        let applied = try await poll("the decision applied on the instance", context: context) {
            // The case first: once it says delivered, the instance's state read after it shows what was applied.
            let tracked = try await call(.GET, c + "/deliveries", token: alice).1["deliveries"] as? [[String: Any]] ?? []
            return tracked.first?["state"] as? String == "delivered" ? (try await self.state(domain), tracked) : nil
        }
        let accounts = try #require(applied.0["accounts"] as? [[String: Any]])
        #expect(accounts.first?["suspended"] as? Bool == true)
        let blocks = try #require(applied.0["domain_blocks"] as? [[String: Any]])
        #expect(blocks.compactMap { $0["domain"] as? String } == ["preexisting.example", "someothermastodonsite.com"])
        #expect(blocks.first?["severity"] as? String == "suspend", "the instance's own block is not overwritten")
        #expect(blocks.last?["reject_media"] as? Bool == true)
        #expect(blocks.last?["public_comment"] as? String == "category: violation")
        #expect((applied.0["reports"] as? [[String: Any]])?.first?["action_taken"] as? Bool == true)
        let requests = try #require(applied.0["requests"] as? [[String: Any]])
        let action = try #require(requests.first { ($0["path"] as? String)?.hasSuffix("/action") == true }?["form"] as? [String: String])
        #expect(action["type"] == "suspend")
        #expect(action["report_id"] == report["id"] as? String)
        #expect(action["send_email_notification"] == "false")
        #expect(action["text"]?.contains("Reason: ban evasion") == true)
        #expect(requests.filter { $0["method"] as? String == "POST" && $0["path"] as? String == "/api/v1/admin/domain_blocks" }.count == 1)
        let tracked = try #require(applied.1.first)
        #expect(tracked["kind"] as? String == "enforce")
        #expect(tracked["path"] as? String == "mastodon_api")
        #expect(tracked["attempts"] as? Int == 2, "the throttled first attempt was retried: \(tracked)")
        let answer = try #require(tracked["answer"] as? String)
        #expect(answer.contains("applied suspend to account \(target["id"] as? String ?? "?")"))
        #expect(answer.contains("left alone: domain preexisting.example was already blocked by the instance (block #1)"), "\(answer)")

        // The reversal undoes exactly what Palisade applied.
        #expect(try await call(.POST, c + "/appeal", token: alice, json: #"{"reason": "not ban evasion"}"#).0 == 200)
        #expect(try await call(.POST, c + "/claim", token: alice).0 == 200)
        #expect(try await call(.POST, c + "/reverse", token: alice, json: #"{"reason": "a different person"}"#).0 == 200)
        let reversed = try await poll("the reversal on the instance", context: context) {
            let tracked = try await call(.GET, c + "/deliveries", token: alice).1["deliveries"] as? [[String: Any]] ?? []
            return tracked.count == 2 && tracked.allSatisfy({ $0["state"] as? String == "delivered" }) ? try await self.state(domain) : nil
        }
        #expect((reversed["accounts"] as? [[String: Any]])?.first?["suspended"] as? Bool == false)
        #expect((reversed["domain_blocks"] as? [[String: Any]])?.compactMap { $0["domain"] as? String } == ["preexisting.example"])
        let all = try #require(reversed["requests"] as? [[String: Any]])
        #expect(all.contains { $0["path"] as? String == "/api/v1/admin/accounts/\(target["id"] as? String ?? "")/unsuspend" })
        #expect(!all.contains { $0["method"] as? String == "DELETE" && $0["path"] as? String == "/api/v1/admin/domain_blocks/1" })
        #expect(all.allSatisfy { $0["path"] as? String != "/api/v1/admin/accounts/\(target["id"] as? String ?? "")/unsilence" })

        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: 30))
        #expect(server.process.terminationStatus == 0, "\(context())")
    }

    /// A wrong token is refused (401): the job fails with the peer's answer in the case; once the instance's token is
    /// corrected (`palisade admin instances set`, beside the running server), a retry by hand applies the decision.
    @Test func aRefusedJobShowsThePeersAnswerAndARetryByHandAppliesIt() async throws {
        let palisade = try LoopbackPalisade("mastodon-enforcement-retry")
        let directory = palisade.directory
        defer { directory.remove() }
        let (_, target) = try Self.reportAndTarget()
        try "a-token-the-instance-never-granted".write(toFile: directory.path("wrong-token"), atomically: true, encoding: .utf8)
        let peer = try await Self.adminPeer(state: ["accounts": [target]], throttle: 0, in: directory)
        defer { peer.stop() }
        let domain = "127.0.0.1:\(peer.port)"
        let base = palisade.base
        let alice = try await Self.attach(domain, tokenFile: directory.path("wrong-token"), palisade)
        _ = try directory.write("palisade.yml", "metrics:\n  token: metrics-token-0123456789\n")
        let server = try await palisade.serve()
        let context = { "\npalisade:\n\(server.stderr.suffix(6000))" }
        #expect(try await palisade.webhook(Data(try Fixtures.text("webhooks/mastodon-report.created.json").utf8), domain: domain, secret: Self.secret) == 200)
        let c = base + "/api/v1/moderation/cases/1"
        #expect(try await call(.POST, c + "/claim", token: alice).0 == 200)
        #expect(try await call(.POST, c + "/decisions", token: alice, json: #"{"action": "suspend", "reason": "spam"}"#).0 == 201)

        let failed = try await poll("the refused job", context: context) {
            let tracked = try await call(.GET, c + "/deliveries", token: alice).1["deliveries"] as? [[String: Any]] ?? []
            return tracked.first?["state"] as? String == "failed" ? tracked[0] : nil
        }
        let answer = try #require(failed["answer"] as? String)
        #expect(answer.contains("401"), "\(answer)")
        #expect(answer.contains("The access token is invalid"), "\(answer)")
        // Issue 18: the operator's listing shows admin-API jobs beside the signed deliveries.
        let listed = try await palisade.cli(["deliveries", "list"]).stdout
        #expect(listed.contains("\nadmin API: "), "\(listed)")
        let jobLine = try #require(listed.split(separator: "\n").first { $0.hasPrefix("api-") }, "\(listed)")
        #expect(jobLine.contains("\t\(domain) (admin API)\tdecision 1: apply suspend\t"), "\(jobLine)")
        #expect(jobLine.contains("401"), "\(jobLine)")

        try await palisade.cli(["admin", "instances", "set", domain, "--tenant", "acme", "--mastodon-api-token-file", directory.path("token")])
        let (retried, requeued) = try await call(.POST, c + "/deliveries/retry", token: alice)
        #expect(retried == 200)
        #expect(requeued["requeued"] as? Int == 1)
        let applied = try await poll("the retried job", context: context) {
            let tracked = try await call(.GET, c + "/deliveries", token: alice).1["deliveries"] as? [[String: Any]] ?? []
            return tracked.first?["state"] as? String == "delivered" ? tracked[0] : nil
        }
        #expect(applied["attempts"] as? Int == 2)
        // Issue 18: each finished attempt is counted by kind and outcome.
        let (_, metrics) = try await fetch(base + "/metrics", headers: [("Authorization", "Bearer metrics-token-0123456789")])
        let exposition = String(decoding: metrics, as: UTF8.self)
        #expect(exposition.contains(#"palisade_deliveries_total{kind="admin_api",outcome="delivered"} 1"#), "\(exposition)")
        #expect(exposition.contains(#"palisade_deliveries_total{kind="admin_api",outcome="dead"} 1"#), "\(exposition)")
        let delivered = try await palisade.cli(["deliveries", "list", "--state", "delivered"]).stdout
        #expect(delivered.contains("admin API: pending 0, delivered 1, dead 0"), "\(delivered)")
        #expect(delivered.contains("\tdelivered\t2\t-\t\(domain) (admin API)\t"), "\(delivered)")
        #expect((try await state(domain)["accounts"] as? [[String: Any]])?.first?["suspended"] as? Bool == true)

        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: 30))
    }

    static let secret = "webhook-secret-0123456789abcdef"
    static let token = "admin-token-0123456789abcdefghijklmnopqrstuvw"

    /// The documented webhook's report and its target account (an `Admin::Account`).
    static func reportAndTarget() throws -> ([String: Any], [String: Any]) {
        let webhook = try #require(try JSONSerialization.jsonObject(with: Data(try Fixtures.text("webhooks/mastodon-report.created.json").utf8)) as? [String: Any])
        let report = try #require(webhook["object"] as? [String: Any])
        return (report, try #require(report["target_account"] as? [String: Any]))
    }

    /// The admin-API peer holding `state`, granting `token` (written to `token` in the directory).
    static func adminPeer(state: [String: Any], throttle: Int, in directory: TemporaryDirectory) async throws -> PythonPeer.Server {
        try JSONSerialization.data(withJSONObject: state).write(to: directory.url.appendingPathComponent("state.json"))
        try token.write(toFile: directory.path("token"), atomically: true, encoding: .utf8)
        return try await PythonPeer.Server.start(
            "Tests/InteropTests/peers/mastodon_admin_peer.py", ["serve", "--state", directory.path("state.json"), "--token", token, "--throttle", String(throttle)])
    }

    /// Tenant acme with the instance at `domain` (webhooks, decisions through its API only) and moderator alice, whose
    /// token is returned.
    static func attach(_ domain: String, tokenFile: String, _ palisade: LoopbackPalisade) async throws -> String {
        try await palisade.cli(["admin", "tenants", "add", "acme"])
        try await palisade.cli([
            "admin", "instances", "add", domain, "--tenant", "acme", "--actor", "http://\(domain)/actor", "--webhook-secret", secret,
            "--decisions", "none", "--mastodon-api-token-file", tokenFile,
        ])
        return try await palisade.moderator("alice", tenant: "acme")
    }

    private func state(_ domain: String) async throws -> [String: Any] {
        let (_, body) = try await fetch("http://\(domain)/state")
        return (try JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
    }
}
