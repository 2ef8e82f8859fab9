import ActivityStreams
import Federation
import Foundation
import Moderation
import PalisadeTesting
import Rules
import Testing

/// Reports from the wire shapes real servers send (fixtures from Mastodon's documentation, GoToSocial's tests,
/// Lemmy and mbin), and Mastodon's admin webhooks (the documented `report.created` payload).
@Suite struct IntakeShapesTests {
    func flag(_ fixture: String) throws -> ReceivedFlag {
        let document = try ActivityStreamsDocument.decode(Data(try Fixtures.text(fixture).utf8))
        let activity = try Activity(document)
        return ReceivedFlag(
            activityID: activity.id ?? "", reporterID: activity.actorID, objectIDs: activity.objects.compactMap(\.id),
            comment: activity.content ?? document.text("summary"), receivedAt: Date())
    }

    @Test func mastodonsFlagNamesTheAccountThenItsStatuses() throws {
        let report = try #require(IncomingReport(flag: try flag("activitystreams/mastodon-docs/flag.json"), solicited: true))
        #expect(report.account == "https://example.com/users/1")
        #expect(report.statuses.map(\.id) == ["https://example.com/posts/380590", "https://example.com/posts/380591"])
        #expect(report.comment == "Please take a look at this user and their posts")
        #expect(report.reporter == "https://mastodon.example/actor")
        #expect(report.source == .flag)
        #expect(report.accountDomain == "example.com")
    }

    @Test func goToSocialsAndMisskeysFlags() throws {
        let gts = try #require(IncomingReport(flag: try flag("activitystreams/gotosocial/captured-flags/mastodon-flag-account-and-status.json"), solicited: true))
        #expect(gts.account == "https://bad.instance/users/tobi")
        #expect(gts.statuses.map(\.id) == ["https://bad.instance/users/tobi/statuses/01GP388K19DGXSV3SW2RXWM533"])
        let accountOnly = try #require(IncomingReport(flag: try flag("activitystreams/gotosocial/captured-flags/mastodon-flag-account-only.json"), solicited: false))
        #expect(accountOnly.statuses.isEmpty)
        #expect(accountOnly.source == .unsolicited)
        // Misskey names only the account and lists the notes in the comment, before a "-----" line.
        let misskey = try #require(IncomingReport(flag: try flag("activitystreams/gotosocial/captured-flags/misskey-flag.json"), solicited: true))
        #expect(misskey.account == "https://bad.instance/users/tobi")
        #expect(misskey.statuses.map(\.id) == ["https://bad.instance/@tobi/statuses/01GPB56GPJ37JTK9HW308HQKBQ"])
        #expect(misskey.comment == "incites anti-police behaviour while being cute! ⛔")
    }

    @Test func lemmysAndMbinsFlags() throws {
        // Lemmy reports the post alone, with the reason in `summary`: the case is keyed by the post, which is also
        // the reported status.
        let lemmy = try #require(IncomingReport(flag: try flag("activitystreams/lemmy/lemmy-flag-report-page.json"), solicited: true))
        #expect(lemmy.account == "http://enterprise.lemmy.ml/post/7")
        #expect(lemmy.statuses.map(\.id) == ["http://enterprise.lemmy.ml/post/7"])
        #expect(lemmy.comment == "report this post")
        // mbin names the post first, then the user.
        let mbin = try #require(IncomingReport(flag: try flag("activitystreams/lemmy/mbin-flag.json"), solicited: true))
        #expect(mbin.account == "https://lemmy-test/u/BentiGorlich")
        #expect(mbin.statuses.map(\.id) == ["https://lemmy-test/post/4"])
    }

    @Test func aFlagWithoutObjectsIsNoReport() {
        let empty = ReceivedFlag(activityID: "https://a.example/f/1", reporterID: "https://a.example/actor", objectIDs: ["not a url"], comment: nil, receivedAt: Date())
        #expect(IncomingReport(flag: empty, solicited: true) == nil)
    }

    // MARK: webhooks

    let secret = "0123456789abcdef0123456789abcdef"

    func signature(_ body: Data, secret: String) -> String {
        "sha256=" + OpenSSLHMAC.sha256(key: secret, body)
    }

