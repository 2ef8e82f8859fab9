/// The inbox's tables.
enum InboxMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0002-federation-inbox-activities",
            sql: """
                CREATE TABLE inbox_activities (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    activity_id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    actor_id TEXT NOT NULL,
                    key_id TEXT NOT NULL,
                    body BLOB NOT NULL,
                    received_at TEXT NOT NULL,
                    processed_at TEXT
                ) STRICT;
                CREATE INDEX inbox_activities_unprocessed ON inbox_activities (sequence) WHERE processed_at IS NULL;
                """
        )
    ]
}
