import ActivityStreams
import Federation
import Foundation
import PalisadeTesting
import Testing

/// What the inbox worker does with real activities from Mastodon, Pleroma and Misskey (fixtures from Pleroma's test
/// suite address `http://localtesting.pleroma.lol/users/lain`, so that is the instance here).
@Suite struct InboxEffectPlannerTests {
    let planner = InboxEffectPlanner(baseURL: URL(string: "http://localtesting.pleroma.lol")!)
    let received = Date(timeIntervalSince1970: 1_795_000_000)
    let admin = "http://mastodon.example.org/users/admin"

    func plan(_ fixture: String, accounts: Set<String> = ["lain"]) throws -> InboxEffect {
        let data = try Data(contentsOf: Fixtures.url("activitystreams/" + fixture))
        let activity = try Activity(ActivityStreamsDocument.decode(data))
        let entry = InboxEntry(
            activityID: activity.id ?? "digest", type: activity.type, actorID: activity.actorID, keyID: activity.actorID + "#main-key",
            body: data, receivedAt: received)
        return planner.plan(activity, entry: entry, accounts: accounts)
    }

    @Test func aFollowOfAHostedAccountIsAnswered() throws {
        #expect(try plan("pleroma/mastodon-follow.json") == .follow(account: "lain", followID: "http://mastodon.example.org/users/admin#follows/2", actorID: admin))
        #expect(try plan("pleroma/mastodon-follow.json", accounts: []) == .none("a Follow of http://localtesting.pleroma.lol/users/lain, which is not a hosted account"))
    }

    @Test func undoingAFollowOrALikeReversesIt() throws {
        #expect(try plan("pleroma/mastodon-undo-follow.json") == .unfollow(account: "lain", actorID: admin))
        #expect(try plan("pleroma/mastodon-undo-like.json") == .undoInteraction(activityID: "http://mastodon.example.org/users/admin#likes/2", actorID: admin))
    }

    @Test func likesReactionsAndBlocksOfLocalThingsAreInteractions() throws {
        guard case .interaction(let like) = try plan("pleroma/mastodon-like.json") else { Issue.record("not an interaction"); return }
        #expect(like.kind == .like)
        #expect(like.objectID == "http://localtesting.pleroma.lol/objects/eb92579d-3417-42a8-8652-2492c2d4f454")
        guard case .interaction(let react) = try plan("pleroma/emoji-react.json") else { Issue.record("not an interaction"); return }
        #expect(react.kind == .emojiReact)
        #expect(react.content == "👌")
        guard case .interaction(let block) = try plan("pleroma/mastodon-block.json") else { Issue.record("not an interaction"); return }
        #expect(block.kind == .block)
        #expect(block.objectID == "http://localtesting.pleroma.lol/users/lain")
        // A boost of a post on another server is not ours to record.
        #expect(try plan("pleroma/mastodon-announce.json") == .none("a Announce of something not hosted here"))
    }

    @Test func aPostAddressedToAHostedAccountIsKeptAndOthersAreNot() throws {
        guard case .saveObject(let object) = try plan("pleroma/mastodon-create-note.json") else { Issue.record("not kept"); return }
        #expect(object.id == "http://mastodon.example.org/users/admin/statuses/99512778738411822")
        #expect(object.addressedTo == ["lain"])
        #expect(object.type == "Note")
        #expect(try plan("pleroma/mastodon-create-note.json", accounts: ["someone_else"]) == .none("a Note not addressed to a hosted account"))
    }

    @Test func deletingAnActorPurgesItAndAnUpdateOfItRefreshesTheCache() throws {
        #expect(try plan("pleroma/mastodon-delete-actor.json") == .purgeActor(admin))
        #expect(try plan("pleroma/mastodon-update-person.json") == .refreshActor("http://mastodon.example.org/users/gargron"))
        guard case .deleteObject(let id, let actor) = try plan("pleroma/mastodon-delete-note.json") else { Issue.record("not a delete"); return }
        #expect(actor == "http://mastodon.example.org/users/gargron")
        #expect(id == "http://mastodon.example.org/users/gargron/statuses/99620895606148759")
    }

    @Test func aMoveIsRecorded() throws {
        guard case .move(let move) = try plan("fep/fep-7628-move-actor.json") else { Issue.record("not a move"); return }
        #expect(move.target != move.actorID)
    }

    @Test func flagsGoToModerationAndUnhandledTypesHaveNoEffect() throws {
        guard case .flag(let flag) = try plan("gotosocial/captured-flags/mastodon-flag-account-and-status.json") else { Issue.record("not a flag"); return }
        #expect(flag.objectIDs.count == 2)
        #expect(try plan("pleroma/mastodon-accept.json") == .none("an Accept; hosted accounts follow nobody"))
    }
}
