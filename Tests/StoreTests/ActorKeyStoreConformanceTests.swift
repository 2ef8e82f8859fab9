import Federation
import Foundation
import HTTPSignatures
import PalisadeTesting
import Store
import Testing

/// A storage backend under test; a PostgreSQL backend adds a case here and runs the same suite.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite

    var testDescription: String { rawValue }

    /// A migrated store of this backend in `directory`; the conformance suites take the protocol they test from it.
    func openStore(in directory: TemporaryDirectory) throws -> SQLiteStore {
        switch self {
        case .sqlite:
            let store = try SQLiteStore(path: directory.path("palisade.sqlite"))
            try store.migrate()
            return store
        }
    }

    func makeActorKeyStore(in directory: TemporaryDirectory) throws -> any ActorKeyStore {
        try openStore(in: directory)
    }
}

/// The `ActorKeyStore` contract, run against every backend.
@Suite struct ActorKeyStoreConformanceTests {
    let directory: TemporaryDirectory
    let createdAt = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        directory = try TemporaryDirectory("actor-keys")
    }

    @Test(arguments: StoreBackend.allCases)
    func anActorWithoutAKeyHasNone(backend: StoreBackend) async throws {
        let store = try backend.makeActorKeyStore(in: directory)
        #expect(try await store.key(for: .service) == nil)
        #expect(try await store.key(for: .account("alice")) == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func aStoredKeyReadsBackIdentically(backend: StoreBackend) async throws {
        let store = try backend.makeActorKeyStore(in: directory)
        let key = StoredActorKey(actor: .account("alice"), keyPair: try RSAKeyPair.generate(), createdAt: createdAt)
        let stored = try await store.insertKeyIfAbsent(key)
        #expect(stored == key)
        #expect(try await store.key(for: .account("alice")) == key)
        #expect(try await store.key(for: .service) == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func theFirstKeyStoredWinsOverALaterOne(backend: StoreBackend) async throws {
        let store = try backend.makeActorKeyStore(in: directory)
        let first = StoredActorKey(actor: .service, keyPair: try RSAKeyPair.generate(), createdAt: createdAt)
        let second = StoredActorKey(actor: .service, keyPair: try RSAKeyPair.generate(), createdAt: createdAt.addingTimeInterval(60))
        _ = try await store.insertKeyIfAbsent(first)
        #expect(try await store.insertKeyIfAbsent(second) == first)
        #expect(try await store.key(for: .service) == first)
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentFirstStartsAgreeOnOneServiceKey(backend: StoreBackend) async throws {
        let store = try backend.makeActorKeyStore(in: directory)
        let now = createdAt
        let outcomes = try await withThrowingTaskGroup(of: LocalActorKey.Outcome.self) { group in
            for _ in 0..<4 {
                group.addTask { try await LocalActorKey.loadOrCreate(in: store, now: now) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let keys = Set(outcomes.map(\.key.keyPair.publicKeyPEM))
        #expect(keys.count == 1)
        #expect(outcomes.filter { if case .created = $0 { true } else { false } }.count == 1)
        #expect(try await store.key(for: .service)?.keyPair.publicKeyPEM == keys.first)
    }

    @Test func aKeySurvivesClosingAndReopeningTheDatabase() async throws {
        let path = directory.path("palisade.sqlite")
        let store = try SQLiteStore(path: path)
        try store.migrate()
        let created = try await LocalActorKey.loadOrCreate(in: store, now: createdAt)
        try store.close()

        let reopened = try SQLiteStore(path: path)
        defer { try? reopened.close() }
        try reopened.migrate()
        let loaded = try await LocalActorKey.loadOrCreate(in: reopened, now: createdAt.addingTimeInterval(3600))
        guard case .loaded(let key) = loaded else {
            Issue.record("expected the stored key to be loaded, got \(loaded)")
            return
        }
        #expect(key.keyPair == created.key.keyPair)
        #expect(key.createdAt == createdAt)
    }
}
