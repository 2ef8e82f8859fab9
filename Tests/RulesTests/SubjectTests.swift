import ActivityStreams
import Foundation
import PalisadeTesting
import Rules
import Testing

/// Subjects built from the real documents other servers wrote (fixtures/activitystreams, provenance in SOURCES.md).
@Suite struct SubjectTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-17

    func subject(_ fixture: String) throws -> Subject {
        Subject(document: try ActivityStreamsDocument.decode(try Data(contentsOf: Fixtures.url("activitystreams/" + fixture))), now: now)
    }

    @Test func mastodonsCreateNote() throws {
        let subject = try subject("pleroma/mastodon-create-note.json")
        #expect(subject.kind == .activity)
        #expect(subject["type"] == .text("Create"))
        #expect(subject["object.type"] == .text("Note"))
        #expect(subject["content"] == .text("@lain"))
        #expect(subject["summary"] == .text("cw"))
        #expect(subject["sensitive"] == .bool(true))
        #expect(subject["mentions"] == .list(["lain@localtesting.pleroma.lol"]))
        #expect(subject["mentions.count"] == .number(1))
        #expect(subject["links"] == .list([]), "the mention's link is not a link")
        #expect(subject["account.id"] == .text("http://mastodon.example.org/users/admin"))
        #expect(subject["account.domain"] == .text("mastodon.example.org"))
        #expect(subject["attachments.count"] == .number(0))
    }

    @Test func misskeysCreateNoteInJapanese() throws {
        let subject = try subject("misskey/misskey-create-note.json")
        guard case .text(let content) = subject["content"] else {
            Issue.record("no content")
            return
        }
        #expect(content.hasPrefix("@trapezial@calckey.jp いやそういうことじゃなくて"))
        #expect(subject["mentions"] == .list(["trapezial@calckey.jp"]))
        #expect(subject["links.count"] == .number(0))
    }

    @Test func hashtagsAndAttachmentsOfBareNotes() throws {
        let tagged = try subject("mastodon-docs/note-hashtag.json")
        #expect(tagged["type"] == .text("Create"), "a bare object is read as its Create")
        #expect(tagged["object.type"] == .text("Note"))
        #expect(tagged["hashtags"] == .list(["cats"]))
        #expect(tagged["hashtags.count"] == .number(1))
        #expect(tagged["text"] == .text("I love #cats"))
        let picture = try subject("mastodon-docs/note-focalpoint-attachment.json")
        #expect(picture["attachments.count"] == .number(1))
        #expect(picture["attachments.media_types"] == .list(["image/png"]))
        #expect(picture["attachments.descriptions"] == .list([]))
    }

    @Test func mastodonsPersonIsAnAccount() throws {
        let subject = try subject("gotosocial/mastodon-social-gargron-person.json")
        #expect(subject.kind == .account)
        #expect(subject.appliesToType == "Account")
        #expect(subject["account.username"] == .text("Gargron"))
        #expect(subject["account.display_name"] == .text("Eugen"))
        #expect(subject["account.domain"] == .text("mastodon.social"))
        #expect(subject["account.bot"] == .bool(false))
        guard case .list(let fields) = subject["account.fields"] else {
            Issue.record("no profile fields")
            return
        }
        #expect(fields.contains("Patreon: patreon.com/mastodon"), "\(fields)")
        guard case .number(let age) = subject["account.age_days"] else {
            Issue.record("no account age")
            return
        }
        #expect(age > 3000, "joined in 2016")
    }

    @Test(arguments: [
        ("gotosocial/captured-flags/mastodon-flag-account-and-status.json", "misinfo: it's not a good morning", "https://bad.instance/users/tobi"),
        ("gotosocial/captured-flags/misskey-flag.json", "Note: https://bad.instance/@tobi/statuses/01GPB56GPJ37JTK9HW308HQKBQ\n-----\nincites anti-police behaviour while being cute! ⛔", "https://bad.instance/users/tobi"),
        ("lemmy/lemmy-flag-report-page.json", "report this post", "http://enterprise.lemmy.ml/post/7"),
    ])
    func flagsAreReports(fixture: String, comment: String, first: String) throws {
        let subject = try subject(fixture)
        #expect(subject.kind == .report)
        #expect(subject.appliesToType == "Report")
        #expect(subject["report.comment"] == .text(comment))
        #expect(subject["account.id"] == .text(first))
    }
}
