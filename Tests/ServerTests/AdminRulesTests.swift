import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Server
import Testing

/// The rule set behind the admin API: what is in use, and a reload that swaps atomically or is refused whole.
@Suite struct AdminRulesTests {
    static let token = "admin-secret-for-tests"

    func call(_ method: HTTPMethod, _ url: String, token: String? = AdminRulesTests.token) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object)
    }

    func rule(_ id: String, _ word: String) -> String {
        "id: \(id)\ntitle: \(id)\nwhen: { content: \(word) }\naction: { queue: spam }\ntests: [{ match: { content: \(word) } }]\n"
    }

    @Test func reloadSwapsInAValidSetAndKeepsTheRunningOneOtherwise() async throws {
        var harness = try ServerHarness("admin-rules")
        harness.configuration.admin.token = Self.token
        _ = try harness.directory.write("rules/a.yml", rule("spam.a", "alpha"))
        harness.configuration.rulesDirectory = harness.directory.path("rules")
        _ = try harness.directory.write("rules/b.yml", rule("spam.b", "beta"))
        let live = await harness.startServer()
        let base = "http://127.0.0.1:\(live.port)/api/v1/admin/rules"

        let (status, first) = try await call(.GET, base)
        #expect(status == 200)
        #expect((first["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["spam.a", "spam.b"])
        let firstVersion = try #require(first["version"] as? String)
        #expect(try await call(.GET, base, token: nil).0 == 401)
        #expect(try await call(.GET, base, token: "wrong").0 == 401)

        _ = try harness.directory.write("rules/a.yml", rule("spam.a", "alpha2"))
        try FileManager.default.removeItem(atPath: harness.directory.path("rules/b.yml"))
        _ = try harness.directory.write("rules/c.yml", rule("spam.c", "gamma"))
        let (reloaded, changes) = try await call(.POST, base + "/reload")
        #expect(reloaded == 200)
        #expect(changes["added"] as? [String] == ["spam.c"])
        #expect(changes["removed"] as? [String] == ["spam.b"])
        #expect(changes["changed"] as? [String] == ["spam.a"])
        let secondVersion = try #require(changes["version"] as? String)
        #expect(secondVersion != firstVersion)

        _ = try harness.directory.write("rules/c.yml", "id: spam.c\ntitle: c\nwhen: { content: '(gamma' }\naction: { queue: spam }\n")
        let (refused, problem) = try await call(.POST, base + "/reload")
        #expect(refused == 422)
        #expect(problem["code"] as? String == "rules_invalid")
        #expect((problem["diagnostics"] as? [String])?.contains { $0.hasSuffix("c.yml:3:25: error: PCRE2: missing closing parenthesis") } == true, "\(problem)")
        #expect(try await call(.GET, base).1["version"] as? String == secondVersion, "the running set stays")
        #expect(!harness.logLines(containing: "rules not reloaded").isEmpty)
        try await live.stop()
    }

    @Test func theAdminAPIIsOffWithoutAToken() async throws {
        let live = await (try ServerHarness("admin-rules-off")).startServer()
        #expect(try await call(.POST, "http://127.0.0.1:\(live.port)/api/v1/admin/rules/reload").0 == 404)
        try await live.stop()
    }
}
