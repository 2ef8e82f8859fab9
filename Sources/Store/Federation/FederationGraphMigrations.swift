/// Followers, local posts, the delivery queue, and what the inbox worker records from received activities.
enum FederationGraphMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0005-federation-graph-and-delivery",
            sql: """
                ALTER TABLE hosted_accounts ADD COLUMN manually_approves_followers INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE inbox_activities ADD COLUMN outcome TEXT;
                CREATE TABLE followers (
                    account TEXT NOT NULL REFERENCES hosted_accounts (name),
                    actor_id TEXT NOT NULL,
                    inbox TEXT NOT NULL,
                    shared_inbox TEXT,
                    follow_id TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
                    created_at TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    PRIMARY KEY (account, actor_id)
                ) STRICT;
                CREATE INDEX followers_by_actor ON followers (actor_id);
                CREATE TABLE local_posts (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    account TEXT NOT NULL REFERENCES hosted_accounts (name),
                    activity_id TEXT NOT NULL UNIQUE,
                    content TEXT NOT NULL,
                    published TEXT NOT NULL,
                    activity BLOB NOT NULL
                ) STRICT;
                CREATE INDEX local_posts_by_account ON local_posts (account, sequence);
                CREATE TABLE deliveries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    activity_id TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    inbox TEXT NOT NULL,
                    body BLOB NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL,
                    next_attempt_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    last_error TEXT,
                    UNIQUE (activity_id, inbox)
                ) STRICT;
                CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
                CREATE TABLE received_objects (
                    id TEXT PRIMARY KEY NOT NULL,
                    actor_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    addressed_to TEXT NOT NULL,
                    body BLOB NOT NULL,
                    received_at TEXT NOT NULL,
                    updated_at TEXT,
                    deleted_at TEXT
                ) STRICT;
                CREATE INDEX received_objects_by_actor ON received_objects (actor_id);
                CREATE TABLE interactions (
                    activity_id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    actor_id TEXT NOT NULL,
                    object_id TEXT NOT NULL,
                    content TEXT,
                    created_at TEXT NOT NULL,
                    undone_at TEXT
                ) STRICT;
                CREATE INDEX interactions_by_actor ON interactions (actor_id);
                CREATE INDEX interactions_by_object ON interactions (object_id);
                CREATE TABLE moves (
                    activity_id TEXT PRIMARY KEY NOT NULL,
                    actor_id TEXT NOT NULL,
                    target TEXT NOT NULL,
                    created_at TEXT NOT NULL
                ) STRICT;
                """
        )
    ]
}
