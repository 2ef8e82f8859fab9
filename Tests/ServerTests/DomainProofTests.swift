import AsyncHTTPClient
import Foundation
import Moderation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Server
import Testing

/// Issue 16, item 6: a tenant's admin attaches only a domain it proves to control; a domain belongs to one tenant, and
/// the answers never say which other tenant holds it; the instance actor lives on the attached domain.
@Suite(.serialized) struct DomainProofTests {
    static let operatorToken = "operator-token-for-domain-tests"

    func call(_ method: HTTPMethod, _ url: String, token: String?, json: String? = nil) async throws -> (status: Int, body: [String: Any], text: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:], text)
    }

    @Test func aTenantAdminAttachesOnlyAProvenDomainThatNoOtherTenantHolds() async throws {
        var harness = try ServerHarness("domain-proof") { $0.federation.allowPrivateAddresses = true }
        harness.configuration.admin.token = Self.operatorToken
        let live = await harness.startServer()
        let base = "http://127.0.0.1:\(live.port)"
        let peer = FixturePeer()
        try await peer.start(documents: [:])
        let domain = "127.0.0.1:\(peer.port)"
        var admins: [String: String] = [:]
        for slug in ["acme", "globex"] {
            #expect(try await call(.POST, base + "/api/v1/admin/tenants", token: Self.operatorToken, json: #"{"slug": "\#(slug)", "name": "\#(slug)"}"#).status == 201)
            let created = try await call(
                .POST, base + "/api/v1/admin/moderators?tenant=\(slug)", token: Self.operatorToken, json: #"{"name": "\#(slug)-admin", "role": "admin"}"#)
            admins[slug] = try #require(created.body["token"] as? String)
        }
        let attach = #"{"domain": "\#(domain)", "actor": "\#(peer.origin)/actor"}"#

        // Before the fix any tenant's admin attached any domain and received its reports.
        let unproven = try await call(.POST, base + "/api/v1/admin/instances", token: admins["acme"], json: attach)
        #expect(unproven.status == 403, "\(unproven.text)")
        #expect(unproven.body["code"] as? String == "domain_not_proven")

        let proof = try await call(.GET, base + "/api/v1/admin/instances/proof?domain=\(domain)", token: admins["acme"])
        #expect(proof.status == 200)
        let token = try #require(proof.body["token"] as? String)
        #expect(token.hasPrefix("palisade-verification="))
        #expect(proof.body["well_known_url"] as? String == "http://\(domain)/.well-known/palisade-verification")
        #expect(unproven.text.contains(token), "the refusal says what to serve")
        let globexProof = try #require(try await call(.GET, base + "/api/v1/admin/instances/proof?domain=\(domain)", token: admins["globex"]).body["token"] as? String)
        #expect(globexProof != token, "each tenant has its own token for a domain")

        peer.serve(text: token + "\n", at: "/.well-known/palisade-verification")
        let proven = try await call(.POST, base + "/api/v1/admin/instances", token: admins["acme"], json: attach)
        #expect(proven.status == 201, "\(proven.text)")

        // Another tenant: without proof it learns nothing; with proof (it controls the domain) it is refused without
        // being told which tenant holds it.
        let other = try await call(.POST, base + "/api/v1/admin/instances", token: admins["globex"], json: attach)
        #expect(other.status == 403)
        #expect(other.body["code"] as? String == "domain_not_proven")
        peer.serve(text: token + "\n" + globexProof + "\n", at: "/.well-known/palisade-verification")
        let taken = try await call(.POST, base + "/api/v1/admin/instances", token: admins["globex"], json: attach)
        #expect(taken.status == 409, "\(taken.text)")
        #expect(taken.body["code"] as? String == "unavailable")
        #expect(!taken.text.contains("acme"), "the answer does not name the tenant that holds the domain: \(taken.text)")

        // The actor must be on the domain: signed Flags and Blocks would otherwise go to any host.
        let elsewhere = try await call(
            .POST, base + "/api/v1/admin/instances?tenant=acme", token: Self.operatorToken,
            json: #"{"domain": "m.example", "actor": "https://internal.example/actor"}"#)
        #expect(elsewhere.status == 422, "\(elsewhere.text)")
        // One domain, one spelling: the default port is the same domain.
        #expect(try await call(
            .POST, base + "/api/v1/admin/instances?tenant=acme", token: Self.operatorToken,
            json: #"{"domain": "m.example", "actor": "https://m.example/actor"}"#).status == 201)
        let respelled = try await call(
            .POST, base + "/api/v1/admin/instances?tenant=globex", token: Self.operatorToken,
            json: #"{"domain": "M.Example:443", "actor": "https://m.example:443/actor"}"#)
        #expect(respelled.status == 409, "\(respelled.text)")
        await peer.stop()
        try await live.stop()
    }
}
