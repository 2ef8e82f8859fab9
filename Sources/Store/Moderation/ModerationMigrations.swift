/// The moderation schema, designed whole: tenants, attached instances, moderators and token hashes, muted reporters,
/// cases (their `CaseStatus` as columns), reports, rule hits, screened evidence, decisions, sanctions, and the per-tenant
/// hash-chained audit log with its recorded head. Times are milliseconds since 1970 (INTEGER), so claim expiry and
/// SLA comparisons are integer comparisons.
enum ModerationMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0007-moderation-cases",
            sql: """
                CREATE TABLE tenants (
                    id INTEGER PRIMARY KEY,
                    slug TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    default_queue TEXT NOT NULL,
                    unsolicited_queue TEXT,
                    approval_required TEXT NOT NULL,
                    claim_lease_seconds INTEGER NOT NULL,
                    sla_seconds INTEGER NOT NULL,
                    feed_token_hash TEXT,
                    created_at INTEGER NOT NULL
                ) STRICT;
                CREATE TABLE instances (
                    id INTEGER PRIMARY KEY,
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    domain TEXT NOT NULL UNIQUE,
                    actor_id TEXT NOT NULL,
                    webhook_secret TEXT,
                    decision_route TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) STRICT;
                CREATE TABLE moderators (
                    id INTEGER PRIMARY KEY,
                    tenant_id INTEGER REFERENCES tenants(id),
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) STRICT;
                CREATE TABLE moderator_tokens (
                    id TEXT PRIMARY KEY,
                    moderator_id INTEGER NOT NULL REFERENCES moderators(id),
                    hash TEXT NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                ) STRICT;
                CREATE TABLE muted_reporters (
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    reporter TEXT NOT NULL,
                    muted_by TEXT NOT NULL,
                    muted_at INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, reporter)
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE cases (
                    id INTEGER PRIMARY KEY,
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    account TEXT NOT NULL,
                    domain TEXT NOT NULL,
                    queue TEXT NOT NULL,
                    priority INTEGER NOT NULL,
                    phase TEXT NOT NULL,
                    claim_holder TEXT,
                    claim_expires_at INTEGER,
                    decision_id INTEGER,
                    superseded_decision_id INTEGER,
                    appeals INTEGER NOT NULL DEFAULT 0,
                    escalated_to_role TEXT,
                    reports INTEGER NOT NULL DEFAULT 0,
                    hits INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    sla_due_at INTEGER NOT NULL
                ) STRICT;
                CREATE UNIQUE INDEX cases_active_account ON cases(tenant_id, account)
                    WHERE phase IN ('open', 'escalated', 'awaiting_approval', 'reopened');
                CREATE INDEX cases_claimable ON cases(tenant_id, queue, priority DESC, id)
                    WHERE phase IN ('open', 'escalated', 'reopened');
                CREATE INDEX cases_by_queue ON cases(tenant_id, queue, phase, created_at, sla_due_at, claim_holder, claim_expires_at);
                CREATE INDEX cases_by_account ON cases(tenant_id, account);
                CREATE TABLE decisions (
                    id INTEGER PRIMARY KEY,
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    case_id INTEGER NOT NULL REFERENCES cases(id),
                    body TEXT NOT NULL,
                    state TEXT NOT NULL,
                    approved_by TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX decisions_by_case ON decisions(case_id);
                CREATE TABLE reports (
                    id INTEGER PRIMARY KEY,
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    case_id INTEGER REFERENCES cases(id),
                    source TEXT NOT NULL,
                    source_key TEXT NOT NULL,
                    reporter TEXT,
                    account TEXT NOT NULL,
                    statuses TEXT NOT NULL,
                    comment TEXT NOT NULL,
                    category TEXT,
                    instance_rule_ids TEXT NOT NULL,
                    forwarded INTEGER NOT NULL,
                    source_updated_at INTEGER,
                    received_at INTEGER NOT NULL,
                    UNIQUE (tenant_id, source_key)
                ) STRICT;
                CREATE INDEX reports_by_case ON reports(case_id);
                CREATE INDEX reports_by_reporter ON reports(tenant_id, reporter);
                CREATE TABLE rule_hits (
                    id INTEGER PRIMARY KEY,
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    case_id INTEGER NOT NULL REFERENCES cases(id),
                    subject TEXT NOT NULL,
                    rule_id TEXT NOT NULL,
                    rule_version TEXT NOT NULL,
                    rule_set_version TEXT NOT NULL,
                    spans TEXT NOT NULL,
                    queue TEXT NOT NULL,
                    priority INTEGER NOT NULL,
                    decision TEXT,
                    recorded_at INTEGER NOT NULL,
                    UNIQUE (case_id, subject, rule_id, rule_version)
                ) STRICT;
                CREATE TABLE screened_statuses (
                    case_id INTEGER NOT NULL REFERENCES cases(id),
                    status_id TEXT NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (case_id, status_id)
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE sanctions (
                    id INTEGER PRIMARY KEY,
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    case_id INTEGER NOT NULL REFERENCES cases(id),
                    decision_id INTEGER NOT NULL REFERENCES decisions(id),
                    target_kind TEXT NOT NULL,
                    target TEXT NOT NULL,
                    action TEXT NOT NULL,
                    applied_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    lifted_at INTEGER,
                    lifted_reason TEXT
                ) STRICT;
                CREATE INDEX sanctions_active ON sanctions(tenant_id, target) WHERE lifted_at IS NULL;
                CREATE INDEX sanctions_expiring ON sanctions(expires_at) WHERE lifted_at IS NULL AND expires_at IS NOT NULL;
                CREATE INDEX sanctions_by_decision ON sanctions(decision_id);
                CREATE TABLE audit_log (
                    tenant_id INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    case_id INTEGER,
                    detail TEXT NOT NULL,
                    rule_set_version TEXT,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    PRIMARY KEY (tenant_id, seq)
                ) STRICT;
                CREATE INDEX audit_by_case ON audit_log(tenant_id, case_id) WHERE case_id IS NOT NULL;
                CREATE TABLE audit_heads (
                    tenant_id INTEGER PRIMARY KEY,
                    seq INTEGER NOT NULL,
                    hash TEXT NOT NULL
                ) STRICT;
                """
        )
    ]
}
