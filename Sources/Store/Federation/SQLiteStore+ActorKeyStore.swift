import Federation
import Foundation
import GRDB
import HTTPSignatures

extension SQLiteStore: ActorKeyStore {
    /// The actor's key, or nil when it has none.
    public func key(for actor: LocalActor) async throws -> StoredActorKey? {
        let record = try await pool.read { db in
            try LocalActorKeyRecord.fetchOne(db, key: actor.storageKey)
        }
        return try record.map { try StoredActorKey(record: $0, secrets: secrets) }
    }

    /// Stores the key unless one exists; returns what is stored.
    public func insertKeyIfAbsent(_ key: StoredActorKey) async throws -> StoredActorKey {
        let record = LocalActorKeyRecord(
            actor: key.actor.storageKey,
            privateKeyPEM: try secrets.seal(key.keyPair.privateKeyPEM) ?? "",
            publicKeyPEM: key.keyPair.publicKeyPEM,
            createdAt: key.createdAt
        )
        let stored = try await pool.write { db in
            try record.insert(db, onConflict: .ignore)
            return try LocalActorKeyRecord.fetchOne(db, key: record.actor)
        }
        guard let stored else {
            throw StoreError.corruptRow(table: LocalActorKeyRecord.databaseTableName, detail: "the key for \(key.actor) vanished after insert")
        }
        return try StoredActorKey(record: stored, secrets: secrets)
    }
}

extension StoredActorKey {
    init(record: LocalActorKeyRecord, secrets: SecretBox?) throws(StoreError) {
        let table = LocalActorKeyRecord.databaseTableName
        guard let actor = LocalActor(storageKey: record.actor) else {
            throw StoreError.corruptRow(table: table, detail: "unknown actor key '\(record.actor)'")
        }
        let pem = try secrets.open(record.privateKeyPEM) ?? ""
        do {
            let keyPair = try RSAKeyPair(privateKeyPEM: pem)
            self.init(actor: actor, keyPair: keyPair, createdAt: record.createdAt)
        } catch {
            throw StoreError.corruptRow(table: table, detail: "the private key of \(actor) is unreadable: \(error)")
        }
    }
}