    @Test func theDocumentedReportCreatedPayloadBecomesAReport() throws {
        let body = Data(try Fixtures.text("webhooks/mastodon-report.created.json").utf8)
        try MastodonWebhook.verify(body: body, signature: signature(body, secret: secret), secret: secret)
        let event = try MastodonWebhook.parse(body, domain: InstanceDomain("mastodonwebsite")!, now: Date())
        guard case .report(let report) = event else { Issue.record("expected a report, got \(event)"); return }
        #expect(report.sourceKey == "webhook:mastodonwebsite:8437")
        #expect(report.source == .webhook)
        #expect(report.account == "https://someothermastodonsite.com/users/cheeseperson")
        #expect(report.reporter == "https://mastodonwebsite/users/bobisaburger")
        #expect(report.category == "violation")
        #expect(report.accountName == "cheeseperson @cheeseperson", "the target account's display name and username, for searches")
        #expect(report.instanceRuleIDs == ["2"])
        #expect(report.forwarded)
        #expect(report.statuses == [ReportedStatus(
            id: "https://someothermastodonsite.com/users/cheeseperson/statuses/111301083360371621", text: "Here is some content", verified: true)],
            "an admin webhook is the instance's own word about its own database: its statuses are verified evidence")
        #expect(report.sourceUpdatedAt == Date(timeIntervalSince1970: 1_698_327_240.348))
    }

    @Test func aWrongMissingOrMalformedSignatureIsRefused() throws {
        let body = Data(try Fixtures.text("webhooks/mastodon-report.created.json").utf8)
        #expect(throws: WebhookError.missingSignature) { try MastodonWebhook.verify(body: body, signature: nil, secret: secret) }
        #expect(throws: WebhookError.malformedSignature) { try MastodonWebhook.verify(body: body, signature: "md5=abc", secret: secret) }
        #expect(throws: WebhookError.malformedSignature) { try MastodonWebhook.verify(body: body, signature: "sha256=zz", secret: secret) }
        #expect(throws: WebhookError.wrongSignature) {
            try MastodonWebhook.verify(body: body, signature: signature(body, secret: "another secret of some length"), secret: secret)
        }
        var tampered = body
        tampered[tampered.startIndex + 20] ^= 1
        #expect(throws: WebhookError.wrongSignature) { try MastodonWebhook.verify(body: tampered, signature: signature(body, secret: secret), secret: secret) }
    }

    @Test func malformedAndUnknownPayloads() throws {
        let domain = InstanceDomain("m.example")!
        #expect(throws: WebhookError.malformedPayload("not JSON")) { try MastodonWebhook.parse(Data("{".utf8), domain: domain, now: Date()) }
        #expect(throws: WebhookError.malformedPayload("missing 'event'")) { try MastodonWebhook.parse(Data("{}".utf8), domain: domain, now: Date()) }
        #expect(throws: WebhookError.malformedPayload("report: missing 'id'")) {
            try MastodonWebhook.parse(Data(#"{"event":"report.created","object":{}}"#.utf8), domain: domain, now: Date())
        }
        #expect(try MastodonWebhook.parse(Data(#"{"event":"account.approved","object":{}}"#.utf8), domain: domain, now: Date()) == .ignored("account.approved"))
    }

    @Test func aStatusWebhookIsScreenedAsACreateWithItsLinksAndAccount() throws {
        // The status entity of the documented payload, delivered as status.created.
        let payload = try JSONSerialization.jsonObject(with: Data(try Fixtures.text("webhooks/mastodon-report.created.json").utf8)) as! [String: Any]
        let status = ((payload["object"] as! [String: Any])["statuses"] as! [[String: Any]])[0]
        let body = try JSONSerialization.data(withJSONObject: ["event": "status.created", "object": status])
        let event = try MastodonWebhook.parse(body, domain: InstanceDomain("someothermastodonsite.com")!, now: Date(timeIntervalSince1970: 1_698_327_240))
        guard case .screen(let subject, let subjectID, let account) = event else { Issue.record("expected a screening, got \(event)"); return }
        #expect(subject.appliesToType == "Create")
        #expect(subject["content"] == .text("Here is some content"))
        #expect(subject["account.domain"] == .text("someothermastodonsite.com"))
        #expect(subject["account.age_days"] == .number(67))
        #expect(subjectID == "https://someothermastodonsite.com/users/cheeseperson/statuses/111301083360371621")
        #expect(account == "https://someothermastodonsite.com/users/cheeseperson")
    }

    @Test func instanceDomainsAreHostsWithAnOptionalPort() {
        #expect(InstanceDomain("Mastodon.Example")?.value == "mastodon.example")
        #expect(InstanceDomain("127.0.0.1:8080")?.value == "127.0.0.1:8080")
        for bad in ["", "https://m.example", "m.example/path", "m..example", "-m.example", "m.example:0", "m.example:99999", "m.example:08", "a b"] {
            #expect(InstanceDomain(bad) == nil, "\(bad)")
        }
        #expect(InstanceDomain(url: "http://127.0.0.1:4000/users/x")?.value == "127.0.0.1:4000")
    }
}

