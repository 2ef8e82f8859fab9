/// Sliding-window observations for velocity and cluster rules (issue 17): what intake saw, per tenant, kept as long
/// as the longest window (24 hours) so a restart does not forget a burst in progress.
enum WindowMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0013-moderation-window-observations",
            sql: """
                CREATE TABLE window_observations (
                    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                    kind TEXT NOT NULL,
                    key TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    at INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX window_observations_by_key ON window_observations (tenant_id, kind, key, at);
                CREATE INDEX window_observations_by_age ON window_observations (at);
                """
        ),
        // Issue 18: moderators search cases by the account's display name and username, as its source showed them.
        // A domain search reads an index rather than every case of the tenant.
        Migration(
            id: "0014-moderation-case-account-name",
            sql: """
                ALTER TABLE cases ADD COLUMN account_name TEXT;
                CREATE INDEX cases_by_domain ON cases(tenant_id, domain);
                """),
    ]
}
