/// The delivery queue keeps an activity's body once, not once per inbox: a post to 10,000 shared inboxes stored
/// 10,000 copies of its JSON, and every result written rewrote pages full of them.
enum DeliveryBodyMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0006-federation-delivery-bodies",
            sql: """
                CREATE TABLE delivery_bodies (
                    activity_id TEXT PRIMARY KEY NOT NULL,
                    body BLOB NOT NULL
                ) STRICT;
                INSERT OR IGNORE INTO delivery_bodies (activity_id, body)
                    SELECT activity_id, body FROM deliveries ORDER BY id;
                CREATE TABLE deliveries_without_bodies (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    activity_id TEXT NOT NULL REFERENCES delivery_bodies (activity_id),
                    sender TEXT NOT NULL,
                    inbox TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL,
                    next_attempt_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    last_error TEXT,
                    UNIQUE (activity_id, inbox)
                ) STRICT;
                INSERT INTO deliveries_without_bodies
                        (id, activity_id, sender, inbox, state, attempts, created_at, next_attempt_at, updated_at, last_error)
                    SELECT id, activity_id, sender, inbox, state, attempts, created_at, next_attempt_at, updated_at, last_error
                    FROM deliveries;
                DROP TABLE deliveries;
                ALTER TABLE deliveries_without_bodies RENAME TO deliveries;
                CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
                """
        )
    ]
}
