import Foundation
import HTTPSignatures

/// A local actor's key (the service actor's or a hosted account's): loaded from the store, or created and stored
/// the first time it is needed.
public enum LocalActorKey {
    /// What `loadOrCreate` found.
    public enum Outcome: Sendable, Equatable {
        /// The store already held the key.
        case loaded(StoredActorKey)
        /// No key was stored; this one was generated and stored now.
        case created(StoredActorKey)

        /// The key, whichever way it came.
        public var key: StoredActorKey {
            switch self {
            case .loaded(let key), .created(let key): return key
            }
        }
    }

    /// Returns the actor's stored key, generating and storing an RSA-2048 pair when there is none.
    /// Two processes asking at once end up with the same key: the first insert wins.
    public static func loadOrCreate(
        for actor: LocalActor = .service,
        in store: some ActorKeyStore,
        now: Date,
        generate: () throws -> RSAKeyPair = { try RSAKeyPair.generate() }
    ) async throws -> Outcome {
        if let existing = try await store.key(for: actor) {
            return .loaded(existing)
        }
        let fresh = StoredActorKey(actor: actor, keyPair: try generate(), createdAt: now)
        let stored = try await store.insertKeyIfAbsent(fresh)
        return stored.keyPair == fresh.keyPair ? .created(stored) : .loaded(stored)
    }
}
