import Foundation
import PalisadeTesting
import Testing

/// `palisade admin tenants|instances|moderators|reporters|audit` on a data directory: tokens are printed once on the
/// last line and stored only as hashes; the audit chain verifies, and an edited, deleted or reordered row is named.
@Suite struct AdminModerationCommandTests {
    func run(_ arguments: [String], in directory: TemporaryDirectory) async throws -> PalisadeCLI.Result {
        try await PalisadeCLI.run(arguments, in: directory.url)
    }

    @Test func tenantsInstancesAndModeratorsAreAddedListedAndRevoked() async throws {
        let directory = try TemporaryDirectory("cli-admin-moderation")
        defer { directory.remove() }
        #expect(try await run(["admin", "init"], in: directory).status == 0)
        let added = try await run(["admin", "tenants", "add", "acme", "--name", "Acme Corp", "--require-approval", "suspend,defederate", "--unsolicited-queue", "triage", "--forward-reports"], in: directory)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "created tenant acme (Acme Corp)\n")
        let again = try await run(["admin", "tenants", "add", "acme"], in: directory)
        #expect(again.status != 0)
        #expect(again.stderr.contains("a tenant 'acme' exists already"))
        let badSlug = try await run(["admin", "tenants", "add", "Acme!"], in: directory)
        #expect(badSlug.status != 0)
        #expect(badSlug.stderr.contains("a tenant slug is 1–40 lower-case letters"))
        let tenants = try await run(["admin", "tenants", "list"], in: directory)
        #expect(tenants.stdout == "SLUG\tNAME\tDEFAULT QUEUE\tUNSOLICITED\tAPPROVAL REQUIRED\tLEASE\tSLA\tFORWARDS\nacme\tAcme Corp\treports\ttriage\tdefederate,suspend\t900s\t86400s\tyes\n")

