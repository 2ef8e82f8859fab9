import ActivityStreams
import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import PalisadeTesting
import Testing

/// Issue 16, item 2: an unauthenticated sender cannot make Palisade fetch without bound — one fetch per key id in
/// flight, caps per host and overall, failures remembered, refetches rate-limited, redirects within a budget, and
/// parsed keys kept instead of whole documents.
@Suite(.serialized) struct BoundedFetchingTests {
    let bobPEM = try! Fixtures.text("keys/mastodon-remote-domain-bob.public.pem")

    func withPeer(
        configure: (inout RemoteKeyDirectory.Settings) -> Void = { _ in }, _ body: (FixturePeer, RemoteKeyDirectory) async throws -> Void
    ) async throws {
        let peer = FixturePeer()
        var documents: [String: (fixture: String, prefix: String, localPath: String, replacingKeyWith: String?)] = [
            "/users/bob": ("activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social/users/Gargron", "/users/bob", bobPEM)
        ]
        for index in 0..<12 {
            for folder in ["slow", "slower"] {
                documents["/\(folder)/users/u\(index)"] = (
                    "activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social/users/Gargron",
                    "/\(folder)/users/u\(index)", bobPEM
                )
            }
        }
        try await peer.start(documents: documents)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        var settings = RemoteKeyDirectory.Settings(addressPolicy: AddressPolicy(allowPrivateAddresses: true))
        configure(&settings)
        let directory = RemoteKeyDirectory(client: client, signer: nil, settings: settings, now: { Date() })
        do {
            try await body(peer, directory)
        } catch {
            try? await client.shutdown()
            await peer.stop()
            throw error
        }
        try await client.shutdown()
        await peer.stop()
    }

    @Test func concurrentLookupsOfOneKeyMakeOneFetch() async throws {
        try await withPeer { peer, directory in
            let keyID = peer.origin + "/slow/users/u0#main-key"
            let owners = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<25 { group.addTask { try await directory.resolve(keyID).ownerID } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(owners.count == 25 && Set(owners) == [peer.origin + "/slow/users/u0"])
            #expect(peer.requests.count == 1, "25 lookups in flight at once share one fetch")
        }
    }

    @Test func fetchesToOneHostAreCapped() async throws {
        try await withPeer(configure: { $0.perHostConcurrency = 2 }) { peer, directory in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 { group.addTask { _ = try await directory.resolve(peer.origin + "/slow/users/u\(index)#main-key") } }
                try await group.waitForAll()
            }
            #expect(peer.requests.count == 8)
            #expect(peer.mostConcurrentGets <= 2, "at most two fetches to one host at once, saw \(peer.mostConcurrentGets)")
        }
    }

    @Test func fetchesBeyondTheWaitingRoomFailAtOnce() async throws {
        try await withPeer(configure: { $0.perHostConcurrency = 1; $0.globalConcurrency = 1; $0.maximumWaiting = 2 }) { peer, directory in
            let results = await withTaskGroup(of: Bool.self) { group in
                // Each fetch takes 2 s, so all eight lookups arrive while the first is in flight, even under load.
                for index in 0..<8 { group.addTask { (try? await directory.resolve(peer.origin + "/slower/users/u\(index)#main-key")) != nil } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 3, "one running and two waiting are served; the rest are refused at once")
            #expect(peer.requests.count == 3)
        }
    }

    @Test func aFailedKeyIsNotFetchedAgainForAWhile() async throws {
        try await withPeer { peer, directory in
            let keyID = peer.origin + "/missing#main-key"
            await #expect(throws: RemoteFetchError.status(404, url: peer.origin + "/missing")) { try await directory.resolve(keyID) }
            for _ in 0..<10 {
                let error = await #expect(throws: RemoteFetchError.self) { try await directory.resolve(keyID) }
                guard case .recentlyFailed? = error else {
                    Issue.record("expected recentlyFailed, got \(String(describing: error))")
                    return
                }
            }
            #expect(peer.requests.count == 1, "ten junk requests naming the same failing key cause one fetch")
        }
    }

    @Test func aKeyIsRefetchedForRotationAtMostOncePerInterval() async throws {
        try await withPeer { peer, directory in
            let keyID = peer.origin + "/users/bob#main-key"
            _ = try await directory.resolve(keyID)
            #expect(await directory.forgetForRefetch(keyID) == false, "fetched moments ago: a failing signature does not refetch it")
            _ = try await directory.resolve(keyID)
            #expect(peer.requests.count == 1)
        }
        try await withPeer(configure: { $0.refetchInterval = 0 }) { peer, directory in
            let keyID = peer.origin + "/users/bob#main-key"
            _ = try await directory.resolve(keyID)
            #expect(await directory.forgetForRefetch(keyID))
            _ = try await directory.resolve(keyID)
            #expect(peer.requests.count == 2)
        }
    }

    @Test func redirectsSpendTheLookupsRequestBudget() async throws {
        try await withPeer { peer, directory in
            let error = await #expect(throws: RemoteFetchError.self) { try await directory.resolve(peer.origin + "/loop/0#main-key") }
            switch error {
            case .budgetExhausted?, .tooManyRedirects?: break
            default: Issue.record("expected the redirect budget to end the lookup, got \(String(describing: error))")
            }
            #expect(peer.requests.count <= 4, "one lookup makes at most four requests, made \(peer.requests.count)")
        }
    }

    @Test func keysAreCachedParsedWithoutTheirDocuments() async throws {
        try await withPeer { peer, directory in
            _ = try await directory.resolve(peer.origin + "/users/bob#main-key")
            let sizes = await directory.cacheSizes
            #expect(sizes.keys == 1)
            #expect(sizes.actors == 0 && sizes.actorBytes == 0, "a key lookup keeps the parsed key, not the actor document")
        }
    }

    @Test func theKeyCacheIsBounded() async throws {
        try await withPeer(configure: { $0.keyCacheCapacity = 4 }) { peer, directory in
            for index in 0..<10 { _ = try await directory.resolve(peer.origin + "/slow/users/u\(index)#main-key") }
            #expect(await directory.cacheSizes.keys <= 4)
        }
    }

    /// Soak finding: a stream of junk key ids filled the failure cache to its capacity, though each entry expires in
    /// minutes. Expired failures are swept as new ones arrive.
    @Test func expiredFailuresAreSweptNotKeptToTheCapacity() async throws {
        try await withPeer(configure: { $0.failureLifetime = 0 }) { peer, directory in
            for index in 0..<300 { _ = try? await directory.resolve(peer.origin + "/missing/u\(index)#main-key") }
            let failures = await directory.cacheSizes.failures
            #expect(failures < 100, "300 expired failures kept \(failures) entries")
        }
    }
}
