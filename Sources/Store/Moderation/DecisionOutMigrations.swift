/// Decisions leave Palisade (issue 7): a tenant may forward Flags to the offender's own server; an instance keeps its
/// resolved inbox and, optionally, the Mastodon admin-API token it granted. A transition that applies or lifts
/// sanctions writes a `decision_dispatches` row in its own transaction (the outbox), which the dispatcher turns into
/// signed deliveries and admin-API jobs; `decision_deliveries` ties each of those to the decision, per instance and
/// path, so the case shows where its decision stands.
enum DecisionOutMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0008-moderation-decisions-out",
            sql: """
                ALTER TABLE tenants ADD COLUMN forward_reports INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE instances ADD COLUMN inbox TEXT;
                ALTER TABLE instances ADD COLUMN mastodon_api_token TEXT;
                CREATE TABLE decision_dispatches (
                    id INTEGER PRIMARY KEY,
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    case_id INTEGER NOT NULL REFERENCES cases(id),
                    decision_id INTEGER NOT NULL REFERENCES decisions(id),
                    kind TEXT NOT NULL CHECK (kind IN ('apply', 'lift')),
                    reason TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    next_attempt_at INTEGER NOT NULL,
                    dispatched_at INTEGER,
                    last_error TEXT,
                    UNIQUE (decision_id, kind)
                ) STRICT;
                CREATE INDEX decision_dispatches_pending ON decision_dispatches(next_attempt_at) WHERE dispatched_at IS NULL;
                CREATE TABLE enforcement_jobs (
                    id INTEGER PRIMARY KEY,
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    decision_id INTEGER NOT NULL REFERENCES decisions(id),
                    instance TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    next_attempt_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    last_answer TEXT,
                    applied TEXT
                ) STRICT;
                CREATE INDEX enforcement_jobs_due ON enforcement_jobs(next_attempt_at) WHERE state = 'pending';
                CREATE INDEX enforcement_jobs_by_decision ON enforcement_jobs(decision_id, instance);
                CREATE TABLE decision_deliveries (
                    id INTEGER PRIMARY KEY,
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    case_id INTEGER NOT NULL REFERENCES cases(id),
                    decision_id INTEGER NOT NULL REFERENCES decisions(id),
                    dispatch_id INTEGER NOT NULL REFERENCES decision_dispatches(id),
                    instance TEXT NOT NULL,
                    path TEXT NOT NULL CHECK (path IN ('activitypub', 'mastodon_api')),
                    kind TEXT NOT NULL,
                    activity_id TEXT,
                    inbox TEXT,
                    job_id INTEGER REFERENCES enforcement_jobs(id),
                    created_at INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX decision_deliveries_by_case ON decision_deliveries(tenant_id, case_id);
                CREATE INDEX decision_deliveries_by_decision ON decision_deliveries(decision_id, instance, kind);
                """
        ),
        // The reasons a tenant's moderators pick from in the decision dialog (a JSON array of strings).
        Migration(
            id: "0009-moderation-reason-templates",
            sql: """
                ALTER TABLE tenants ADD COLUMN reason_templates TEXT NOT NULL DEFAULT '[]';
                """
        ),
    ]
}
