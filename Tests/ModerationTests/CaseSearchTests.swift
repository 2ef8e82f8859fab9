import Moderation
import Testing

/// What a moderator's search means (issue 18): a case number, a handle with or without its host, an account URL, a
/// domain, else a piece of an account URL.
@Suite struct CaseSearchTests {
    @Test func eachShapeIsRecognised() {
        #expect(CaseSearch("1234") == .caseID(1234))
        #expect(CaseSearch(" #1234 ") == .caseID(1234))
        #expect(CaseSearch("mallory") == .handle(user: "mallory", host: nil))
        #expect(CaseSearch("@mallory") == .handle(user: "mallory", host: nil))
        #expect(CaseSearch("@mallory@Social.Example") == .handle(user: "mallory", host: "social.example"))
        #expect(CaseSearch("mallory@social.example:8443") == .handle(user: "mallory", host: "social.example:8443"))
        #expect(CaseSearch("https://social.example/users/mallory") == .account("https://social.example/users/mallory"))
        #expect(CaseSearch("https://Social.Example/@mallory") == .handle(user: "mallory", host: "social.example"), "a profile page's URL")
        #expect(CaseSearch("https://social.example:443/@mallory") == .handle(user: "mallory", host: "social.example"), "the domain as cases store it")
        #expect(CaseSearch("@mallory@social.example:443") == .handle(user: "mallory", host: "social.example"))
        #expect(CaseSearch("Social.Example") == .domain("social.example"))
        #expect(CaseSearch("users/mallory") == .text("users/mallory"))
        #expect(CaseSearch("Dr. Evil") == .text("Dr. Evil"), "a name with a dot is not a domain")
        #expect(CaseSearch("99999999999999999999") == .handle(user: "99999999999999999999", host: nil), "too long for a case number")
        #expect(CaseSearch("١٢٣") == .handle(user: "١٢٣", host: nil), "only ASCII digits make a case number")
    }

    @Test func emptyAndOversizedSearchesAreRefused() {
        #expect(CaseSearch("") == nil)
        #expect(CaseSearch("   ") == nil)
        #expect(CaseSearch(String(repeating: "a", count: 301)) == nil)
        #expect(CaseSearch(String(repeating: "a", count: 300)) != nil)
    }
}
