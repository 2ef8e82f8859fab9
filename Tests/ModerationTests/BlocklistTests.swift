import Foundation
import Moderation
import Testing

/// The feeds rendered from active sanctions: one line per domain (the strongest sanction wins), Mastodon's CSV header,
/// JSON that parses, public comments that never carry the decision's reason.
@Suite struct BlocklistTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func sanction(_ id: Int64, _ action: DecisionAction, target: String, category: String? = "spam") -> Sanction {
        let kind = if case .defederate = action { "domain" } else { "account" }
        return Sanction(
            id: id, caseID: id, decisionID: id, targetKind: kind, target: target, action: action, appliedAt: t0.addingTimeInterval(Double(id)),
            expiresAt: nil, liftedAt: nil, liftedReason: nil, category: category)
    }

    @Test func domainsAreMergedSortedAndRenderedForMastodonAndGoToSocial() throws {
        let list = Blocklist(sanctions: [
            sanction(1, .defederate(domain: "b.example", severity: .silence, rejectMedia: true, rejectReports: false), target: "b.example"),
            sanction(2, .defederate(domain: "a.example", severity: .suspend, rejectMedia: false, rejectReports: true), target: "a.example",
                     category: "legal, \"urgent\""),
            sanction(3, .defederate(domain: "b.example", severity: .suspend, rejectMedia: false, rejectReports: true), target: "b.example"),
            sanction(4, .suspend, target: "https://c.example/users/x"),
            sanction(5, .silence, target: "https://c.example/users/x"),
        ])
        #expect(list.domains.map(\.domain) == ["a.example", "b.example"])
        let expected = [
            "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate",
            #"a.example,suspend,false,true,"category: legal, ""urgent""",false"#,
            "b.example,suspend,true,true,category: spam,false",
        ]
        #expect(list.domainsCSV() == expected.joined(separator: "\n") + "\n")
        #expect(list.domainsText(severity: "suspend") == "a.example\nb.example\n")
        #expect(list.domainsText(severity: "silence") == "")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(list.domainsJSON().utf8)) as? [[String: Any]])
        #expect(json.map { $0["domain"] as? String } == ["a.example", "b.example"])
        #expect(json[0]["severity"] as? String == "suspend")
        #expect(json[0]["suspended_at"] as? String == t0.addingTimeInterval(2).formatted(.iso8601))
        #expect(json[1]["reject_media"] as? Bool == true)
        // The account keeps its strongest sanction.
        #expect(list.accounts.map(\.action) == ["suspend"])
        let accounts = try #require(try JSONSerialization.jsonObject(with: Data(list.accountsJSON().utf8)) as? [[String: Any]])
        #expect(accounts.first?["account"] as? String == "https://c.example/users/x")
        #expect(list.accountsCSV().hasPrefix("#account,#action,#since,#expires_at,#public_comment\nhttps://c.example/users/x,suspend,"))
    }

    @Test func anEmptyListStillHasItsHeaderAndTheEtagFollowsTheBody() {
        let empty = Blocklist(sanctions: [])
        #expect(empty.domainsCSV() == "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n")
        #expect(empty.domainsJSON() == "[]\n")
        #expect(Blocklist.etag(of: "a") == Blocklist.etag(of: "a"))
        #expect(Blocklist.etag(of: "a") != Blocklist.etag(of: "b"))
    }
}
