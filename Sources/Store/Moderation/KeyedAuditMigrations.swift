/// An audit chain that cannot be quietly rewritten (issue 16, item 8): rows are MAC'd with HMAC-SHA256 and a key kept
/// outside the database (`mac`), and a row about a decision, approval or sanction carries the digest of that row
/// (`subjects`). The upgrade keeps what was written before verifiable: every existing row stays a legacy SHA-256 row,
/// `audit_legacy` records per chain the last of them (every later row must be keyed, and the first keyed row chains
/// onto the last legacy hash under the MAC), and `audit_upgrade` records which decisions and sanctions predate the
/// upgrade (those need no audit row naming them; their later lifting does).
enum KeyedAuditMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0011-moderation-keyed-audit",
            sql: """
                ALTER TABLE audit_log ADD COLUMN mac TEXT NOT NULL DEFAULT 'sha256' CHECK (mac IN ('sha256', 'hmac-sha256'));
                ALTER TABLE audit_log ADD COLUMN subjects TEXT;
                CREATE TABLE audit_legacy (
                    tenant_id INTEGER PRIMARY KEY,
                    through_seq INTEGER NOT NULL
                ) STRICT;
                INSERT INTO audit_legacy (tenant_id, through_seq) SELECT tenant_id, MAX(seq) FROM audit_log GROUP BY tenant_id;
                CREATE TABLE audit_upgrade (
                    decisions_through INTEGER NOT NULL,
                    sanctions_through INTEGER NOT NULL,
                    upgraded_at INTEGER NOT NULL
                ) STRICT;
                INSERT INTO audit_upgrade (decisions_through, sanctions_through, upgraded_at)
                    SELECT (SELECT COALESCE(MAX(id), 0) FROM decisions), (SELECT COALESCE(MAX(id), 0) FROM sanctions),
                        CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);
                """
        )
    ]
}
