import ActivityStreams
import Foundation
import Testing

/// Hostile and malformed bodies fail fast with a clear error.
@Suite struct HostileDocumentTests {
    @Test func oversizedDocumentsAreRefusedBeforeParsing() {
        let body = Data(("{\"type\":\"Note\",\"content\":\"" + String(repeating: "a", count: 2000) + "\"}").utf8)
        #expect(throws: ActivityStreamsError.tooLarge(bytes: body.count, limit: 1024)) {
            try ActivityStreamsDocument.decode(body, limits: .init(maximumBytes: 1024))
        }
    }

    @Test func deeplyNestedDocumentsAreRefused() {
        let body = Data((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8)
        #expect(throws: ActivityStreamsError.tooDeep(limit: 64)) { try ActivityStreamsDocument.decode(body) }
        let inString = Data(("{\"type\":\"Note\",\"content\":\"" + String(repeating: "[", count: 500) + "\"}").utf8)
        #expect(throws: Never.self) { try ActivityStreamsDocument.decode(inString) }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: ActivityStreamsError.invalidUTF8) { try ActivityStreamsDocument.decode(Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D])) }
    }

    @Test func nonObjectsAndUntypedObjectsAreRefused() {
        #expect(throws: ActivityStreamsError.notAnObject) { try ActivityStreamsDocument.decode(Data("[1,2]".utf8)) }
        #expect(throws: ActivityStreamsError.missingType) { try ActivityStreamsDocument.decode(Data(#"{"id":"https://a.example/1"}"#.utf8)) }
        let error = #expect(throws: ActivityStreamsError.self) { try ActivityStreamsDocument.decode(Data("{\"type\":".utf8)) }
        if case .notJSON? = error {} else { Issue.record("expected notJSON, got \(String(describing: error))") }
    }

    @Test func anActivityWithoutAnActorIsRefused() throws {
        let object = try ActivityStreamsDocument.decode(Data(#"{"type":"Flag","object":"https://b.example/users/x"}"#.utf8))
        #expect(throws: ActivityStreamsError.missingProperty("actor", type: "Flag")) { try Activity(object) }
    }

    @Test func typesMayBeListsAndCompacted() throws {
        let object = try ActivityStreamsDocument.decode(Data(#"{"type":["as:Note","schema:Thing"],"content":"x"}"#.utf8))
        #expect(try Post(object).type == "Note")
    }
}

@Suite struct HTMLTextTests {
    @Test func mastodonLinksLoseTheirInvisibleParts() {
        let html = #"<p>see <a href="https://example.com/very/long/path" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.com/very/lo</span><span class="invisible">ng/path</span></a></p>"#
        #expect(HTMLText.plainText(html) == "see example.com/very/lo…")
    }

    @Test func paragraphsAndBreaksBecomeLines() {
        #expect(HTMLText.plainText("<p>one<br>two</p><p>three</p>") == "one\ntwo\n\nthree")
    }

    @Test func entitiesAreDecoded() {
        #expect(HTMLText.plainText("fish &amp; chips &lt;3 &#128512; &#x1F600; &nbsp;x &unknown; &") == "fish & chips <3 😀 😀 \u{00A0}x &unknown; &")
    }

    @Test func scriptsAndStylesAreDropped() {
        #expect(HTMLText.plainText("<style>p{}</style>hi<script>alert(1)</script>") == "hi")
    }

    @Test func aLoneAngleBracketIsText() {
        #expect(HTMLText.plainText("a < b and c > d") == "a < b and c > d")
    }

    @Test func quotesInTagsHideAngleBrackets() {
        #expect(HTMLText.plainText(#"<a title="x>y" href='/a>b'>text</a>"#) == "text")
        // An unclosed quote leaves its `<` as text; the tags after it are still tags.
        #expect(HTMLText.plainText(#"<a title="unclosed>text <b>bold</b>"#) == #"<a title="unclosed>text bold"#)
        #expect(HTMLText.plainText("x<'<'>y") == "x<'<'>y")
        #expect(HTMLText.links(#"<a href="https://a.example/x>y">a</a> <a href='/b'>b</a>"#).map(\.href) == ["https://a.example/x>y", "/b"])
    }

    /// Found while fuzzing (issue 16): each `<` without a `>` after it was scanned to the end of the text, so a post of
    /// `<<<<…` took quadratic time (80 KB: 47 s in the fuzzer's build; the 1 MB a document may hold: hours).
    @Test(.timeLimit(.minutes(1))) func unclosedTagsTakeLinearTime() {
        let brackets = String(repeating: "<", count: 1_000_000)
        #expect(HTMLText.plainText(brackets) == brackets)
        #expect(HTMLText.links(brackets).isEmpty)
        // A `>` that only an unclosed quote reaches ends no tag either.
        let quoted = String(repeating: "<a", count: 500_000) + "'>"
        #expect(HTMLText.plainText(quoted) == quoted)
    }
}
