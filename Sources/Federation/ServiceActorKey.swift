import Foundation
import HTTPSignatures

/// The service actor's key: loaded from the store, or created and stored on first start.
public enum ServiceActorKey {
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

    /// Returns the stored service key, generating and storing an RSA-2048 pair when there is none.
    /// Two processes starting at once end up with the same key: the first insert wins.
    public static func loadOrCreate(
        in store: some ActorKeyStore,
        now: Date,
        generate: () throws -> RSAKeyPair = { try RSAKeyPair.generate() }
    ) async throws -> Outcome {
        if let existing = try await store.key(for: .service) {
            return .loaded(existing)
        }
        let fresh = StoredActorKey(actor: .service, keyPair: try generate(), createdAt: now)
        let stored = try await store.insertKeyIfAbsent(fresh)
        return stored.keyPair == fresh.keyPair ? .created(stored) : .loaded(stored)
    }
}
