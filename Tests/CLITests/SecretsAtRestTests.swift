import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Moderation
import PalisadeTesting
import Store
import Testing

/// Issue 16, item 9: webhook secrets, Mastodon admin-API tokens and private keys are sealed in the database with a key
/// kept beside it (`data_dir/palisade.key`, 0600): a copy of the database alone reveals none of them.
@Suite struct SecretsAtRestTests {
    static let webhookSecret = "webhook-secret-that-must-not-leak-0123"
    static let apiToken = "mastodon-admin-token-that-must-not-leak-0123456789"

    @Test func secretsAreSealedAndStillUsable() async throws {
        let directory = try TemporaryDirectory("cli-secrets")
        defer { directory.remove() }
        try directory.write("token", Self.apiToken)
        #expect(try await PalisadeCLI.run(["admin", "init"], in: directory.url).status == 0)
        #expect(try await PalisadeCLI.run(["admin", "tenants", "add", "acme", "--name", "Acme"], in: directory.url).status == 0)
        let added = try await PalisadeCLI.run(
            ["admin", "instances", "add", "m.example", "--tenant", "acme", "--actor", "https://m.example/actor", "--webhook-secret", Self.webhookSecret,
             "--mastodon-api-token-file", directory.path("token")], in: directory.url)
        #expect(added.status == 0, "\(added.stderr)")
        let database = directory.path("data/palisade.sqlite")
        // Read with the sqlite3 shell, as someone holding only the file would.
        let rows = try await SQLiteShell.query(database, "SELECT webhook_secret || '|' || mastodon_api_token FROM instances")
        #expect(rows.count == 1)
        #expect(!rows[0].contains(Self.webhookSecret) && !rows[0].contains(Self.apiToken), "\(rows)")
        #expect(rows[0].hasPrefix("sealed:v1:"))
        // A hosted account's private key too.
        #expect(try await PalisadeCLI.run(["accounts", "create", "alice"], in: directory.url).status == 0)
        let keys = try await SQLiteShell.query(database, "SELECT private_key_pem FROM local_actor_keys")
        #expect(!keys.isEmpty && keys.allSatisfy { $0.hasPrefix("sealed:v1:") && !$0.contains("PRIVATE KEY") }, "\(keys)")
        let key = try FileManager.default.attributesOfItem(atPath: directory.path("data/palisade.key"))
        #expect(key[.posixPermissions] as? Int == 0o600)
        #expect(key[.size] as? Int == 32)
        // Palisade itself reads them back.
        let store = try SQLiteStore(path: database)
        let instance = try #require(try await store.instance(domain: InstanceDomain("m.example")!))
        #expect(instance.webhookSecret == Self.webhookSecret)
        #expect(instance.mastodonAPIToken == Self.apiToken)
        try store.close()
    }

    @Test func plaintextFromBeforeIsSealedOnTheNextStartAndAWrongKeyIsNamed() async throws {
        let directory = try TemporaryDirectory("cli-secrets-legacy")
        defer { directory.remove() }
        let data = directory.path("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        // A database written without a service secret beside it (as before sealing existed) keeps plaintext.
        let legacy = try SQLiteStore(path: data + "/palisade.sqlite")
        try legacy.migrate()
        let tenant = try await legacy.createTenant(Tenant(id: 0, slug: "acme", name: "Acme"), by: "operator", at: Date())
        _ = try await legacy.attach(
            AttachedInstance(
                id: 0, tenantID: tenant.id, domain: InstanceDomain("m.example")!, actorID: "https://m.example/actor", webhookSecret: Self.webhookSecret,
                decisionRoute: .activitypub),
            by: "operator", at: Date())
        try legacy.close()
        #expect(try await SQLiteShell.query(data + "/palisade.sqlite", "SELECT webhook_secret FROM instances") == [Self.webhookSecret])

        #expect(try await PalisadeCLI.run(["admin", "init"], in: directory.url).status == 0)
        let sealed = try await SQLiteShell.query(data + "/palisade.sqlite", "SELECT webhook_secret FROM instances")
        #expect(sealed.first?.hasPrefix("sealed:v1:") == true, "\(sealed)")
        let listed = try await PalisadeCLI.run(["admin", "instances", "list"], in: directory.url)
        #expect(listed.stdout.contains("m.example\tacme\thttps://m.example/actor\tyes"), "\(listed.stdout)\(listed.stderr)")

        // A key file others may read is refused, not quietly tightened: it may have leaked.
        chmod(data + "/palisade.key", 0o644)
        let open = try await PalisadeCLI.run(["admin", "instances", "list"], in: directory.url)
        #expect(open.status == 1)
        #expect(open.stderr.contains("chmod 600"), "\(open.stderr)")
        chmod(data + "/palisade.key", 0o600)

        // Another key cannot open them, and says so instead of handing out garbage.
        try Data(repeating: 9, count: 32).write(to: URL(fileURLWithPath: data + "/palisade.key"))
        let wrong = try await PalisadeCLI.run(["admin", "instances", "list"], in: directory.url)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("palisade.key"), "\(wrong.stderr)")
    }
}
