/// The hosted accounts' table.
enum HostedAccountMigrations {
    static let all: [Migration] = [
        Migration(
            id: "0003-federation-hosted-accounts",
            sql: """
                CREATE TABLE hosted_accounts (
                    name TEXT PRIMARY KEY NOT NULL,
                    display_name TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    deleted_at TEXT
                ) STRICT;
                """
        )
    ]
}
