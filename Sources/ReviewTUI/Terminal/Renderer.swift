/// Turns the difference between the frame on screen and the next one into the fewest ANSI bytes it can: only changed
/// cells are written, the cursor moves only across gaps, and the style (SGR) changes only when it must. Pure: the
/// caller writes the bytes. With `colors` off (`NO_COLOR`), colours are never sent; bold, dim, underline and reverse
/// still are, so the UI stays usable without colour.
public struct Renderer: Sendable {
    /// Whether colours are sent.
    public var colors: Bool

    /// A renderer; `colors: false` honours `NO_COLOR`.
    public init(colors: Bool) {
        self.colors = colors
    }

    /// The bytes that turn `previous` (nil: an unknown screen, cleared first) into `next`.
    public func diff(from previous: ScreenBuffer?, to next: ScreenBuffer) -> String {
        var out = ""
        out.reserveCapacity(next.width * 4)
        let full = previous == nil || previous?.width != next.width || previous?.height != next.height
        if full { out += "\u{1B}[0m\u{1B}[H\u{1B}[2J" }
        var pen: Style? = full ? .plain : nil
        var cursor: (x: Int, y: Int)? = full ? (0, 0) : nil
        for y in 0..<next.height {
            var x = 0
            while x < next.width {
                let cell = next[x, y]
                let changed = full || previous![x, y] != cell
                guard changed else {
                    x += 1
                    continue
                }
                // The right half of a wide character is drawn by its left half.
                var start = x
                if cell.character == nil, x > 0 { start = x - 1 }
                let owner = next[start, y]
                guard let character = owner.character else {
                    x += 1
                    continue
                }
                if cursor == nil || cursor! != (start, y) {
                    out += "\u{1B}[\(y + 1);\(start + 1)H"
                }
                if pen != owner.style {
                    out += sgr(owner.style)
                    pen = owner.style
                }
                out.append(character)
                let advance = CellWidth.of(character) == 2 ? 2 : 1
                cursor = (start + advance, y)
                x = start + advance
            }
        }
        if let pen, pen != .plain { out += "\u{1B}[0m" }
        return out
    }

    /// The SGR sequence that sets exactly `style`.
    func sgr(_ style: Style) -> String {
        var codes = ["0"]
        if style.bold { codes.append("1") }
        if style.dim { codes.append("2") }
        if style.underline { codes.append("4") }
        if style.reverse { codes.append("7") }
        if colors {
            if let foreground = style.foreground { codes.append("3\(foreground.rawValue)") }
            if let background = style.background { codes.append("4\(background.rawValue)") }
        }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}
