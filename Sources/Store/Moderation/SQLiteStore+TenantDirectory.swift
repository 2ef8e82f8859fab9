import Foundation
import GRDB
import Moderation

extension SQLiteStore: TenantDirectory {
    /// Inserts the tenant; service chain (tenant 0) records it, and its own chain starts with it.
    public func createTenant(_ tenant: Tenant, by actor: String, at date: Date) async throws -> Tenant {
        try await pool.write { db in
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM tenants WHERE slug = ?"), arguments: [tenant.slug]) == true {
                throw ModerationError.tenantExists(tenant.slug)
            }
            try db.cachedStatement(sql: """
                    INSERT INTO tenants (slug, name, default_queue, unsolicited_queue, approval_required, claim_lease_seconds, sla_seconds, forward_reports,
                        flags_from, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    tenant.slug, tenant.name, tenant.defaultQueue, tenant.unsolicitedQueue, try ModerationRows.json(tenant.approvalRequired.sorted()),
                    Int64(tenant.claimLease), Int64(tenant.sla), tenant.forwardReports, tenant.flagsFrom.rawValue, ModerationRows.milliseconds(date),
                ])
            let id = db.lastInsertedRowID
            let detail = [
                "slug": tenant.slug, "name": tenant.name, "default_queue": tenant.defaultQueue, "unsolicited_queue": tenant.unsolicitedQueue ?? "",
                "approval_required": tenant.approvalRequired.sorted().joined(separator: ","), "forward_reports": tenant.forwardReports ? "yes" : "no",
                "flags_from": tenant.flagsFrom.rawValue,
            ]
            try ModerationRows.appendAudit(db, key: self.auditKey, tenant: 0, actor: actor, kind: "admin.tenant_created", caseID: nil, detail: detail, ruleSetVersion: nil, at: date)
            try ModerationRows.appendAudit(db, key: self.auditKey, tenant: id, actor: actor, kind: "admin.tenant_created", caseID: nil, detail: detail, ruleSetVersion: nil, at: date)
            return Tenant(
                id: id, slug: tenant.slug, name: tenant.name, defaultQueue: tenant.defaultQueue, unsolicitedQueue: tenant.unsolicitedQueue,
                approvalRequired: tenant.approvalRequired, claimLease: tenant.claimLease, sla: tenant.sla)
        }
    }

    /// Every tenant, by slug.
    public func tenants() async throws -> [Tenant] {
        try await pool.read { db in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM tenants ORDER BY slug")).map(ModerationRows.tenant) }
    }

    /// The tenant with `slug`.
    public func tenant(slug: String) async throws -> Tenant? {
        try await pool.read { db in try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM tenants WHERE slug = ?"), arguments: [slug]).map(ModerationRows.tenant) }
    }

    /// The tenant with `id`.
    public func tenant(id: TenantID) async throws -> Tenant? {
        try await pool.read { db in try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM tenants WHERE id = ?"), arguments: [id]).map(ModerationRows.tenant) }
    }

    /// Attaches the instance; the domain must be free.
    public func attach(_ instance: AttachedInstance, by actor: String, at date: Date) async throws -> AttachedInstance {
        try await pool.write { db in
            if let holder = try Int64.fetchOne(db.cachedStatement(sql: "SELECT tenant_id FROM instances WHERE domain = ?"), arguments: [instance.domain.value]) {
                // Another tenant's domain is "unavailable", never "attached to tenant X".
                throw holder == instance.tenantID ? ModerationError.instanceExists(instance.domain.value) : ModerationError.instanceUnavailable(instance.domain.value)
            }
            try db.cachedStatement(sql: """
                    INSERT INTO instances (tenant_id, domain, actor_id, webhook_secret, decision_route, inbox, mastodon_api_token, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    instance.tenantID, instance.domain.value, instance.actorID, try self.secrets.seal(instance.webhookSecret),
                    instance.decisionRoute.rawValue, instance.inbox, try self.secrets.seal(instance.mastodonAPIToken), ModerationRows.milliseconds(date),
                ])
            let id = db.lastInsertedRowID
            try ModerationRows.appendAudit(
                db, key: self.auditKey, tenant: instance.tenantID, actor: actor, kind: "admin.instance_attached", caseID: nil,
                detail: [
                    "domain": instance.domain.value, "actor_id": instance.actorID, "webhook": instance.webhookSecret == nil ? "no" : "yes",
                    "decision_route": instance.decisionRoute.rawValue, "mastodon_api": instance.mastodonAPIToken == nil ? "no" : "yes",
                ], ruleSetVersion: nil, at: date)
            return AttachedInstance(
                id: id, tenantID: instance.tenantID, domain: instance.domain, actorID: instance.actorID, webhookSecret: instance.webhookSecret,
                decisionRoute: instance.decisionRoute, inbox: instance.inbox, mastodonAPIToken: instance.mastodonAPIToken)
        }
    }

    /// Changes the instance's decision route and admin-API token.
    public func update(_ instance: AttachedInstance, by actor: String, at date: Date) async throws {
        try await pool.write { db in
            try db.cachedStatement(sql: "UPDATE instances SET decision_route = ?, mastodon_api_token = ? WHERE domain = ? AND tenant_id = ?").execute(
                arguments: [instance.decisionRoute.rawValue, try self.secrets.seal(instance.mastodonAPIToken), instance.domain.value, instance.tenantID])
            guard db.changesCount > 0 else { throw ModerationError.noSuchInstance(instance.domain.value) }
            try ModerationRows.appendAudit(
                db, key: self.auditKey, tenant: instance.tenantID, actor: actor, kind: "admin.instance_updated", caseID: nil,
                detail: [
                    "domain": instance.domain.value, "decision_route": instance.decisionRoute.rawValue,
                    "mastodon_api": instance.mastodonAPIToken == nil ? "no" : "yes",
                ], ruleSetVersion: nil, at: date)
        }
    }

    /// Detaches the instance (its reports and cases stay).
    public func detach(domain: InstanceDomain, tenant: TenantID, by actor: String, at date: Date) async throws {
        try await pool.write { db in
            try db.cachedStatement(sql: "DELETE FROM instances WHERE domain = ? AND tenant_id = ?").execute(arguments: [domain.value, tenant])
            guard db.changesCount > 0 else { throw ModerationError.noSuchInstance(domain.value) }
            try ModerationRows.appendAudit(
                db, key: self.auditKey, tenant: tenant, actor: actor, kind: "admin.instance_detached", caseID: nil, detail: ["domain": domain.value], ruleSetVersion: nil,
                at: date)
        }
    }

    /// The tenant's instances, by domain.
    public func instances(tenant: TenantID?) async throws -> [AttachedInstance] {
        try await pool.read { db in
            if let tenant {
                return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM instances WHERE tenant_id = ? ORDER BY domain"), arguments: [tenant]).map { try ModerationRows.instance($0, secrets: self.secrets) }
            }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM instances ORDER BY domain")).map { try ModerationRows.instance($0, secrets: self.secrets) }
        }
    }

    /// The instance with `domain`.
    public func instance(domain: InstanceDomain) async throws -> AttachedInstance? {
        try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM instances WHERE domain = ?"), arguments: [domain.value]).map { try ModerationRows.instance($0, secrets: self.secrets) }
        }
    }

    /// Inserts the moderator and the hash of their first token.
    public func addModerator(name: String, tenant: TenantID?, role: Role, token: ModeratorToken, by actor: String, at date: Date) async throws
        -> Moderator
    {
        try await pool.write { db in
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM moderators WHERE name = ?"), arguments: [name]) == true {
                throw ModerationError.moderatorExists(name)
            }
            try db.cachedStatement(sql: "INSERT INTO moderators (tenant_id, name, role, created_at, created_by) VALUES (?, ?, ?, ?, ?)").execute(arguments: [tenant, name, role.rawValue, ModerationRows.milliseconds(date), actor])
            let id = db.lastInsertedRowID
            try db.cachedStatement(sql: "INSERT INTO moderator_tokens (id, moderator_id, hash, created_at, issued_by) VALUES (?, ?, ?, ?, ?)").execute(arguments: [token.id, id, token.hash, ModerationRows.milliseconds(date), actor])
            try ModerationRows.appendAudit(
                db, key: self.auditKey, tenant: tenant ?? 0, actor: actor, kind: "admin.moderator_added", caseID: nil,
                detail: ["name": name, "role": role.rawValue, "token": token.id], ruleSetVersion: nil, at: date)
            return Moderator(id: id, tenantID: tenant, name: name, role: role, createdBy: actor)
        }
    }

    /// Moderators by name.
    public func moderators(tenant: TenantID?) async throws -> [Moderator] {
        try await pool.read { db in
            if let tenant {
                return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM moderators WHERE tenant_id = ? ORDER BY name"), arguments: [tenant]).map(ModerationRows.moderator)
            }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM moderators ORDER BY name")).map(ModerationRows.moderator)
        }
    }

    /// Stores another token's hash for the moderator.
    public func issueToken(_ token: ModeratorToken, to name: String, tenant: TenantID?, by actor: String, at date: Date) async throws {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM moderators WHERE name = ?"), arguments: [name]),
                tenant == nil || (row["tenant_id"] as TenantID?) == tenant
            else { throw ModerationError.noSuchModerator(name) }
            let moderator = try ModerationRows.moderator(row)
            try db.cachedStatement(sql: "INSERT INTO moderator_tokens (id, moderator_id, hash, created_at, issued_by) VALUES (?, ?, ?, ?, ?)").execute(arguments: [token.id, moderator.id, token.hash, ModerationRows.milliseconds(date), actor])
            try ModerationRows.appendAudit(
                db, key: self.auditKey, tenant: moderator.tenantID ?? 0, actor: actor, kind: "admin.token_issued", caseID: nil,
                detail: ["name": name, "token": token.id], ruleSetVersion: nil, at: date)
        }
    }

    /// Revokes one token (by id) or all of a moderator's (by name).
    public func revokeTokens(matching idOrName: String, tenant: TenantID?, by actor: String, at date: Date) async throws -> Int {
        try await pool.write { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT t.id AS token_id, m.tenant_id, m.name FROM moderator_tokens t JOIN moderators m ON m.id = t.moderator_id
                    WHERE (t.id = ? OR m.name = ?) AND t.revoked_at IS NULL
                    """), arguments: [idOrName, idOrName]
            ).filter { tenant == nil || ($0["tenant_id"] as TenantID?) == tenant }
            guard !rows.isEmpty else { throw ModerationError.noSuchToken(idOrName) }
            for row in rows {
                let tokenID: String = row["token_id"]
                try db.cachedStatement(sql: "UPDATE moderator_tokens SET revoked_at = ? WHERE id = ?").execute(arguments: [ModerationRows.milliseconds(date), tokenID])
                try ModerationRows.appendAudit(
                    db, key: self.auditKey, tenant: (row["tenant_id"] as TenantID?) ?? 0, actor: actor, kind: "admin.token_revoked", caseID: nil,
                    detail: ["name": row["name"], "token": tokenID], ruleSetVersion: nil, at: date)
            }
            return rows.count
        }
    }

    /// The holder of an unrevoked token.
    public func moderator(tokenHash: String) async throws -> Moderator? {
        try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT m.* FROM moderator_tokens t JOIN moderators m ON m.id = t.moderator_id
                    WHERE t.hash = ? AND t.revoked_at IS NULL
                    """), arguments: [tokenHash]
            ).map(ModerationRows.moderator)
        }
    }

    /// Sets or clears the feed token's hash.
    public func setFeedToken(hash: String?, tenant: TenantID, by actor: String, at date: Date) async throws {
        try await pool.write { db in
            try db.cachedStatement(sql: "UPDATE tenants SET feed_token_hash = ? WHERE id = ?").execute(arguments: [hash, tenant])
            guard db.changesCount == 1 else { throw ModerationError.noSuchTenant(String(tenant)) }
            try ModerationRows.appendAudit(
                db, key: self.auditKey, tenant: tenant, actor: actor, kind: hash == nil ? "admin.feed_token_cleared" : "admin.feed_token_set", caseID: nil, detail: [:],
                ruleSetVersion: nil, at: date)
        }
    }

    /// Replaces the tenant's reason templates.
    public func setReasonTemplates(_ templates: [String], tenant: TenantID, by actor: String, at date: Date) async throws {
        let json = try ModerationRows.json(templates)
        try await pool.write { db in
            try db.cachedStatement(sql: "UPDATE tenants SET reason_templates = ? WHERE id = ?").execute(arguments: [json, tenant])
            guard db.changesCount == 1 else { throw ModerationError.noSuchTenant(String(tenant)) }
            try ModerationRows.appendAudit(
                db, key: self.auditKey, tenant: tenant, actor: actor, kind: "admin.reason_templates_set", caseID: nil, detail: ["templates": json], ruleSetVersion: nil,
                at: date)
        }
    }

    /// Mutes (or unmutes) a reporter for the tenant.
    public func setReporterMuted(_ reporter: String, muted: Bool, tenant: TenantID, by actor: String, at date: Date) async throws {
        try await pool.write { db in
            if muted {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO muted_reporters (tenant_id, reporter, muted_by, muted_at) VALUES (?, ?, ?, ?)").execute(arguments: [tenant, reporter, actor, ModerationRows.milliseconds(date)])
            } else {
                try db.cachedStatement(sql: "DELETE FROM muted_reporters WHERE tenant_id = ? AND reporter = ?").execute(arguments: [tenant, reporter])
            }
            try ModerationRows.appendAudit(
                db, key: self.auditKey, tenant: tenant, actor: actor, kind: muted ? "admin.reporter_muted" : "admin.reporter_unmuted", caseID: nil,
                detail: ["reporter": reporter], ruleSetVersion: nil, at: date)
        }
    }
}
