import Foundation
import HummingbirdCore
import Moderation
import Testing
@testable import Server

/// The case list's query: the states are a union (issue 18: the documented default `state=open,claimed,escalated`
/// listed only claimed cases, since `claimed` narrowed the others).
@Suite struct CaseFilterQueryTests {
    func filter(_ query: String) throws -> CaseFilter {
        try ModerationController.filter(URI("/api/v1/moderation/cases?" + query).queryParameters, now: Date(timeIntervalSince1970: 0))
    }

    @Test func claimedJoinsThePhasesListedInsteadOfNarrowingThem() throws {
        let union = try filter("state=open,claimed,escalated")
        #expect(union.phases == [.open, .escalated])
        #expect(union.claimedToo)
        #expect(union.claimed == nil, "no claim is required of the open and escalated cases")
        let claimedOnly = try filter("state=claimed")
        #expect(claimedOnly.phases.isEmpty)
        #expect(claimedOnly.claimedToo)
        let phasesOnly = try filter("state=decided")
        #expect(phasesOnly.phases == [.decided])
        #expect(!phasesOnly.claimedToo)
        #expect(throws: APIError.self) { try filter("state=open,nonsense") }
    }

    /// Issue 18: `q=` is a moderator's search; an empty or oversized one is a 400 that says what q takes.
    @Test func theSearchQuery() throws {
        #expect(try filter("q=%40mallory%40social.example").search == .handle(user: "mallory", host: "social.example"))
        #expect(try filter("q=42").search == .caseID(42))
        #expect(try filter("state=decided").search == nil)
        #expect(throws: APIError.self) { try filter("q=") }
        #expect(throws: APIError.self) { try filter("q=" + String(repeating: "a", count: 301)) }
    }
}
