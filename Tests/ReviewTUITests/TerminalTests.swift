import Foundation
import ReviewTUI
import Testing

/// The terminal primitives on their own: hostile text made inert and visible, cell widths, the screen buffer's edges,
/// the renderer's minimal diffs, and key decoding from raw bytes.
@Suite struct TerminalTests {
    /// No scalar that a terminal would act on survives: C0 (ESC included), DEL, C1, and bidi controls.
    func isInert(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            let value = scalar.value
            return !(value < 0x20 || (0x7F..<0xA0).contains(value) || [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C].contains(value))
        }
    }

    @Test(arguments: [
        ("\u{1B}]0;pwned\u{07}title", "␛]0;pwned␇title"),
        ("\u{1B}]8;;https://evil.example\u{1B}\\click\u{1B}]8;;\u{1B}\\", "␛]8;;https://evil.example␛\\click␛]8;;␛\\"),
        ("\u{1B}[2J\u{1B}[H cleared", "␛[2J␛[H cleared"),
        ("\u{1B}[10;10Hmoved", "␛[10;10Hmoved"),
        ("\u{1B}P+q544e\u{1B}\\dcs", "␛P+q544e␛\\dcs"),
        ("\u{9B}31mC1 CSI", "⟦C1 9B⟧31mC1 CSI"),
        ("abc\u{202E}gpj.exe", "abc⟦RLO⟧gpj.exe"),
        ("\u{2066}isolated\u{2069}", "⟦LRI⟧isolated⟦PDI⟧"),
        ("bell\u{07}del\u{7F}nul\u{00}", "bell␇del␡nul␀"),
        ("line\nbreak\r\ttab", "line break  tab"),
    ])
    func hostileTextIsShownNotObeyed(input: String, shown: String) {
        let safe = TerminalText.sanitised(input)
        #expect(safe == shown)
        #expect(isInert(safe))
    }

    @Test func floodsAndGiantWordsStayInTheirLines() {
        // A combining-mark flood keeps two marks and says it cut the rest.
        let flood = "Z" + String(repeating: "\u{0301}", count: 1_000) + "algo"
        let safe = TerminalText.sanitised(flood)
        #expect(safe.unicodeScalars.filter { $0.value == 0x0301 }.count == TerminalText.combiningLimit)
        #expect(safe.hasSuffix("…algo") || safe.contains("…"))
        // A 10,000-character word wraps into lines no wider than the column.
        let word = String(repeating: "ab", count: 5_000)
        let lines = TerminalText.wrapped(word, width: 78)
        #expect(lines.allSatisfy { CellWidth.of($0) <= 78 })
        #expect(lines.joined() == word)
        // Wide characters wrap by cells, not by characters.
        let wide = TerminalText.wrapped(String(repeating: "漢", count: 100), width: 79)
        #expect(wide.allSatisfy { CellWidth.of($0) <= 79 })
        #expect(wide.first.map(CellWidth.of) == 78)
        // Zero-width joiners inside an emoji sequence keep it one two-cell character; on their own they take no cell.
        #expect(CellWidth.of("👨‍👩‍👧") == 2)
        #expect(CellWidth.of("a\u{200D}b") == 2)
        #expect(isInert(TerminalText.sanitised("👨‍👩‍👧 a\u{200D}b")))
    }

    @Test(arguments: [("a", 1), ("é", 1), ("e\u{0301}", 1), ("漢", 2), ("ｱ", 1), ("Ａ", 2), ("😀", 2), ("🇫🇷", 2), ("❤️", 2), ("\u{0301}", 0), ("한", 2)])
    func cellWidths(text: String, cells: Int) {
        #expect(CellWidth.of(text) == cells)
    }

    @Test func aWideCharacterIsNeverSplitAndOverwritingHalfOfOneBlanksTheOther() {
        var buffer = ScreenBuffer(width: 5, height: 1)
        let end = buffer.put("ab漢字", x: 0, y: 0)
        // "字" would need columns 4 and 5: it is left out, not cut.
        #expect(end == 4)
        #expect(buffer.line(0) == "ab漢 ")
        buffer.put("x", x: 3, y: 0)
        #expect(buffer.line(0) == "ab x ")
        var other = ScreenBuffer(width: 4, height: 1)
        other.put("漢", x: 0, y: 0)
        other.put("y", x: 0, y: 0)
        #expect(other.line(0) == "y   ")
    }

    @Test func theRendererWritesOnlyWhatChangedAndNoColourUnderNoColor() {
        var first = ScreenBuffer(width: 10, height: 3)
        first.put("hello", x: 0, y: 0)
        first.put("world", x: 0, y: 2, style: Style(foreground: .red, bold: true))
        let renderer = Renderer(colors: true)
        let full = renderer.diff(from: nil, to: first)
        #expect(full.hasPrefix("\u{1B}[0m\u{1B}[H\u{1B}[2J"))
        #expect(full.contains("\u{1B}[0;1;31mworld"))
        #expect(renderer.diff(from: first, to: first) == "")
        var second = first
        second.put("J", x: 0, y: 0)
        #expect(renderer.diff(from: first, to: second) == "\u{1B}[1;1H\u{1B}[0mJ")
        var third = second
        third.put("漢", x: 3, y: 1)
        #expect(renderer.diff(from: second, to: third) == "\u{1B}[2;4H\u{1B}[0m漢")
        let plain = Renderer(colors: false).diff(from: nil, to: first)
        #expect(plain.contains("\u{1B}[0;1mworld"))
        #expect(!plain.contains(";31"))
    }

    @Test func keysAreDecodedFromRawBytesAcrossReads() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("jk".utf8)) == [.character("j"), .character("k")])
        #expect(decoder.decode([0x1B, 0x5B, 0x41, 0x1B, 0x4F, 0x42]) == [.up, .down])
        #expect(decoder.decode([0x1B, 0x5B]) == [])
        #expect(decoder.hasPending)
        #expect(decoder.decode([0x35, 0x7E]) == [.pageUp])
        #expect(decoder.decode(Array("\u{1B}[6~\u{1B}[Z\u{1B}[3~\u{1B}[H\u{1B}[4~".utf8)) == [.pageDown, .backTab, .delete, .home, .end])
        #expect(decoder.decode([0x0D, 0x09, 0x7F, 0x03, 0x0E]) == [.enter, .tab, .backspace, .control("c"), .control("n")])
        // UTF-8 split between reads.
        let han = Array("漢".utf8)
        #expect(decoder.decode(Array(han.prefix(2))) == [])
        #expect(decoder.decode(Array(han.suffix(1))) == [.character("漢")])
        // A lone ESC is Escape only once nothing followed it in time.
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.flush() == [.escape])
        // An unknown sequence and invalid UTF-8 are dropped, not typed.
        #expect(decoder.decode(Array("\u{1B}[99zq".utf8)) == [.character("q")])
        #expect(decoder.decode([0xFF, 0xC3, 0x28, 0x61]) == [.character("("), .character("a")])
        // Bracketed paste arrives as one piece, control characters and all, for the prompt to sanitise.
        #expect(decoder.decode(Array("\u{1B}[200~a\u{1B}[2Jb\u{1B}[201~".utf8)) == [.paste("a\u{1B}[2Jb")])
    }
}

