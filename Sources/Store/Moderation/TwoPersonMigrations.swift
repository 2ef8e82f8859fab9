/// Two people mean two people (issue 16, item 7): who added each moderator and who issued each token, so identities
/// one person minted count as that person. Rows from before are filled in from the audit log, which recorded both.
enum TwoPersonMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0010-moderation-minted-by",
            sql: """
                ALTER TABLE moderators ADD COLUMN created_by TEXT;
                ALTER TABLE moderator_tokens ADD COLUMN issued_by TEXT;
                UPDATE moderators SET created_by = (
                    SELECT a.actor FROM audit_log a
                    WHERE a.kind = 'admin.moderator_added' AND json_extract(a.detail, '$.name') = moderators.name
                    ORDER BY a.at DESC LIMIT 1);
                UPDATE moderator_tokens SET issued_by = (
                    SELECT a.actor FROM audit_log a
                    WHERE a.kind IN ('admin.moderator_added', 'admin.token_issued') AND json_extract(a.detail, '$.token') = moderator_tokens.id
                    ORDER BY a.at DESC LIMIT 1);
                """
        )
    ]
}
