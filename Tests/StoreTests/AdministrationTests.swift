import Foundation
import Moderation
import PalisadeTesting
import Store
import Testing

/// The admin operations CLI and API share: who may do what, and what is a valid tenant, instance and moderator.
@Suite struct AdministrationTests {
    let directory: TemporaryDirectory
    let store: SQLiteStore
    let administration: Administration
    let root = Principal(moderator: Moderator(id: 0, tenantID: nil, name: "operator", role: .operator), tenantID: nil)

    init() throws {
        directory = try TemporaryDirectory("administration")
        store = try SQLiteStore(path: directory.path("palisade.sqlite"))
        try store.migrate()
        // Deterministic tokens: a seeded generator stands in for the CSPRNG.
        let counter = Counter()
        administration = Administration(directory: store, cases: store, newToken: {
            var generator = SeededGenerator(seed: counter.next())
            return ModeratorToken.generate(using: &generator)
        }, now: { Date(timeIntervalSince1970: 1_795_000_000) }, auditKey: store.auditKey)
    }

    func principal(_ moderator: Moderator) -> Principal { Principal(moderator: moderator, tenantID: moderator.tenantID) }

    @Test func onlyOperatorsCreateTenantsAndAdminsActOnlyInTheirOwn() async throws {
        let acme = try await administration.createTenant(
            slug: "acme", name: "Acme", defaultQueue: nil, unsolicitedQueue: nil, approvalRequired: ["suspend"], claimLeaseSeconds: nil, slaSeconds: nil,
            by: root)
        let globex = try await administration.createTenant(
            slug: "globex", name: nil, defaultQueue: "inbox", unsolicitedQueue: nil, approvalRequired: [], claimLeaseSeconds: 600, slaSeconds: 3600,
            by: root)
        #expect(globex.name == "globex")
        #expect(globex.claimLease == 600)
        let (acmeAdmin, token) = try await administration.addModerator(name: "ann", role: .admin, tenant: acme, by: root)
        #expect(token.secret.hasPrefix("pal_"))
        #expect(try await store.moderator(tokenHash: token.hash) == acmeAdmin)
        await #expect(throws: ModerationError.forbidden("creating a tenant needs the operator role; ann is admin")) {
            try await administration.createTenant(
                slug: "x", name: nil, defaultQueue: nil, unsolicitedQueue: nil, approvalRequired: [], claimLeaseSeconds: nil, slaSeconds: nil,
                by: principal(acmeAdmin))
        }
        await #expect(throws: ModerationError.noSuchTenant("globex")) {
            try await administration.addModerator(name: "eve", role: .triage, tenant: globex, by: principal(acmeAdmin))
        }
        await #expect(throws: ModerationError.invalid("operators belong to no tenant: add them without a tenant")) {
            try await administration.addModerator(name: "eve", role: .operator, tenant: acme, by: principal(acmeAdmin))
        }
        let (triage, _) = try await administration.addModerator(name: "tom", role: .triage, tenant: acme, by: principal(acmeAdmin))
        await #expect(throws: ModerationError.forbidden("adding a moderator needs the admin role; tom is triage")) {
            try await administration.addModerator(name: "eve", role: .triage, tenant: acme, by: principal(triage))
        }
        await #expect(throws: ModerationError.moderatorExists("tom")) {
            try await administration.addModerator(name: "tom", role: .triage, tenant: globex, by: root)
        }
        // Revoked tokens stop working.
        #expect(try await administration.revoke("ann", tenant: acme, by: root) == 1)
        #expect(try await store.moderator(tokenHash: token.hash) == nil)
    }

    @Test func invalidInputIsRefusedWithAReason() async throws {
        func tenant(_ slug: String, approval: [String] = [], lease: Int? = nil, queue: String? = nil) async throws -> Tenant {
            try await administration.createTenant(
                slug: slug, name: nil, defaultQueue: queue, unsolicitedQueue: nil, approvalRequired: approval, claimLeaseSeconds: lease, slaSeconds: nil,
                by: root)
        }
        for slug in ["", "Acme", "1acme", "ac me", String(repeating: "a", count: 41)] {
            await #expect(throws: ModerationError.self, "\(slug)") { try await tenant(slug) }
        }
        await #expect(throws: ModerationError.invalid("approval can be required for mark_sensitive, silence, suspend, defederate; not dismiss, ban")) {
            try await tenant("acme", approval: ["dismiss", "ban"])
        }
        await #expect(throws: ModerationError.invalid("the claim lease is 60–86400 seconds")) { try await tenant("acme", lease: 5) }
        await #expect(throws: ModerationError.self) { try await tenant("acme", queue: "Bad Queue") }
        let acme = try await tenant("acme")
        await #expect(throws: ModerationError.invalid("the instance actor must be an http(s) URL: 'ftp://x/actor'")) {
            try await administration.attachInstance(domain: "x.example", actorID: "ftp://x/actor", webhookSecret: nil, route: .activitypub, tenant: acme, by: root)
        }
        await #expect(throws: ModerationError.invalid("a webhook secret is 16–512 characters (Mastodon generates 64)")) {
            try await administration.attachInstance(
                domain: "x.example", actorID: "https://x.example/actor", webhookSecret: "short", route: .activitypub, tenant: acme, by: root)
        }
        for name in ["", "system", "rule:x", "has space", String(repeating: "n", count: 65)] {
            await #expect(throws: ModerationError.self, "\(name)") { try await administration.addModerator(name: name, role: .triage, tenant: acme, by: root) }
        }
        // Nothing refused was stored.
        #expect(try await store.tenants().map(\.slug) == ["acme"])
        #expect(try await store.instances(tenant: nil).isEmpty)
        #expect(try await store.moderators(tenant: nil).isEmpty)
        #expect(try await administration.verifyAudit(tenant: nil).problems.isEmpty)
    }
}

/// Hands out 1, 2, 3, … across tasks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 0

    func next() -> UInt64 {
        lock.withLock {
            value += 1
            return value
        }
    }
}
