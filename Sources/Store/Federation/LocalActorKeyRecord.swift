import Foundation
import GRDB

/// A row of `local_actor_keys`.
struct LocalActorKeyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "local_actor_keys"

    var actor: String
    var privateKeyPEM: String
    var publicKeyPEM: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case actor
        case privateKeyPEM = "private_key_pem"
        case publicKeyPEM = "public_key_pem"
        case createdAt = "created_at"
    }
}
