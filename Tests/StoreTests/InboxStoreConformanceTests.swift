import Federation
import Foundation
import PalisadeTesting
import Store
import Testing

extension StoreBackend {
    func makeInboxStore(in directory: TemporaryDirectory) throws -> any InboxStore {
        try openStore(in: directory)
    }
}

/// The `InboxStore` contract, run against every backend.
@Suite struct InboxStoreConformanceTests {
    let directory: TemporaryDirectory
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        directory = try TemporaryDirectory("inbox-store")
    }

    func entry(_ id: String, offset: TimeInterval = 0) -> InboxEntry {
        InboxEntry(
            activityID: id, type: "Flag", actorID: "https://a.example/actor", keyID: "https://a.example/actor#main-key",
            body: Data(#"{"type":"Flag","id":"\#(id)"}"#.utf8), receivedAt: now.addingTimeInterval(offset))
    }

    @Test(arguments: StoreBackend.allCases)
    func anEntryIsStoredOnceAndAReplayIsADuplicate(backend: StoreBackend) async throws {
        let store = try backend.makeInboxStore(in: directory)
        #expect(try await store.store(entry("https://a.example/1")) == .stored)
        #expect(try await store.store(entry("https://a.example/1", offset: 60)) == .duplicate)
        #expect(try await store.unprocessed(limit: 10) == [entry("https://a.example/1")])
    }

    @Test(arguments: StoreBackend.allCases)
    func unprocessedEntriesComeOldestFirstUntilMarked(backend: StoreBackend) async throws {
        let store = try backend.makeInboxStore(in: directory)
        for index in 0..<5 { _ = try await store.store(entry("https://a.example/\(index)", offset: TimeInterval(index))) }
        #expect(try await store.unprocessed(limit: 3).map(\.activityID) == ["https://a.example/0", "https://a.example/1", "https://a.example/2"])
        try await store.markProcessed(activityID: "https://a.example/1", at: now, outcome: "no effect: test")
        #expect(try await store.processingOutcome(activityID: "https://a.example/1") == "no effect: test")
        #expect(try await store.processingOutcome(activityID: "https://a.example/2") == nil)
        #expect(try await store.unprocessed(limit: 10).map(\.activityID) == ["https://a.example/0", "https://a.example/2", "https://a.example/3", "https://a.example/4"])
    }

    @Test(arguments: StoreBackend.allCases)
    func busyActorsAreLeftOutSoOthersAreNotStarved(backend: StoreBackend) async throws {
        let store = try backend.makeInboxStore(in: directory)
        // The oldest entries are all of a slow actor whose first one is still being processed.
        for index in 0..<5 { _ = try await store.store(entry("https://a.example/\(index)", offset: TimeInterval(index))) }
        let other = InboxEntry(
            activityID: "https://b.example/1", type: "Follow", actorID: "https://b.example/actor", keyID: "https://b.example/actor#main-key",
            body: Data("{}".utf8), receivedAt: now.addingTimeInterval(10))
        _ = try await store.store(other)
        #expect(try await store.unprocessed(limit: 3, excludingActors: ["https://a.example/actor"]).map(\.activityID) == ["https://b.example/1"])
        #expect(try await store.unprocessed(limit: 2, excludingActors: []).map(\.activityID) == ["https://a.example/0", "https://a.example/1"])
    }

    @Test func storedEntriesSurviveReopeningTheDatabase() async throws {
        let path = directory.path("palisade.sqlite")
        let store = try SQLiteStore(path: path)
        try store.migrate()
        _ = try await store.store(entry("https://a.example/kept"))
        try store.close()
        let reopened = try SQLiteStore(path: path)
        defer { try? reopened.close() }
        #expect(try await reopened.unprocessed(limit: 10) == [entry("https://a.example/kept")])
    }
}
