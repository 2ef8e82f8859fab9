import Foundation
import HTTPSignatures

/// A local actor's signing key as stored.
public struct StoredActorKey: Sendable, Equatable {
    /// Whose key it is.
    public let actor: LocalActor
    /// The key pair (private PKCS#8 PEM, public SPKI PEM).
    public let keyPair: RSAKeyPair
    /// When the key was created.
    public let createdAt: Date

    /// Makes a stored key value.
    public init(actor: LocalActor, keyPair: RSAKeyPair, createdAt: Date) {
        self.actor = actor
        self.keyPair = keyPair
        self.createdAt = createdAt
    }
}

/// Storage of local actors' signing keys. Implemented by `Store` (SQLite); a second backend runs the same conformance tests.
public protocol ActorKeyStore: Sendable {
    /// The actor's current key, or nil when it has none yet.
    func key(for actor: LocalActor) async throws -> StoredActorKey?
    /// Stores `key` unless the actor already has one; returns the key that is stored afterwards (the existing one wins).
    func insertKeyIfAbsent(_ key: StoredActorKey) async throws -> StoredActorKey
}