/// A reported server stand-in: answers with the fixture documents it holds, read through the same ActivityStreams
/// decoding as a fetched document.
struct FixtureStatuses: StatusLookup {
    let documents: [String: String]

    func status(_ uri: String) async -> (status: ReportedStatus, author: String?)? {
        guard let fixture = documents[uri], let text = try? Fixtures.text(fixture),
            let post = try? Post(try ActivityStreamsDocument.decode(Data(text.utf8)))
        else { return nil }
        return (ReportedStatus(id: uri, text: post.contentText, contentWarning: post.summary, mediaCount: post.attachments.count, sensitive: post.sensitive),
                post.authorID)
    }
}

@Suite struct StatusLookupTests {
    @Test func fetchedStatusesGiveTheirTextAndALemmyReportItsAuthor() async throws {
        // Mastodon's documented Note is attributed to https://example.com: served from that origin, its author is proven.
        let lookup = FixtureStatuses(documents: [
            "https://example.com/post/7": "activitystreams/mastodon-docs/note-hashtag.json",
            "http://enterprise.lemmy.ml/post/7": "activitystreams/mastodon-docs/note-hashtag.json",
        ])
        let lemmy = ReceivedFlag(
            activityID: "http://ds9.lemmy.ml/activities/flag/1", reporterID: "http://ds9.lemmy.ml/u/lemmy_alpha",
            objectIDs: ["https://example.com/post/7"], comment: "report this post", receivedAt: Date())
        let report = try #require(IncomingReport(flag: lemmy, solicited: true))
        let looked = await report.withStatusesLooked(up: lookup)
        #expect(looked.statuses.first?.text == "I love #cats")
        #expect(looked.account == "https://example.com", "the post's author on its own origin becomes the reported account")
        #expect(looked.statuses.map(\.verified) == [true])
        #expect(looked.evidenceVerified)
        // The same document served from another server claims an author it cannot prove: the account is not taken.
        let elsewhere = ReceivedFlag(
            activityID: "http://ds9.lemmy.ml/activities/flag/2", reporterID: "http://ds9.lemmy.ml/u/lemmy_alpha",
            objectIDs: ["http://enterprise.lemmy.ml/post/7"], comment: "report this post", receivedAt: Date())
        let unproven = await IncomingReport(flag: elsewhere, solicited: true)!.withStatusesLooked(up: lookup)
        #expect(unproven.account == "http://enterprise.lemmy.ml/post/7")
        #expect(unproven.statuses.map(\.verified) == [false])
        #expect(!unproven.evidenceVerified)
        // Mastodon's shape names the account: it stays, whoever the fetched status names.
        let mastodon = ReceivedFlag(
            activityID: "https://m.example/f/1", reporterID: "https://m.example/actor",
            objectIDs: ["https://bad.example/users/x", "http://enterprise.lemmy.ml/post/7", "https://bad.example/users/x/statuses/gone"],
            comment: nil, receivedAt: Date())
        let kept = await IncomingReport(flag: mastodon, solicited: true)!.withStatusesLooked(up: lookup)
        #expect(kept.account == "https://bad.example/users/x")
        #expect(kept.statuses.map(\.text) == ["I love #cats", nil])
    }
}
