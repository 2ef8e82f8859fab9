import AsyncHTTPClient
import Federation
import Foundation
import PalisadeTesting
import Store
import Testing

/// Processing the durable inbox: flags reach moderation once, whatever crashes in between.
@Suite struct InboxProcessorTests {
    let directory: TemporaryDirectory
    let store: SQLiteStore
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        directory = try TemporaryDirectory("processor")
        store = try SQLiteStore(path: directory.path("palisade.sqlite"))
        try store.migrate()
    }

    /// A processor whose directory fetches nothing (these activities need no remote actor).
    func processor() -> InboxProcessor {
        InboxProcessor(
            stores: .init(inbox: store, flags: store, received: store, accounts: store, followers: store),
            directory: RemoteKeyDirectory(
                client: HTTPClient.shared, signer: nil, settings: .init(addressPolicy: AddressPolicy(allowPrivateAddresses: false)),
                now: { now }),
            baseURL: URL(string: "https://mod.example.org")!, now: { now })
    }

    func entry(_ fixture: String, type: String, id: String) throws -> InboxEntry {
        InboxEntry(
            activityID: id, type: type, actorID: "https://example.org/actor", keyID: "https://example.org/actor#main-key",
            body: try Data(contentsOf: Fixtures.url("activitystreams/" + fixture)), receivedAt: now)
    }

    @Test func flagsAreRecordedForModerationAndEverythingIsMarkedProcessed() async throws {
        _ = try await store.store(try entry("gotosocial/captured-flags/mastodon-flag-account-and-status.json", type: "Flag", id: "https://example.org/341e866f-93f8-4755-9cf4-f8fb17f434fd"))
        _ = try await store.store(try entry("lemmy/lemmy-like-note.json", type: "Like", id: "https://example.org/like-1"))
        _ = try await store.store(try entry("lemmy/lemmy-flag-report-page.json", type: "Flag", id: "http://ds9.lemmy.ml/activities/flag/98b0933f-5e45-4a95-a15f-e0dc86361ba4"))
        let processor = processor()
        #expect(try await processor.processBatch() == 3)
        #expect(try await processor.processBatch() == 0)
        #expect(try await store.unprocessed(limit: 10).isEmpty)
        #expect(try await store.processingOutcome(activityID: "https://example.org/like-1")?.hasPrefix("no effect: a Like of something not hosted here") == true)
        let flags = try await store.receivedFlags()
        #expect(flags.count == 2)
        #expect(flags[0].objectIDs == ["https://bad.instance/users/tobi", "https://bad.instance/users/tobi/statuses/01GP388K19DGXSV3SW2RXWM533"])
        #expect(flags[0].comment == "misinfo: it's not a good morning")
        #expect(flags[1].reporterID == "http://ds9.lemmy.ml/u/lemmy_alpha")
        #expect(flags[1].comment == "report this post", "Lemmy puts the reason in summary")
    }

    @Test func aFlagRecordedBeforeACrashIsNotRecordedTwice() async throws {
        let flagEntry = try entry("gotosocial/captured-flags/mastodon-flag-account-only.json", type: "Flag", id: "https://example.org/3088184f-81b2-4545-8ce2-4cee4895449f")
        _ = try await store.store(flagEntry)
        // The crash: the effect was stored, the entry never marked processed.
        try await store.record(ReceivedFlag(activityID: flagEntry.activityID, reporterID: "https://example.org/actor", objectIDs: ["https://bad.instance/users/tobi"], comment: "smellyyyyyyyyyyyyy", receivedAt: now))
        #expect(try await processor().processBatch() == 1)
        #expect(try await store.receivedFlags().count == 1)
    }

    /// Real Pleroma-suite activities addressed to `lain` on this instance, applied through the store.
    @Test func effectsOfPostsInteractionsMovesAndActorDeletionAreStoredAndReadBack() async throws {
        let base = URL(string: "http://localtesting.pleroma.lol")!
        try await store.createAccount(HostedAccount(name: "lain", displayName: "lain", summary: "", createdAt: now))
        let admin = "http://mastodon.example.org/users/admin"
        func stored(_ fixture: String, id: String, type: String, actor: String = admin) async throws {
            let data = try Data(contentsOf: Fixtures.url("activitystreams/" + fixture))
            _ = try await store.store(InboxEntry(activityID: id, type: type, actorID: actor, keyID: actor + "#main-key", body: data, receivedAt: now))
        }
        let processor = InboxProcessor(
            stores: .init(inbox: store, flags: store, received: store, accounts: store, followers: store),
            directory: RemoteKeyDirectory(
                client: HTTPClient.shared, signer: nil, settings: .init(addressPolicy: AddressPolicy(allowPrivateAddresses: false)),
                now: { now }),
            baseURL: base, now: { now })
        try await stored("pleroma/mastodon-create-note.json", id: "create", type: "Create")
        try await stored("pleroma/mastodon-like.json", id: "http://mastodon.example.org/users/admin#likes/2", type: "Like")
        try await stored("pleroma/mastodon-block.json", id: "block", type: "Block")
        try await stored("fep/fep-7628-move-actor.json", id: "move", type: "Move", actor: "https://server1.example/users/alice")
        #expect(try await processor.processBatch() == 4)

        let note = try #require(try await store.receivedObject(id: "http://mastodon.example.org/users/admin/statuses/99512778738411822"))
        #expect(note.addressedTo == ["lain"])
        let object = "http://localtesting.pleroma.lol/objects/eb92579d-3417-42a8-8652-2492c2d4f454"
        #expect(try await store.interactions(about: object).map(\.kind) == [.like])
        #expect(try await store.interactions(about: "http://localtesting.pleroma.lol/users/lain").map(\.kind) == [.block])
        let moves = try await store.moves(of: "https://server1.example/users/alice")
        #expect(moves.map(\.target) == ["https://server2.example/users/alice"])

        try await stored("pleroma/mastodon-undo-like.json", id: "undo-like", type: "Undo")
        #expect(try await processor.processBatch() == 1)
        #expect(try await store.interactions(about: object).first?.undoneAt == now)

        #expect(try await store.holdsAnything(of: admin))
        #expect(try await store.holdsAnything(of: "https://server1.example/users/alice"), "a move alone counts")
        #expect(try await store.holdsAnything(of: "https://elsewhere.example/users/nobody") == false)
        try await stored("pleroma/mastodon-delete-actor.json", id: "delete-actor", type: "Delete")
        #expect(try await processor.processBatch() == 1)
        #expect(try await store.holdsAnything(of: admin) == false, "after the purge a later self-delete needs no key")
        #expect(try await store.receivedObject(id: note.id) == nil)
        #expect(try await store.interactions(about: object).isEmpty)
        #expect(try await store.processingOutcome(activityID: "delete-actor") == "actor purged: 1 objects, 2 interactions, 0 follows")
    }
}
