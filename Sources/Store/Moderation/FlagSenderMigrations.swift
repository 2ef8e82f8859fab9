/// Reports from ordinary users of an attached instance are reports, not the instance's word (issue 16, item 1): a
/// tenant may take Flags from its instances' actors only.
enum FlagSenderMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0012-moderation-flags-from",
            sql: """
                ALTER TABLE tenants ADD COLUMN flags_from TEXT NOT NULL DEFAULT 'any';
                """
        )
    ]
}
