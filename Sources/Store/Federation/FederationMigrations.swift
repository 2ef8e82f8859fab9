/// The Federation domain's tables.
enum FederationMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0001-federation-local-actor-keys",
            sql: """
                CREATE TABLE local_actor_keys (
                    actor TEXT PRIMARY KEY NOT NULL,
                    private_key_pem TEXT NOT NULL,
                    public_key_pem TEXT NOT NULL,
                    created_at TEXT NOT NULL
                ) STRICT;
                """
        )
    ]
}
