/// Text from outside (statuses, names, bios, comments, domains) made safe to draw: nothing in it can reach the
/// terminal as a control. C0 and C1 controls become visible Control Pictures (ESC is `␛`, so a CSI, OSC — OSC 8 links,
/// title changes — or DCS sequence shows as inert text after it); bidirectional overrides, embeddings and isolates
/// become a bracketed name (`⟦RLO⟧`), so text cannot reorder what follows it; more than two combining marks on one
/// character are dropped and marked (`◌̈…`), so a "Zalgo" flood cannot paint over other lines. Pure.
public enum TerminalText {
    /// The most combining marks kept on one base character.
    public static let combiningLimit = 2

    /// The safe form of `text`; line breaks become spaces unless `keepNewlines`.
    public static func sanitised(_ text: String, keepNewlines: Bool = false) -> String {
        // Printable ASCII (most of what is drawn) has nothing to neutralise.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = String.UnicodeScalarView()
        var marks = 0
        var dropped = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0x0A || value == 0x0D {
                if keepNewlines && value == 0x0A { out.append(scalar) } else if !keepNewlines { out.append(" ") }
                marks = 0
                continue
            }
            if value == 0x09 || value == 0x2028 || value == 0x2029 || value == 0x85 {
                out.append(" ")
                marks = 0
                continue
            }
            if value < 0x20 {
                out.append(Unicode.Scalar(0x2400 + value)!)  // ␀ … ␟ (␛ for ESC)
                marks = 0
                continue
            }
            if value == 0x7F {
                out.append("\u{2421}")  // ␡
                marks = 0
                continue
            }
            if (0x80..<0xA0).contains(value) {
                out.append(contentsOf: "⟦C1 \(hex(value))⟧".unicodeScalars)
                marks = 0
                continue
            }
            if let name = bidiControls[value] {
                out.append(contentsOf: "⟦\(name)⟧".unicodeScalars)
                marks = 0
                continue
            }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark:
                marks += 1
                if marks > combiningLimit {
                    if !dropped { out.append("…") }
                    dropped = true
                    continue
                }
            default:
                marks = 0
                dropped = false
            }
            out.append(scalar)
        }
        return String(out)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 2 - digits.count)) + digits
    }

    /// Bidirectional formatting characters, by their Unicode abbreviation.
    private static let bidiControls: [UInt32: String] = [
        0x061C: "ALM", 0x200E: "LRM", 0x200F: "RLM", 0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
        0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI",
    ]

    /// Splits safe text into lines of at most `width` cells: at spaces where it can, inside a word longer than a line
    /// where it must.
    public static func wrapped(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                let wordWidth = CellWidth.of(String(word))
                let gap = line.isEmpty ? 0 : 1
                if lineWidth + gap + wordWidth <= width {
                    if gap == 1 { line += " " }
                    line += word
                    lineWidth += gap + wordWidth
                    continue
                }
                if !line.isEmpty {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                // A word wider than a line is cut where the line ends.
                for character in word {
                    let characterWidth = CellWidth.of(character)
                    if lineWidth + characterWidth > width {
                        lines.append(line)
                        line = ""
                        lineWidth = 0
                    }
                    line.append(character)
                    lineWidth += characterWidth
                }
            }
            lines.append(line)
        }
        return lines
    }
}