/// Issue 18: word jumps reach the text fields: Ctrl-/Alt-arrows.
@Suite struct WordJumpKeyTests {
    @Test func modifiedArrowsAndAltLettersAreWordJumps() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("\u{1B}[1;5D\u{1B}[1;5C\u{1B}[1;3D\u{1B}[D\u{1B}[C".utf8)) == [.wordLeft, .wordRight, .wordLeft, .left, .right])
        // Escape then `f` (the filter key) is not taken for Alt-f.
        #expect(decoder.decode(Array("\u{1B}f".utf8)) == [.escape, .character("f")])
    }

    @Test func lineEditingMovesAndDeletesByCharacterAndWord() {
        var text = "ban évasion, again"
        var cursor: Int?
        #expect(LineEditing.apply(.wordLeft, to: &text, cursor: &cursor))
        #expect(cursor == 13)
        _ = LineEditing.apply(.wordLeft, to: &text, cursor: &cursor)
        #expect(cursor == 4, "a word of letters, accented ones too")
        _ = LineEditing.apply(.character("X"), to: &text, cursor: &cursor)
        #expect(text == "ban Xévasion, again")
        _ = LineEditing.apply(.control("u"), to: &text, cursor: &cursor)
        #expect(text == "évasion, again" && cursor == 0)
        _ = LineEditing.apply(.end, to: &text, cursor: &cursor)
        #expect(cursor == nil)
        _ = LineEditing.apply(.paste("two\nlines"), to: &text, cursor: &cursor)
        #expect(text == "évasion, againtwo lines")
        #expect(!LineEditing.apply(.enter, to: &text, cursor: &cursor), "Enter is the caller's")
        #expect(LineEditing.split("abc", cursor: 1) == ("a", "bc"))
        var pasted = ""
        var end: Int?
        _ = LineEditing.apply(.paste("one\rtwo\r\nthree"), to: &pasted, cursor: &end)
        #expect(pasted == "one two three", "a pasted CR is a space too")
        _ = LineEditing.apply(.paste(String(repeating: "x", count: 10_000)), to: &pasted, cursor: &end)
        #expect(pasted.count == LineEditing.limit, "a field takes at most \(LineEditing.limit) characters")
        _ = LineEditing.apply(.character("y"), to: &pasted, cursor: &end)
        #expect(pasted.count == LineEditing.limit && !pasted.hasSuffix("y"))
    }
}
