import ActivityStreams
import Foundation
import PalisadeTesting
import Testing

/// What Palisade reads out of real documents: the fields rules and moderators depend on.
@Suite struct ReadingTests {
    func load(_ path: String) throws -> ASObject {
        try ActivityStreamsDocument.decode(Data(contentsOf: Fixtures.url("activitystreams/" + path)))
    }

    @Test func mastodonsCreateNoteCarriesItsPost() throws {
        let activity = try Activity(load("bovine/mastodon-create-note.json"))
        #expect(activity.type == "Create")
        #expect(activity.actorID == "https://mastodon/users/john")
        #expect(activity.isPublic)
        let post = try Post(try #require(activity.objects.first?.embedded))
        #expect(post.id == "https://mastodon/users/john/statuses/9876")
        #expect(post.authorID == "https://mastodon/users/john")
        #expect(post.contentText == "Creating Test Data!!! :)")
        #expect(post.language == "en")
        #expect(post.sensitive == false)
        #expect(post.inReplyTo == nil)
        #expect(post.published == Date(timeIntervalSince1970: 1_675_500_775))
    }

    @Test func aFlagListsTheAccountFirstThenStatuses() throws {
        let flag = try Activity(load("gotosocial/captured-flags/mastodon-flag-account-and-status.json"))
        #expect(flag.type == "Flag")
        #expect(flag.objects.map(\.id) == ["https://bad.instance/users/tobi", "https://bad.instance/users/tobi/statuses/01GP388K19DGXSV3SW2RXWM533"])
        #expect(flag.content == "misinfo: it's not a good morning")
    }

    @Test func aFlagWithASingleObjectReadsAsAOneElementList() throws {
        let flag = try Activity(load("gotosocial/captured-flags/mastodon-flag-account-only.json"))
        #expect(flag.objects == [.link("https://bad.instance/users/tobi")])
        let misskey = try Activity(load("gotosocial/captured-flags/misskey-flag.json"))
        #expect(misskey.content?.hasSuffix("incites anti-police behaviour while being cute! ⛔") == true)
    }

    @Test func lemmysFlagKeepsItsAudience() throws {
        let flag = try Activity(load("lemmy/lemmy-flag-report-page.json"))
        #expect(flag.objects == [.link("http://enterprise.lemmy.ml/post/7")])
        #expect(flag.recipients.contains("http://enterprise.lemmy.ml/u/main"))
        #expect(flag.object.text("summary") == "report this post")
    }

    @Test func mentionsTagsAndAttachmentsAreRead() throws {
        let post = try Post(load("gotosocial/spam-note-4-mentions-attachment.json"))
        #expect(post.mentions.count == 4)
        #expect(post.mentions.first == "https://example.net/users/nityosan")
        #expect(post.attachments.count == 1)
        #expect(post.attachments.first?.mediaType == "image/jpeg")
        #expect(post.contentText == "@nityosan\n@FIzxive\n@mendako\n@the_mighty_zork")
    }

    @Test func aPersonsKeysEndpointsAndFieldsAreRead() throws {
        let actor = try Actor(load("gotosocial/mastodon-social-gargron-person.json"))
        #expect(actor.type == "Person")
        #expect(actor.username == "Gargron")
        #expect(actor.sharedInbox == "https://mastodon.social/inbox")
        #expect(actor.publicKeys.first?.id == "https://mastodon.social/users/Gargron#main-key")
        #expect(actor.publicKeys.first?.owner == "https://mastodon.social/users/Gargron")
        #expect(actor.publicKeys.first?.pem.hasPrefix("-----BEGIN PUBLIC KEY-----") == true)
    }

    @Test func multikeysFromFEP521aAreRead() throws {
        let actor = try Actor(load("fep/8b32/actor-multikey.json"))
        #expect(actor.multikeys == [Actor.Multikey(id: "https://server.example/users/alice#ed25519-key", controller: "https://server.example/users/alice", multibase: "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")])
    }

    @Test func aStringBooleanIsReadAndAHostileKeyIDIsKeptForTheOriginCheck() throws {
        let actor = try Actor(load("akkoma/hostile-actor-foreign-keyid.json"))
        #expect(actor.object.bool("discoverable") == true)
        // The key lives on another server: Federation refuses it by origin; reading it must not hide it.
        let keyHost = URLComponents(string: try #require(actor.publicKeys.first?.id))?.host
        #expect(keyHost != URLComponents(string: actor.id)?.host)
    }

    @Test func unknownPropertiesSurvive() throws {
        let object = try load("bovine/mastodon-create-note.json")
        #expect(object.properties["signature"]?.objectValue?["type"]?.stringValue == "RsaSignature2017")
        let encoded = try JSONEncoder().encode(JSONValue.object(object.properties))
        #expect(try ActivityStreamsDocument.decode(encoded) == object)
    }

    @Test func linksAreReadWithTheirClasses() {
        let html = #"<p><a href="https://x.example/a?b=1&amp;c=2" class="u-url mention">@x</a> <A HREF='https://y.example'>y</A> <a>none</a> <a href=https://z.example class=hashtag>#z</a></p>"#
        let links = HTMLText.links(html)
        #expect(links.map(\.href) == ["https://x.example/a?b=1&c=2", "https://y.example", "https://z.example"])
        #expect(links.map(\.classes) == [["u-url", "mention"], [], ["hashtag"]])
    }
}