        let instance = try await run(
            ["admin", "instances", "add", "Mastodon.Example:8443", "--tenant", "acme", "--actor", "https://mastodon.example:8443/actor", "--generate-webhook-secret"],
            in: directory)
        #expect(instance.status == 0, "\(instance.stderr)")
        let instanceLines = instance.stdout.split(separator: "\n")
        #expect(instanceLines.first == "attached mastodon.example:8443 to acme (instance actor https://mastodon.example:8443/actor; decisions via activitypub)")
        #expect(instanceLines.last?.count == 64, "the generated secret alone on the last line")
        #expect(try await run(["admin", "instances", "add", "mastodon.example:8443", "--tenant", "acme", "--actor", "https://mastodon.example:8443/actor"], in: directory)
            .stderr.contains("is attached to this tenant already"))
        // Issue 16, item 6: the instance actor (where signed Flags and Blocks go) must live on the attached domain.
        #expect(try await run(["admin", "instances", "add", "other.example", "--tenant", "acme", "--actor", "https://x.example/actor"], in: directory)
            .stderr.contains("is not on other.example"))
        #expect(try await run(["admin", "instances", "add", "https://bad/", "--tenant", "acme", "--actor", "https://x.example/actor"], in: directory)
            .stderr.contains("is not an instance domain"))
        #expect(try await run(["admin", "instances", "add", "x.example", "--tenant", "nobody", "--actor", "https://x.example/actor"], in: directory)
            .stderr.contains("no tenant 'nobody'"))
        // An admin-API token is read from a file (never from the command line, where `ps` shows it); a bad one is refused.
        try "  abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n".write(toFile: directory.path("token"), atomically: true, encoding: .utf8)
        let withAPI = try await run(
            ["admin", "instances", "add", "api.example", "--tenant", "acme", "--actor", "https://api.example/actor", "--decisions", "none",
             "--mastodon-api-token-file", directory.path("token")], in: directory)
        #expect(withAPI.stdout == "attached api.example to acme (instance actor https://api.example/actor; decisions via none and its Mastodon admin API)\n", "\(withAPI.stderr)")
        try "has spaces in it".write(toFile: directory.path("bad-token"), atomically: true, encoding: .utf8)
        #expect(try await run(
            ["admin", "instances", "add", "bad.example", "--tenant", "acme", "--actor", "https://bad.example/actor", "--mastodon-api-token-file", directory.path("bad-token")],
            in: directory).stderr.contains("a Mastodon admin-API token is 8–512 printable characters without spaces"))
        #expect(try await run(["admin", "instances", "list"], in: directory).stdout
            == "DOMAIN\tTENANT\tINSTANCE ACTOR\tWEBHOOK\tDECISIONS\tMASTODON API\napi.example\tacme\thttps://api.example/actor\tno\tnone\tyes\nmastodon.example:8443\tacme\thttps://mastodon.example:8443/actor\tyes\tactivitypub\tno\n")
        // Reason templates: set (the whole list), listed, refused when not text, cleared.
        #expect(try await run(["admin", "tenants", "templates", "acme"], in: directory).stdout == "acme: no reason templates (the review UI offers its built-in ones)\n")
        #expect(try await run(["admin", "tenants", "templates", "acme", "Spam or scam", " Ban evasion "], in: directory).stdout == "Spam or scam\nBan evasion\n")
        #expect(try await run(["admin", "tenants", "templates", "acme"], in: directory).stdout == "Spam or scam\nBan evasion\n")
        #expect(try await run(["admin", "tenants", "templates", "acme", "bell\u{07}"], in: directory).stderr.contains("a reason template is 1–300 characters of text"))
        #expect(try await run(["admin", "tenants", "templates", "acme", "--clear"], in: directory).stdout.contains("no reason templates"))

        // Settings change later: the token withdrawn, the route switched; nothing to change is refused.
        #expect(try await run(["admin", "instances", "set", "api.example", "--tenant", "acme", "--no-mastodon-api", "--decisions", "activitypub"], in: directory)
            .stdout == "api.example: decisions via activitypub\n")
        #expect(try await run(["admin", "instances", "set", "api.example", "--tenant", "acme"], in: directory).stderr.contains("nothing to change"))
        #expect(try await run(["admin", "instances", "set", "nowhere.example", "--tenant", "acme", "--decisions", "none"], in: directory)
            .stderr.contains("no attached instance 'nowhere.example'"))
        #expect(try await run(["admin", "instances", "list", "--tenant", "acme"], in: directory).stdout.contains("api.example\tacme\thttps://api.example/actor\tno\tactivitypub\tno\n"))

        let moderator = try await run(["admin", "moderators", "add", "alice", "--tenant", "acme", "--role", "moderator"], in: directory)
        #expect(moderator.status == 0, "\(moderator.stderr)")
        let token = try #require(moderator.stdout.split(separator: "\n").last.map(String.init))
        #expect(token.hasPrefix("pal_"))
        #expect(moderator.stdout.hasPrefix("added alice (moderator of acme); token tok-"))
        // Only the hash is stored.
        let database = directory.path("data/palisade.sqlite")
        #expect(try await SQLiteShell.query(database, "SELECT COUNT(*) FROM moderator_tokens WHERE hash LIKE '%\(token.suffix(20))%'") == ["0"])
        #expect(try await SQLiteShell.query(database, "SELECT length(hash) FROM moderator_tokens") == ["64"])
        #expect(try await run(["admin", "moderators", "add", "bob", "--role", "moderator"], in: directory).stderr.contains("--tenant is required"))
        #expect(try await run(["admin", "moderators", "add", "root", "--role", "operator"], in: directory).status == 0)
        // Who added each moderator: here the operator at the command line (operator:USER), who joins nobody's group.
        let listed = try await run(["admin", "moderators", "list"], in: directory).stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(listed.map { Array($0.prefix(3)) } == [["NAME", "TENANT", "ROLE"], ["alice", "acme", "moderator"], ["root", "(all)", "operator"]])
        #expect(listed.dropFirst().allSatisfy { $0.last?.hasPrefix("operator:") == true }, "\(listed)")
        #expect(listed.first?.last == "ADDED BY")
        let second = try await run(["admin", "moderators", "token", "alice"], in: directory)
        #expect(second.status == 0)
        #expect(try await run(["admin", "moderators", "revoke", "alice"], in: directory).stdout == "revoked 2 tokens\n")
        #expect(try await run(["admin", "moderators", "revoke", "alice"], in: directory).stderr.contains("no token 'alice'"))

        #expect(try await run(["admin", "reporters", "mute", "https://troll.example/users/t", "--tenant", "acme"], in: directory).status == 0)
        let verified = try await run(["admin", "audit", "verify"], in: directory)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("audit log intact: "))
    }

    @Test func auditVerifyNamesAnEditedDeletedOrReorderedRow() async throws {
        let directory = try TemporaryDirectory("cli-audit")
        defer { directory.remove() }
        #expect(try await run(["admin", "init"], in: directory).status == 0)
        #expect(try await run(["admin", "tenants", "add", "acme"], in: directory).status == 0)
        for name in ["a", "b", "c", "d"] {
            #expect(try await run(["admin", "moderators", "add", name, "--tenant", "acme", "--role", "triage"], in: directory).status == 0)
        }
        #expect(try await run(["admin", "audit", "verify", "--tenant", "acme"], in: directory).stdout == "audit log intact: 5 rows verified\n")
        let database = directory.path("data/palisade.sqlite")
        let tenant = try #require(try await SQLiteShell.query(database, "SELECT id FROM tenants WHERE slug = 'acme'").first)

        _ = try await SQLiteShell.query(database, "UPDATE audit_log SET detail = replace(detail, 'triage', 'admin') WHERE tenant_id = \(tenant) AND seq = 3")
        let edited = try await run(["admin", "audit", "verify", "--tenant", "acme"], in: directory)
        #expect(edited.status == 1)
        #expect(edited.stdout.hasPrefix("acme: row 3 ("))
        #expect(edited.stdout.contains("admin.moderator_added by operator:"))
        #expect(edited.stdout.contains("was edited: its content no longer matches its MAC"))
        #expect(edited.stderr.contains("error: the audit log fails verification (1 problem)"))
        _ = try await SQLiteShell.query(database, "UPDATE audit_log SET detail = replace(detail, 'admin', 'triage') WHERE tenant_id = \(tenant) AND seq = 3")
        #expect(try await run(["admin", "audit", "verify", "--tenant", "acme"], in: directory).status == 0)

        _ = try await SQLiteShell.query(database, """
            UPDATE audit_log SET seq = -1 WHERE tenant_id = \(tenant) AND seq = 2;
            UPDATE audit_log SET seq = 2 WHERE tenant_id = \(tenant) AND seq = 3;
            UPDATE audit_log SET seq = 3 WHERE tenant_id = \(tenant) AND seq = -1;
            """)
        let reordered = try await run(["admin", "audit", "verify", "--tenant", "acme"], in: directory)
        #expect(reordered.status == 1)
        #expect(reordered.stdout.contains("acme: row 2 ("))
        #expect(reordered.stdout.contains("was reordered: it was written as row 3"))
        _ = try await SQLiteShell.query(database, """
            UPDATE audit_log SET seq = -1 WHERE tenant_id = \(tenant) AND seq = 2;
            UPDATE audit_log SET seq = 2 WHERE tenant_id = \(tenant) AND seq = 3;
            UPDATE audit_log SET seq = 3 WHERE tenant_id = \(tenant) AND seq = -1;
            """)

        _ = try await SQLiteShell.query(database, "DELETE FROM audit_log WHERE tenant_id = \(tenant) AND seq = 4")
        let deleted = try await run(["admin", "audit", "verify", "--tenant", "acme"], in: directory)
        #expect(deleted.status == 1)
        #expect(deleted.stdout.hasPrefix("acme: row 4 is missing (deleted): row 5 ("))
    }

    @Test func auditVerifyChecksTheChainAgainstItsLastCheckpoint() async throws {
        let directory = try TemporaryDirectory("cli-audit-checkpoint")
        defer { directory.remove() }
        #expect(try await run(["admin", "init"], in: directory).status == 0)
        #expect(try await run(["admin", "tenants", "add", "acme"], in: directory).status == 0)
        for name in ["a", "b"] {
            #expect(try await run(["admin", "moderators", "add", name, "--tenant", "acme", "--role", "triage"], in: directory).status == 0)
        }
        let key = try FileManager.default.attributesOfItem(atPath: directory.path("data/audit.key"))
        #expect((key[.posixPermissions] as? Int) == 0o600 && (key[.size] as? Int) == 32, "the HMAC key, outside the database")
        let intact = try await run(["admin", "audit", "verify"], in: directory)
        #expect(intact.status == 0, "\(intact.stdout)\(intact.stderr)")
        let checkpoints = try String(contentsOfFile: directory.path("data/audit.checkpoints"), encoding: .utf8)
        #expect(checkpoints.split(separator: "\n").count == 1, "verify writes a checkpoint")

        // The last row deleted and the head moved back with it: only the checkpoint still knows row 3.
        let database = directory.path("data/palisade.sqlite")
        let tenant = try #require(try await SQLiteShell.query(database, "SELECT id FROM tenants WHERE slug = 'acme'").first)
        _ = try await SQLiteShell.query(database, """
            DELETE FROM audit_log WHERE tenant_id = \(tenant) AND seq = 3;
            UPDATE audit_heads SET seq = 2, hash = (SELECT hash FROM audit_log WHERE tenant_id = \(tenant) AND seq = 2) WHERE tenant_id = \(tenant);
            """)
        let truncated = try await run(["admin", "audit", "verify", "--tenant", "acme"], in: directory)
        #expect(truncated.status == 1)
        #expect(truncated.stdout.hasPrefix("acme: the chain ends at row 2, but the checkpoint of "), "\(truncated.stdout)")
        #expect(truncated.stdout.contains("recorded row 3: row 3 was deleted"))
        #expect(try String(contentsOfFile: directory.path("data/audit.checkpoints"), encoding: .utf8) == checkpoints, "a tampered chain is not checkpointed")
    }
}
