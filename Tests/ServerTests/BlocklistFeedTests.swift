import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Server
import Testing

/// The blocklist feeds on a live server: a defederation appears in Mastodon's CSV (read by Python's csv module as
/// Mastodon's importer reads it), validators give 304, a feed token closes the feeds, and a reversal retracts the entry.
@Suite(.serialized) struct BlocklistFeedTests {
    static let operatorToken = "operator-token-for-feed-tests"
    static let secret = "webhook-secret-0123456789abcdef"

    func call(_ method: HTTPMethod, _ url: String, token: String? = nil, json: String? = nil, headers: [(String, String)] = [])
        async throws -> (status: Int, headers: HTTPHeaders, body: String)
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
        return (Int(response.status.code), response.headers, String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func aDefederationIsListedServedWithValidatorsProtectedByTheFeedTokenAndRetractedOnReversal() async throws {
        var harness = try ServerHarness("blocklists")
        harness.configuration.admin.token = Self.operatorToken
        let live = await harness.startServer()
        let base = "http://127.0.0.1:\(live.port)"
        #expect(try await call(.POST, base + "/api/v1/admin/tenants", token: Self.operatorToken, json: #"{"slug": "acme", "name": "Acme"}"#).status == 201)
        let moderator = object(try await call(
            .POST, base + "/api/v1/admin/moderators?tenant=acme", token: Self.operatorToken, json: #"{"name": "mo", "role": "admin"}"#).body)
        let token = try #require(moderator["token"] as? String)
        #expect(try await call(
            .POST, base + "/api/v1/admin/instances?tenant=acme", token: Self.operatorToken,
            json: #"{"domain": "mastodonwebsite", "actor": "https://mastodonwebsite/actor", "webhook_secret": "\#(Self.secret)"}"#).status == 201)
        let payload = try Fixtures.text("webhooks/mastodon-report.created.json")
        let hook = try await call(
            .POST, base + "/hooks/mastodon/mastodonwebsite", json: payload,
            headers: [("X-Hub-Signature", "sha256=" + OpenSSLHMAC.sha256(key: Self.secret, Data(payload.utf8)))])
        let caseID = try #require(object(hook.body)["case_id"] as? Int)
        let c = base + "/api/v1/moderation/cases/\(caseID)"

        let csvURL = base + "/blocklists/acme.csv"
        let empty = try await call(.GET, csvURL)
        #expect(empty.status == 200)
        #expect(empty.body == "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n")

        #expect(try await call(.POST, c + "/claim", token: token).status == 200)
        let decided = try await call(.POST, c + "/decisions", token: token, json: """
            {"actions": [{"action": "suspend"}, {"action": "defederate", "domain": "someothermastodonsite.com", "severity": "suspend",
             "reject_media": true, "reject_reports": true}], "reason": "a harassment hub (reporter: alice)", "category": "violation"}
            """)
        #expect(decided.status == 201, "\(decided.body)")

        let read = try await PythonPeer.run("Tests/ServerTests/peers/blocklist_reader.py", [csvURL])
        let rows = try #require(object(read)["rows"] as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["domain"] as? String == "someothermastodonsite.com")
        #expect(rows.first?["severity"] as? String == "suspend")
        #expect(rows.first?["reject_media"] as? Bool == true)
        #expect(rows.first?["public_comment"] as? String == "category: violation", "the reason stays private")

        let listed = try await call(.GET, csvURL)
        let etag = try #require(listed.headers.first(name: "ETag"))
        let lastModified = try #require(listed.headers.first(name: "Last-Modified"))
        #expect(listed.headers.first(name: "Content-Type")?.hasPrefix("text/csv") == true)
        #expect(try await call(.GET, csvURL, headers: [("If-None-Match", etag)]).status == 304)
        #expect(try await call(.GET, csvURL, headers: [("If-Modified-Since", lastModified)]).status == 304)
        #expect(try await call(.GET, csvURL, headers: [("If-None-Match", "\"stale\"")]).status == 200)
        #expect(try await call(.GET, base + "/blocklists/acme.txt").body == "someothermastodonsite.com\n")
        #expect(try await call(.GET, base + "/blocklists/acme.txt?severity=silence").body == "")
        let json = try await call(.GET, base + "/blocklists/acme.json")
        #expect(json.body.contains(#""domain":"someothermastodonsite.com""#))
        let accounts = try await call(.GET, base + "/blocklists/acme/accounts.csv")
        #expect(accounts.body.contains("https://someothermastodonsite.com/users/cheeseperson,suspend,"))
        #expect(try await call(.GET, base + "/blocklists/nobody.csv").status == 404)
        #expect(try await call(.GET, base + "/blocklists/acme.xml").status == 404)
        #expect(try await call(.GET, base + "/blocklists/acme.csv?severity=ban").status == 400)

        // A feed token closes the feeds.
        let feedToken = try #require(object(try await call(.POST, base + "/api/v1/admin/feed-token", token: token).body)["feed_token"] as? String)
        // Issue 16, item 6: a private feed without its token looks exactly like a tenant that does not exist.
        let unknown = try await call(.GET, base + "/blocklists/nobody.csv")
        for hidden in [try await call(.GET, csvURL), try await call(.GET, csvURL + "?token=wrong")] {
            #expect(hidden.status == 404)
            #expect(hidden.body == unknown.body)
        }
        #expect(try await call(.GET, csvURL + "?token=\(feedToken)").status == 200)
        #expect(try await call(.GET, csvURL, token: feedToken).status == 200)

        // The appeal is upheld: the reversal retracts the domain, and the validators change.
        #expect(try await call(.POST, c + "/appeal", token: token, json: #"{"reason": "we cleaned up"}"#).status == 200)
        #expect(try await call(.POST, c + "/claim", token: token).status == 200)
        #expect(try await call(.POST, c + "/reverse", token: token, json: #"{"reason": "the instance removed the accounts"}"#).status == 200)
        let retracted = try await PythonPeer.run("Tests/ServerTests/peers/blocklist_reader.py", [csvURL + "?token=\(feedToken)"])
        #expect((object(retracted)["rows"] as? [Any])?.isEmpty == true)
        let after = try await call(.GET, csvURL + "?token=\(feedToken)", headers: [("If-None-Match", etag)])
        #expect(after.status == 200)
        #expect(try await call(.GET, base + "/blocklists/acme/accounts.json?token=\(feedToken)").body == "[]\n")
        try await live.stop()
    }
}
