/// Flags received for moderation.
enum ReceivedFlagMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0004-federation-received-flags",
            sql: """
                CREATE TABLE received_flags (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    activity_id TEXT NOT NULL UNIQUE,
                    reporter_id TEXT NOT NULL,
                    object_ids TEXT NOT NULL,
                    comment TEXT,
                    received_at TEXT NOT NULL
                ) STRICT;
                """
        )
    ]
}
