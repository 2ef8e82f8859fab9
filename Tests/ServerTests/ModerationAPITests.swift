import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Server
import Testing

/// The moderation and admin APIs on a live server: every endpoint refuses a missing token (401), a weaker role (403)
/// and another tenant's token (404); the webhook intake; a review from claim to reversal; and the event stream.
@Suite(.serialized) struct ModerationAPITests {
    static let operatorToken = "operator-token-for-tests"
    static let secret = "webhook-secret-0123456789abcdef"

    struct World {
        let live: ServerHarness.Live
        let base: String
        var tokens: [String: String] = [:]
        var caseID = 0
        var decisionID = 0
    }

    func call(_ method: HTTPMethod, _ url: String, token: String?, json: String? = nil, headers: [(String, String)] = [])
        async throws -> (Int, [String: Any], String)
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 22)
        let text = String(buffer: body)
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object, text)
    }

    func webhook(_ base: String, domain: String, body: Data, signature: String?) async throws -> (Int, [String: Any], String) {
        var request = HTTPClientRequest(url: "\(base)/hooks/mastodon/\(domain)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let signature { request.headers.add(name: "X-Hub-Signature", value: signature) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:], text)
    }

    /// Two tenants (acme asks a second moderator to approve suspensions), their moderators, and one case in acme from the
    /// documented webhook payload.
    func world(_ harness: inout ServerHarness) async throws -> World {
        harness.configuration.admin.token = Self.operatorToken
        let live = await harness.startServer()
        var world = World(live: live, base: "http://127.0.0.1:\(live.port)")
        let admin = world.base + "/api/v1/admin"
        for (slug, approval) in [("acme", #"["suspend"]"#), ("globex", "[]")] {
            let (status, _, text) = try await call(
                .POST, admin + "/tenants", token: Self.operatorToken, json: #"{"slug": "\#(slug)", "name": "\#(slug)", "approval_required": \#(approval)}"#)
            #expect(status == 201, "\(text)")
        }
        for (name, tenant, role) in [
            ("acme-triage", "acme", "triage"), ("acme-mod", "acme", "moderator"), ("acme-mod2", "acme", "moderator"), ("acme-admin", "acme", "admin"),
            ("globex-triage", "globex", "triage"), ("globex-mod", "globex", "moderator"), ("globex-admin", "globex", "admin"),
        ] {
            let (status, body, text) = try await call(
                .POST, admin + "/moderators?tenant=\(tenant)", token: Self.operatorToken, json: #"{"name": "\#(name)", "role": "\#(role)"}"#)
            #expect(status == 201, "\(text)")
            world.tokens[name] = try #require(body["token"] as? String)
        }
        let (attached, _, text) = try await call(
            .POST, admin + "/instances?tenant=acme", token: Self.operatorToken,
            json: #"{"domain": "mastodonwebsite", "actor": "https://mastodonwebsite/actor", "webhook_secret": "\#(Self.secret)"}"#)
        #expect(attached == 201, "\(text)")
        let payload = Data(try Fixtures.text("webhooks/mastodon-report.created.json").utf8)
        let (hooked, result, hookText) = try await webhook(
            world.base, domain: "mastodonwebsite", body: payload, signature: "sha256=" + OpenSSLHMAC.sha256(key: Self.secret, payload))
        #expect(hooked == 200, "\(hookText)")
        #expect(result["result"] as? String == "case_opened")
        world.caseID = try #require(result["case_id"] as? Int)
        return world
    }

    struct Endpoint: CustomStringConvertible {
        let method: HTTPMethod
        let path: String
        let role: String
        let body: String?
        /// Names a resource of acme's (another tenant's token must get 404).
        let ownsResource: Bool

        var description: String { "\(method) \(path)" }
    }

    func endpoints(_ world: World) -> [Endpoint] {
        let c = "/api/v1/moderation/cases/\(world.caseID)"
        let m = "/api/v1/moderation"
        let a = "/api/v1/admin"
        return [
            Endpoint(method: .GET, path: m + "/me", role: "triage", body: nil, ownsResource: false),
            Endpoint(method: .GET, path: m + "/queues", role: "triage", body: nil, ownsResource: false),
            Endpoint(method: .GET, path: m + "/cases", role: "triage", body: nil, ownsResource: false),
            Endpoint(method: .GET, path: c, role: "triage", body: nil, ownsResource: true),
            Endpoint(method: .GET, path: c + "/history", role: "triage", body: nil, ownsResource: true),
            Endpoint(method: .POST, path: c + "/claim", role: "triage", body: nil, ownsResource: true),
            Endpoint(method: .POST, path: c + "/renew", role: "triage", body: nil, ownsResource: true),
            Endpoint(method: .POST, path: c + "/release", role: "triage", body: nil, ownsResource: true),
            Endpoint(method: .POST, path: m + "/queues/reports/claim-next", role: "triage", body: nil, ownsResource: false),
            Endpoint(method: .POST, path: c + "/decisions", role: "moderator", body: #"{"action": "silence", "reason": "x"}"#, ownsResource: true),
            Endpoint(method: .POST, path: c + "/decisions/1/approve", role: "moderator", body: nil, ownsResource: true),
            Endpoint(method: .POST, path: c + "/decisions/1/reject", role: "moderator", body: #"{"reason": "no"}"#, ownsResource: true),
            Endpoint(method: .POST, path: c + "/notes", role: "triage", body: #"{"text": "hello"}"#, ownsResource: true),
            Endpoint(method: .POST, path: c + "/escalate", role: "triage", body: #"{"queue": "legal"}"#, ownsResource: true),
            Endpoint(method: .POST, path: c + "/close", role: "moderator", body: nil, ownsResource: true),
            Endpoint(method: .POST, path: c + "/appeal", role: "moderator", body: #"{"reason": "not me"}"#, ownsResource: true),
            Endpoint(method: .POST, path: c + "/reverse", role: "moderator", body: #"{"reason": "wrong"}"#, ownsResource: true),
            Endpoint(method: .GET, path: c + "/deliveries", role: "triage", body: nil, ownsResource: true),
            Endpoint(method: .POST, path: c + "/deliveries/retry", role: "moderator", body: nil, ownsResource: true),
            Endpoint(method: .GET, path: m + "/sanctions", role: "triage", body: nil, ownsResource: false),
            Endpoint(method: .GET, path: m + "/events", role: "triage", body: nil, ownsResource: false),
            Endpoint(method: .GET, path: a + "/tenants", role: "admin", body: nil, ownsResource: false),
            Endpoint(method: .POST, path: a + "/tenants", role: "operator", body: #"{"slug": "initech", "name": "Initech"}"#, ownsResource: false),
            Endpoint(method: .GET, path: a + "/instances", role: "admin", body: nil, ownsResource: false),
            Endpoint(method: .GET, path: a + "/instances/proof?domain=m2.example", role: "admin", body: nil, ownsResource: false),
            Endpoint(method: .POST, path: a + "/instances", role: "admin", body: #"{"domain": "m2.example", "actor": "https://m2.example/actor"}"#, ownsResource: false),
            Endpoint(method: .GET, path: a + "/reason-templates", role: "admin", body: nil, ownsResource: false),
            Endpoint(method: .PUT, path: a + "/reason-templates", role: "admin", body: #"{"templates": ["Spam"]}"#, ownsResource: false),
            Endpoint(method: .PATCH, path: a + "/instances/mastodonwebsite", role: "admin", body: #"{"decision_route": "none"}"#, ownsResource: true),
            Endpoint(method: .DELETE, path: a + "/instances/mastodonwebsite", role: "admin", body: nil, ownsResource: true),
            Endpoint(method: .GET, path: a + "/moderators", role: "admin", body: nil, ownsResource: false),
            Endpoint(method: .POST, path: a + "/moderators", role: "admin", body: #"{"name": "newbie", "role": "triage"}"#, ownsResource: false),
            Endpoint(method: .POST, path: a + "/moderators/acme-mod/tokens", role: "admin", body: nil, ownsResource: true),
            Endpoint(method: .DELETE, path: a + "/tokens/acme-mod2", role: "admin", body: nil, ownsResource: true),
            Endpoint(method: .POST, path: a + "/reporters/mute", role: "admin", body: #"{"reporter": "https://x.example/actor"}"#, ownsResource: false),
            Endpoint(method: .POST, path: a + "/reporters/unmute", role: "admin", body: #"{"reporter": "https://x.example/actor"}"#, ownsResource: false),
            Endpoint(method: .GET, path: a + "/audit/verify", role: "admin", body: nil, ownsResource: false),
            Endpoint(method: .POST, path: a + "/feed-token", role: "admin", body: nil, ownsResource: false),
            Endpoint(method: .DELETE, path: a + "/feed-token", role: "admin", body: nil, ownsResource: false),
        ]
    }

    /// Generated over every endpoint: no token 401, a weaker role of the same tenant 403, another tenant's token (with
    /// enough role) 404 for anything of acme's.
    @Test func everyEndpointChecksTokenRoleAndTenant() async throws {
        var harness = try ServerHarness("moderation-auth")
        let world = try await world(&harness)
        let weaker = ["moderator": "acme-triage", "admin": "acme-mod", "operator": "acme-admin"]
        let otherTenant = ["triage": "globex-triage", "moderator": "globex-mod", "admin": "globex-admin"]
        for endpoint in endpoints(world) {
            let url = world.base + endpoint.path
            let (anonymous, problem, _) = try await call(endpoint.method, url, token: nil, json: endpoint.body)
            #expect(anonymous == 401, "\(endpoint) without a token")
            #expect(problem["code"] as? String == "unauthenticated", "\(endpoint)")
            #expect(try await call(endpoint.method, url, token: "pal_forged_token", json: endpoint.body).0 == 401, "\(endpoint) forged")
            if let name = weaker[endpoint.role] {
                let (status, body, _) = try await call(endpoint.method, url, token: world.tokens[name], json: endpoint.body)
                #expect(status == 403, "\(endpoint) as \(name)")
                #expect(body["code"] as? String == "forbidden", "\(endpoint)")
            }
            if endpoint.ownsResource, let name = otherTenant[endpoint.role] {
                let (status, body, text) = try await call(endpoint.method, url, token: world.tokens[name], json: endpoint.body)
                #expect(status == 404, "\(endpoint) as \(name): \(text)")
                #expect(body["code"] as? String == "not_found", "\(endpoint)")
            }
        }
        // Listings of another tenant's token show only its own tenant.
        let (_, queues, _) = try await call(.GET, world.base + "/api/v1/moderation/cases", token: world.tokens["globex-triage"])
        #expect((queues["cases"] as? [Any])?.isEmpty == true)
        let (_, tenants, _) = try await call(.GET, world.base + "/api/v1/admin/tenants", token: world.tokens["globex-admin"])
        #expect((tenants["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["globex"])
        // An operator must name the tenant.
        let (noTenant, body, _) = try await call(.GET, world.base + "/api/v1/moderation/queues", token: Self.operatorToken)
        #expect(noTenant == 400)
        #expect(body["code"] as? String == "tenant_required")
        #expect(try await call(.GET, world.base + "/api/v1/moderation/queues?tenant=acme", token: Self.operatorToken).0 == 200)
        try await world.live.stop()
    }

    @Test func webhooksAreCheckedAndReplaysChangeNothing() async throws {
        var harness = try ServerHarness("moderation-webhooks")
        let world = try await world(&harness)
        let payload = Data(try Fixtures.text("webhooks/mastodon-report.created.json").utf8)
        let good = "sha256=" + OpenSSLHMAC.sha256(key: Self.secret, payload)
        let (replayed, replay, _) = try await webhook(world.base, domain: "mastodonwebsite", body: payload, signature: good)
        #expect(replayed == 200)
        #expect(replay["result"] as? String == "duplicate")
        #expect(replay["case_id"] as? Int == world.caseID)
        let (wrong, wrongBody, _) = try await webhook(
            world.base, domain: "mastodonwebsite", body: payload, signature: "sha256=" + OpenSSLHMAC.sha256(key: "not the secret at all", payload))
        #expect(wrong == 401)
        #expect(wrongBody["code"] as? String == "bad_signature")
        #expect(try await webhook(world.base, domain: "mastodonwebsite", body: payload, signature: nil).0 == 401)
        #expect(try await webhook(world.base, domain: "unknown.example", body: payload, signature: good).0 == 404)
        #expect(try await webhook(world.base, domain: "not a domain", body: payload, signature: good).0 == 404)
        let junk = Data("{\"event\": 42}".utf8)
        let (malformed, malformedBody, _) = try await webhook(
            world.base, domain: "mastodonwebsite", body: junk, signature: "sha256=" + OpenSSLHMAC.sha256(key: Self.secret, junk))
        #expect(malformed == 400)
        #expect(malformedBody["code"] as? String == "malformed")
        let huge = Data(repeating: UInt8(ascii: " "), count: 2_000_000)
        #expect(try await webhook(world.base, domain: "mastodonwebsite", body: huge, signature: good).0 == 413)
        // Nothing refused was stored: still one report on the one case.
        let (_, detail, _) = try await call(.GET, world.base + "/api/v1/moderation/cases/\(world.caseID)", token: world.tokens["acme-triage"])
        #expect((detail["reports"] as? [Any])?.count == 1)
        #expect(harness.logLines(containing: "webhook refused").count == 2)
        try await world.live.stop()
    }

    @Test func aReviewFromClaimToReversalWithTwoPersonApproval() async throws {
        var harness = try ServerHarness("moderation-review") { $0.metrics.token = "metrics-token-0123456789" }
        let world = try await world(&harness)
        func metrics() async throws -> String { try await call(.GET, world.base + "/metrics", token: "metrics-token-0123456789").2 }
        // Issue 18: is the team keeping up? The open case is counted in its tenant's queue.
        let before = try await metrics()
        #expect(before.contains(#"palisade_cases_open{tenant="acme",queue="reports"} 1"#), "\(before)")
        #expect(before.contains(#"palisade_cases_sla_breached{tenant="acme",queue="reports"} 0"#), "\(before)")
        #expect(before.contains("palisade_inbox_backlog "), "\(before)")
        #expect(before.contains("palisade_delivery_queue_depth "), "\(before)")
        let m = world.base + "/api/v1/moderation"
        let c = m + "/cases/\(world.caseID)"
        let mod = world.tokens["acme-mod"], mod2 = world.tokens["acme-mod2"], triage = world.tokens["acme-triage"]

        let (_, detail, _) = try await call(.GET, c, token: triage)
        let report = try #require((detail["reports"] as? [[String: Any]])?.first)
        #expect(report["category"] as? String == "violation")
        #expect(report["forwarded"] as? Bool == true)
        #expect((report["statuses"] as? [[String: Any]])?.first?["text"] as? String == "Here is some content")
        #expect((detail["case"] as? [String: Any])?["account"] as? String == "https://someothermastodonsite.com/users/cheeseperson")
        #expect((detail["reporters"] as? [[String: Any]])?.first?["reports"] as? Int == 1)

        let (claimed, claim, _) = try await call(.POST, c + "/claim", token: triage)
        #expect(claimed == 200)
        let (_, heldList, _) = try await call(.GET, m + "/cases?state=claimed", token: mod)
        #expect((heldList["cases"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [world.caseID])
        let (_, mine, _) = try await call(.GET, m + "/cases?claimed=me", token: mod)
        #expect((mine["cases"] as? [Any])?.isEmpty == true)
        #expect((claim["case"] as? [String: Any])?["holder"] as? String == "acme-triage")
        let (conflict, conflictBody, _) = try await call(.POST, c + "/claim", token: mod)
        #expect(conflict == 409)
        #expect(conflictBody["code"] as? String == "claimed_by_another")
        #expect(try await call(.POST, c + "/renew", token: mod).0 == 409)
        #expect(try await call(.POST, c + "/notes", token: triage, json: #"{"text": "looks like spam"}"#).0 == 201)
        #expect(try await call(.POST, c + "/release", token: triage).0 == 200)

        #expect(try await call(.POST, c + "/claim", token: mod).0 == 200)
        #expect(try await call(.POST, c + "/decisions", token: mod, json: #"{"action": "explode", "reason": "x"}"#).0 == 422)
        #expect(try await call(.POST, c + "/decisions", token: mod, json: #"{"action": "suspend"}"#).0 == 400)
        #expect(try await call(.POST, c + "/decisions", token: mod, json: #"{"action": "suspend", "reason": "  "}"#).0 == 422)
        let (proposed, proposal, proposalText) = try await call(
            .POST, c + "/decisions", token: mod, json: #"{"action": "suspend", "reason": "spam network", "rule_ids": ["2"], "expires_at": null}"#)
        #expect(proposed == 201, "\(proposalText)")
        // No category given: the decision takes its report's (issue 18), which outgoing Flags then carry.
        let (_, proposedDetail, _) = try await call(.GET, c, token: triage)
        #expect((proposedDetail["decisions"] as? [[String: Any]])?.first?["category"] as? String == "violation")
        #expect((proposal["case"] as? [String: Any])?["state"] as? String == "awaiting_approval")
        let decisionID = try #require(proposal["decision_id"] as? Int)
        let (own, ownBody, _) = try await call(.POST, c + "/decisions/\(decisionID)/approve", token: mod)
        #expect(own == 403)
        #expect(ownBody["code"] as? String == "own_proposal")
        #expect(try await call(.POST, c + "/decisions/\(decisionID + 100)/approve", token: mod2).0 == 404)
        let (approved, approval, _) = try await call(.POST, c + "/decisions/\(decisionID)/approve", token: mod2)
        #expect(approved == 200)
        // Issue 18: the log says what happened to the case, with tenant, case, queue and rules.
        let opened = harness.logLines(containing: "case opened")
        #expect(opened.contains { $0.contains("tenant=acme") && $0.contains("case=\(world.caseID) ") && $0.contains("queue=") }, "\(opened)")
        let proposedLine = harness.logLines(containing: "decision proposed")
        #expect(proposedLine.contains { $0.contains("case=\(world.caseID) ") && $0.contains("rules=2") && $0.contains("by=acme-mod") }, "\(proposedLine)")
        let scraped = try await metrics()
        #expect(scraped.contains(#"palisade_cases_decided_total{tenant="acme",action="suspend"} 1"#), "\(scraped)")
        #expect(scraped.contains(#"palisade_cases_open{tenant="acme",queue="reports"} 0"#), "\(scraped)")
        let decidedLine = harness.logLines(containing: "case decided")
        #expect(decidedLine.contains { $0.contains("case=\(world.caseID) ") && $0.contains("by=acme-mod2") && $0.contains("state=decided") }, "\(decidedLine)")
        #expect((approval["case"] as? [String: Any])?["state"] as? String == "decided")
        let (_, sanctions, _) = try await call(.GET, m + "/sanctions", token: triage)
        #expect((sanctions["sanctions"] as? [[String: Any]])?.compactMap { ($0["action"] as? [String: Any])?["action"] as? String } == ["suspend"])

        #expect(try await call(.POST, c + "/appeal", token: mod, json: #"{"reason": "I was hacked"}"#).0 == 200)
        #expect(try await call(.POST, c + "/claim", token: mod2).0 == 200)
        let (reversed, reversal, _) = try await call(.POST, c + "/reverse", token: mod2, json: #"{"reason": "compromised account"}"#)
        #expect(reversed == 200)
        // Lifting a suspension that needed two people needs two people: the reversal is a proposal.
        #expect((reversal["case"] as? [String: Any])?["state"] as? String == "awaiting_approval")
        let reversalID = try #require(reversal["decision_id"] as? Int)
        let (_, still, _) = try await call(.GET, m + "/sanctions", token: triage)
        #expect((still["sanctions"] as? [Any])?.count == 1)
        // An admin who issues mod2 a token holds mod2's identity: they count as one person with mod2.
        #expect(try await call(.POST, world.base + "/api/v1/admin/moderators/acme-mod2/tokens", token: world.tokens["acme-admin"]).0 == 201)
        let (samePerson, samePersonBody, _) = try await call(.POST, c + "/decisions/\(reversalID)/approve", token: world.tokens["acme-admin"])
        #expect(samePerson == 403)
        #expect(samePersonBody["code"] as? String == "same_person")
        #expect((samePersonBody["error"] as? String)?.contains("acme-admin and acme-mod2 count as one person") == true)
        let (reversalApproved, _, _) = try await call(.POST, c + "/decisions/\(reversalID)/approve", token: mod)
        #expect(reversalApproved == 200)
        let (_, after, _) = try await call(.GET, m + "/sanctions", token: triage)
        #expect((after["sanctions"] as? [Any])?.isEmpty == true)
        let (_, history, _) = try await call(.GET, c + "/history", token: triage)
        let kinds = (history["history"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["intake", "claim", "note", "release", "claim", "proposal", "approve", "appeal", "claim", "reverse_proposal", "approve"])
        let (_, verified, _) = try await call(.GET, world.base + "/api/v1/admin/audit/verify", token: world.tokens["acme-admin"])
        #expect(verified["ok"] as? Bool == true)
        try await world.live.stop()
    }

    @Test func malformedOversizedAndHostileBodiesAreRefusedOrKeptVerbatim() async throws {
        var harness = try ServerHarness("moderation-hostile")
        let world = try await world(&harness)
        let c = world.base + "/api/v1/moderation/cases/\(world.caseID)"
        let triage = world.tokens["acme-triage"]
        #expect(try await call(.POST, c + "/claim", token: triage).0 == 200)
        for body in ["", "{", "[]", #"{"text": 5}"#, #"{"txt": "x"}"#] {
            let (status, problem, _) = try await call(.POST, c + "/notes", token: triage, json: body)
            #expect(status == 400, "\(body)")
            #expect(problem["code"] as? String == "malformed", "\(body)")
        }
        let (tooLong, _, _) = try await call(.POST, c + "/notes", token: triage, json: #"{"text": "\#(String(repeating: "a", count: 10_001))"}"#)
        #expect(tooLong == 422)
        let (huge, _, _) = try await call(.POST, c + "/notes", token: triage, json: #"{"text": "\#(String(repeating: "a", count: 70_000))"}"#)
        #expect(huge == 413)
        for path in ["/api/v1/moderation/cases/abc", "/api/v1/moderation/cases/-1", "/api/v1/moderation/cases/99999999999999999999"] {
            #expect(try await call(.GET, world.base + path, token: triage).0 == 404, "\(path)")
        }
        #expect(try await call(.GET, world.base + "/api/v1/moderation/cases?sort=sideways", token: triage).0 == 400)
        #expect(try await call(.GET, world.base + "/api/v1/moderation/cases?state=lost", token: triage).0 == 400)
        #expect(try await call(.GET, world.base + "/api/v1/moderation/cases?limit=0", token: triage).0 == 400)
        // Text from outside is kept verbatim (escape sequences and bidi controls included); sanitising is the
        // terminal's job at display time, and JSON escapes them on the wire.
        let hostile = "\u{1B}]0;pwned\u{07}\u{202E}evil\u{0000}"
        let note = try JSONSerialization.data(withJSONObject: ["text": hostile])
        #expect(try await call(.POST, c + "/notes", token: triage, json: String(decoding: note, as: UTF8.self)).0 == 201)
        let (_, history, raw) = try await call(.GET, c + "/history", token: triage)
        #expect((history["history"] as? [[String: Any]])?.last?["detail"] as? [String: String] == ["text": hostile])
        #expect(!raw.contains("\u{1B}"), "control characters are escaped in the JSON")

        // Decision deliveries: of a case that exists, refused bodies for instance changes, the token never shown back.
        #expect(try await call(.GET, world.base + "/api/v1/moderation/cases/99999/deliveries", token: triage).0 == 404)
        #expect(try await call(.POST, world.base + "/api/v1/moderation/cases/abc/deliveries/retry", token: world.tokens["acme-mod"]).0 == 404)
        let (none, deliveries, _) = try await call(.GET, c + "/deliveries", token: triage)
        #expect(none == 200)
        #expect((deliveries["deliveries"] as? [Any])?.isEmpty == true)
        let instance = world.base + "/api/v1/admin/instances/mastodonwebsite"
        let admin = world.tokens["acme-admin"]
        for (body, status) in [
            ("{", 400), (#"{"decision_route": 5}"#, 400), (#"{"decision_route": "carrier-pigeon"}"#, 422),
            (#"{"mastodon_api_token": "has spaces in it"}"#, 422), (#"{"mastodon_api_token": "short"}"#, 422),
            (#"{"mastodon_api_token": "abcdefghijklmnop", "remove_mastodon_api_token": true}"#, 422),
        ] {
            #expect(try await call(.PATCH, instance, token: admin, json: body).0 == status, "\(body)")
        }
        #expect(try await call(.PATCH, world.base + "/api/v1/admin/instances/nowhere.example", token: admin, json: "{}").0 == 404)
        let (changed, updated, updatedText) = try await call(.PATCH, instance, token: admin, json: #"{"mastodon_api_token": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}"#)
        #expect(changed == 200)
        #expect(updated["has_mastodon_api_token"] as? Bool == true)
        #expect(!updatedText.contains("abcdefghijklmnopqrstuvwxyz"), "the token is write-only")
        // Reason templates: refused when not text, then set, and shown to moderators with who they are.
        for body in [#"{"templates": [""]}"#, #"{"templates": "Spam"}"#, #"{"templates": ["\u0007"]}"#] {
            #expect(try await call(.PUT, world.base + "/api/v1/admin/reason-templates", token: admin, json: body).0 != 200, "\(body)")
        }
        #expect(try await call(.PUT, world.base + "/api/v1/admin/reason-templates", token: admin, json: #"{"templates": ["Spam or scam", "Ban evasion"]}"#).0 == 200)
        let (_, me, _) = try await call(.GET, world.base + "/api/v1/moderation/me", token: triage)
        #expect(me["reason_templates"] as? [String] == ["Spam or scam", "Ban evasion"])
        #expect(me["name"] as? String == "acme-triage")
        let (_, listed, listedText) = try await call(.GET, world.base + "/api/v1/admin/instances", token: admin)
        #expect(((listed["items"] as? [[String: Any]])?.first)?["has_mastodon_api_token"] as? Bool == true)
        #expect(!listedText.contains("abcdefghijklmnopqrstuvwxyz"))
        try await world.live.stop()
    }

    /// The JSON-LD context of the decision extension is served, and defines every term the activities carry.
    /// Issue 18: an escalation to a queue nothing uses (a typo) is refused, naming the queues there are; starting a
    /// queue is said on purpose, and a refused escalation leaves no note behind.
    @Test func anEscalationToAQueueThatDoesNotExistIsRefusedUnlessMeantToStartIt() async throws {
        var harness = try ServerHarness("moderation-escalate-queue")
        let world = try await world(&harness)
        let c = world.base + "/api/v1/moderation/cases/\(world.caseID)"
        let triage = world.tokens["acme-triage"]
        #expect(try await call(.POST, c + "/claim", token: triage).0 == 200)
        let (typo, typoBody, _) = try await call(.POST, c + "/escalate", token: triage, json: #"{"queue": "reprots", "note": "see legal"}"#)
        #expect(typo == 422)
        #expect(typoBody["code"] as? String == "unknown_queue")
        #expect((typoBody["error"] as? String)?.hasPrefix("no queue 'reprots' (queues: ") == true, "\(typoBody)")
        #expect((typoBody["error"] as? String)?.contains("reports") == true, "the tenant's default queue is one")
        // A refused note (blank, or over the notes' limit) refuses the escalation before the case changes.
        let blank = try await call(.POST, c + "/escalate", token: triage, json: #"{"queue": "reports", "note": "   "}"#)
        #expect(blank.0 == 422 && (blank.1["error"] as? String)?.contains("the note is blank") == true, "\(blank.2)")
        let long = try await call(.POST, c + "/escalate", token: triage, json: #"{"queue": "reports", "note": "\#(String(repeating: "x", count: 10_001))"}"#)
        #expect(long.0 == 422 && (long.1["error"] as? String) == "a note is at most 10,000 characters", "\(long.2.prefix(300))")
        let (_, unchanged, _) = try await call(.GET, c, token: triage)
        #expect(!((unchanged["history"] as? [[String: Any]]) ?? []).contains { $0["kind"] as? String == "escalate" }, "no escalation was recorded")
        let (known, _, knownText) = try await call(.POST, c + "/escalate", token: triage, json: #"{"queue": "reports"}"#)
        #expect(known == 200, "\(knownText)")
        #expect(try await call(.POST, c + "/claim", token: triage).0 == 200)
        let (started, startedBody, startedText) = try await call(.POST, c + "/escalate", token: triage, json: #"{"queue": "legal-review", "new_queue": true}"#)
        #expect(started == 200, "\(startedText)")
        #expect((startedBody["case"] as? [String: Any])?["queue"] as? String == "legal-review")
        // Now that a case is in it, the queue exists.
        #expect(try await call(.POST, c + "/claim", token: triage).0 == 200)
        #expect(try await call(.POST, c + "/escalate", token: triage, json: #"{"queue": "legal-review"}"#).0 == 200)
        let (_, detail, _) = try await call(.GET, c, token: triage)
        let notes = (detail["history"] as? [[String: Any]])?.filter { ($0["kind"] as? String) == "note" } ?? []
        #expect(notes.isEmpty, "the refused escalation's note was not kept: \(notes)")
        try await world.live.stop()
    }

    @Test func theDecisionContextDocumentIsServed() async throws {
        let harness = try ServerHarness("moderation-context")
        let live = await harness.startServer()
        let (status, document, _) = try await call(.GET, "http://127.0.0.1:\(live.port)/ns/moderation/v1.jsonld", token: nil)
        #expect(status == 200)
        let terms = try #require(document["@context"] as? [String: Any])
        #expect(Set(terms.keys).isSuperset(of: ["decision", "severity", "category", "ruleIds", "expires", "case"]))
        #expect((terms["pal"] as? String)?.hasSuffix("/ns/moderation#") == true)
        try await live.stop()
    }

    @Test func theEventStreamShowsAClaimAsItHappens() async throws {
        var harness = try ServerHarness("moderation-events")
        let world = try await world(&harness)
        var request = HTTPClientRequest(url: world.base + "/api/v1/moderation/events")
        request.headers.add(name: "Authorization", value: "Bearer \(world.tokens["acme-triage"]!)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(response.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true)
        var chunks = response.body.makeAsyncIterator()
        var received = String(buffer: try #require(try await chunks.next()))
        #expect(received.hasPrefix(": connected\n: heartbeat every 500 ms\n\n"), "the heartbeat is announced: \(received)")
        #expect(response.headers.first(name: "X-Accel-Buffering") == "no", "proxies must not hold the heartbeats back")
        // The heartbeat comes as announced: two within a second and a half of silence.
        let beatStart = ContinuousClock.now
        var beats = 0
        while beats < 2 {
            let chunk = String(buffer: try #require(try await chunks.next()))
            beats += chunk.components(separatedBy: ": heartbeat\n").count - 1
        }
        #expect(ContinuousClock.now - beatStart < .milliseconds(1500))
        #expect(try await call(.POST, world.base + "/api/v1/moderation/cases/\(world.caseID)/claim", token: world.tokens["acme-mod"]).0 == 200)
        while !received.contains("event: case") {
            received += String(buffer: try #require(try await chunks.next()))
        }
        let data = try #require(received.split(separator: "\n").first { $0.hasPrefix("data: ") }).dropFirst(6)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
        #expect(event["kind"] as? String == "claim")
        #expect(event["case_id"] as? Int == world.caseID)
        #expect(event["holder"] as? String == "acme-mod")
        try await world.live.stop()
    }
    /// Issue 16, item 11: a revoked token's live streams end, and one token cannot hold more than a few streams open.
    @Test func eventStreamsEndWhenTheirTokenIsRevokedAndAreCappedPerToken() async throws {
        var harness = try ServerHarness("moderation-events-revoked")
        let world = try await world(&harness)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        func open(_ token: String) async throws -> HTTPClientResponse {
            var request = HTTPClientRequest(url: world.base + "/api/v1/moderation/events")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            return try await client.execute(request, timeout: .seconds(30))
        }
        // The cap: eight streams on one token, the ninth refused with 429; another token still gets its own.
        var held: [HTTPClientResponse] = []
        for _ in 0..<8 {
            let response = try await open(world.tokens["acme-mod"]!)
            #expect(response.status == .ok)
            held.append(response)
        }
        let refused = try await open(world.tokens["acme-mod"]!)
        #expect(refused.status == .tooManyRequests)
        #expect(String(buffer: try await refused.body.collect(upTo: 1 << 16)).contains("too_many_streams"))

        let stream = try await open(world.tokens["acme-triage"]!)
        #expect(stream.status == .ok)
        var chunks = stream.body.makeAsyncIterator()
        var received = String(buffer: try #require(try await chunks.next()))
        #expect(received.hasPrefix(": connected"))
        #expect(try await call(.DELETE, world.base + "/api/v1/admin/tokens/acme-triage", token: world.tokens["acme-admin"]).0 == 204)
        let started = Date()
        // Before the fix the stream went on for as long as the client held it; now it ends within the revalidation time.
        while let chunk = try await chunks.next() {
            received += String(buffer: chunk)
            if Date().timeIntervalSince(started) > 20 { break }
        }
        #expect(received.contains("event: revoked"), "\(received)")
        #expect(Date().timeIntervalSince(started) < 15, "the stream of a revoked token ends")
        try await client.shutdown()
        try await world.live.stop()
    }
}
