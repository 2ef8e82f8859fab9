import Foundation
import GRDB

extension SQLiteStore {
    /// Seals every secret still stored in plaintext (written before sealing existed, or while no service secret was
    /// beside the database): instances' webhook secrets and admin-API tokens, and actors' private keys. Returns how many
    /// were sealed; does nothing without a service secret. Safe to run on every start.
    @discardableResult
    public func sealPlaintextSecrets() throws(StoreError) -> Int {
        guard let secrets else { return 0 }
        do {
            return try pool.write { db in
                var sealed = 0
                for row in try Row.fetchAll(db, sql: "SELECT id, webhook_secret, mastodon_api_token FROM instances") {
                    for column in ["webhook_secret", "mastodon_api_token"] {
                        guard let value: String = row[column], !SecretBox.isSealed(value) else { continue }
                        try db.execute(sql: "UPDATE instances SET \(column) = ? WHERE id = ?", arguments: [try secrets.seal(value), row["id"] as Int64])
                        sealed += 1
                    }
                }
                for row in try Row.fetchAll(db, sql: "SELECT actor, private_key_pem FROM local_actor_keys") {
                    let value: String = row["private_key_pem"]
                    guard !SecretBox.isSealed(value) else { continue }
                    try db.execute(
                        sql: "UPDATE local_actor_keys SET private_key_pem = ? WHERE actor = ?", arguments: [try secrets.seal(value), row["actor"] as String])
                    sealed += 1
                }
                return sealed
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.secret(detail: "sealing stored secrets failed: \(Self.describe(error))")
        }
    }
}
