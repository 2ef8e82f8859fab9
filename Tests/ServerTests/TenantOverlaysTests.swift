import Foundation
import Logging
import PalisadeTesting
import Rules
import Server
import Testing

/// Tenant overlays (`overlays_dir/SLUG`): a tenant's rules add to the global ones, replace one by id or turn it off;
/// other tenants keep the global set; a broken overlay refuses the whole reload.
@Suite struct TenantOverlaysTests {
    func rule(_ id: String, _ word: String, disabled: Bool = false) -> String {
        "id: \(id)\ntitle: \(id)\n\(disabled ? "disabled: true\n" : "")when: { content: \(word) }\naction: { queue: spam }\ntests: [{ match: { content: \(word) } }]\n"
    }

    @Test func eachTenantEvaluatesTheGlobalRulesWithItsOverlay() async throws {
        let directory = try TemporaryDirectory("overlays")
        defer { directory.remove() }
        _ = try directory.write("rules/a.yml", rule("spam.a", "alpha"))
        _ = try directory.write("rules/b.yml", rule("spam.b", "beta"))
        _ = try directory.write("overlays/acme/b.yml", rule("spam.b", "beta", disabled: true))
        _ = try directory.write("overlays/acme/c.yml", rule("spam.c", "gamma"))
        _ = try directory.write("overlays/Not A Slug/d.yml", rule("spam.d", "delta"))
        let rules = ActiveRules(directory: directory.path("rules"), overlaysDirectory: directory.path("overlays"), logger: Logger(label: "test"))
        guard case .loaded = await rules.reload(reason: "test") else { Issue.record("not loaded"); return }
        #expect(rules.ruleSet.rules.map(\.definition.id) == ["spam.a", "spam.b"])
        #expect(rules.ruleSet(tenant: "acme").rules.map(\.definition.id).sorted() == ["spam.a", "spam.c"])
        #expect(rules.ruleSet(tenant: "globex").rules.map(\.definition.id) == ["spam.a", "spam.b"])
        #expect(rules.overlaidTenants == ["acme"])

        _ = try directory.write("overlays/acme/c.yml", "id: spam.c\ntitle: c\nwhen: { content: '(gamma' }\naction: { queue: spam }\n")
        _ = try directory.write("rules/e.yml", rule("spam.e", "epsilon"))
        guard case .refused = await rules.reload(reason: "test") else { Issue.record("a broken overlay was accepted"); return }
        #expect(rules.ruleSet.rules.map(\.definition.id) == ["spam.a", "spam.b"], "the running sets stay")
        #expect(rules.ruleSet(tenant: "acme").rules.map(\.definition.id).sorted() == ["spam.a", "spam.c"])
    }
}
