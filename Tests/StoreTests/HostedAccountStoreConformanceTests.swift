import Federation
import Foundation
import HTTPSignatures
import PalisadeTesting
import Store
import Testing

extension StoreBackend {
    func makeAccountStores(in directory: TemporaryDirectory) throws -> (any HostedAccountStore, any ActorKeyStore, any FollowerStore) {
        let store = try openStore(in: directory)
        return (store, store, store)
    }
}

/// The `HostedAccountStore` contract and the account rules on top of it, against every backend.
@Suite struct HostedAccountTests {
    let directory: TemporaryDirectory
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let baseURL = URL(string: "https://mod.example.org")!

    init() throws {
        directory = try TemporaryDirectory("accounts")
    }

    @Test(arguments: StoreBackend.allCases)
    func anAccountIsCreatedWithItsOwnKeyAndListed(backend: StoreBackend) async throws {
        let (accounts, keys, followers) = try backend.makeAccountStores(in: directory)
        let service = HostedAccounts(accounts: accounts, keys: keys, followers: followers, baseURL: baseURL, now: { now })
        let created = try await service.create(name: "Press_Office", displayName: "Press office", summary: "We <3 news")
        #expect(created.name == "press_office")
        #expect(try await service.list() == [created])
        let key = try #require(try await keys.key(for: .account("press_office")))
        #expect(key.keyPair.bitCount == 2048)
        let actor = try #require(try await service.actor(named: "PRESS_OFFICE", baseURL: URL(string: "https://mod.example.org")!))
        #expect(actor.id == "https://mod.example.org/users/press_office")
        #expect(actor.publicKeyPEM == key.keyPair.publicKeyPEM)
    }

    @Test(arguments: StoreBackend.allCases)
    func namesAreValidatedAndNeverReused(backend: StoreBackend) async throws {
        let (accounts, keys, followers) = try backend.makeAccountStores(in: directory)
        let service = HostedAccounts(accounts: accounts, keys: keys, followers: followers, baseURL: baseURL, now: { now })
        for bad in ["", "has space", "émile", String(repeating: "a", count: 31), "../etc"] {
            await #expect(throws: HostedAccountError.invalidName(bad)) { try await service.create(name: bad, displayName: nil, summary: nil) }
        }
        _ = try await service.create(name: "alice", displayName: nil, summary: nil)
        await #expect(throws: HostedAccountError.nameTaken("alice")) { try await service.create(name: "Alice", displayName: nil, summary: nil) }
        try await service.delete(name: "alice")
        await #expect(throws: HostedAccountError.alreadyDeleted("alice")) { try await service.delete(name: "alice") }
        await #expect(throws: HostedAccountError.nameTaken("alice")) { try await service.create(name: "alice", displayName: nil, summary: nil) }
        await #expect(throws: HostedAccountError.notFound("bob")) { try await service.delete(name: "bob") }
        #expect(try await service.isActive(name: "alice") == false)
        #expect(try await accounts.account(named: "alice")?.deletedAt == now)
    }
}
