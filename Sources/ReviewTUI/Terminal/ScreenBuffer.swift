/// How a cell is drawn.
public struct Style: Hashable, Sendable {
    /// A colour from the terminal's palette (the 8 standard ones).
    public enum Color: UInt8, Sendable {
        case black = 0, red, green, yellow, blue, magenta, cyan, white
    }

    public var foreground: Color?
    public var background: Color?
    public var bold = false
    public var dim = false
    public var underline = false
    public var reverse = false

    /// Plain text.
    public static let plain = Style()
    /// Emphasis.
    public static let bold = Style(bold: true)
    /// Secondary text.
    public static let dim = Style(dim: true)
    /// The selected row, the active tab.
    public static let selected = Style(reverse: true)

    /// Makes a style.
    public init(foreground: Color? = nil, background: Color? = nil, bold: Bool = false, dim: Bool = false, underline: Bool = false, reverse: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.underline = underline
        self.reverse = reverse
    }
}

/// One cell of the screen.
public struct Cell: Equatable, Sendable {
    /// What the cell shows: a grapheme, or nothing when the cell is the right half of a wide one.
    public var character: Character?
    /// How.
    public var style: Style

    /// A blank cell.
    public static let blank = Cell(character: " ", style: .plain)
}

/// A frame: `width` × `height` cells, drawn into by the views and compared by the renderer. Every string put into it
/// is sanitised first; a wide character takes two cells and is never split at the right edge.
public struct ScreenBuffer: Equatable, Sendable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Cells, row by row.
    public private(set) var cells: [Cell]

    /// A blank frame.
    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The cell at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Draws `text` (sanitised here) from column `x` of row `y`, at most `limit` cells (to the right edge by default);
    /// returns the column after the last cell drawn.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        putSafe(TerminalText.sanitised(text), x: x, y: y, style: style, limit: limit)
    }

    /// `put` for text already sanitised (the views' own words, wrapped lines).
    @discardableResult
    public mutating func putSafe(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return x }
        let end = min(width, x + (limit ?? width))
        var column = max(x, 0)
        for character in text {
            let cellWidth = CellWidth.of(character)
            if cellWidth == 0 { continue }
            if column + cellWidth > end { break }
            set(column, y, Cell(character: character, style: style))
            if cellWidth == 2 { set(column + 1, y, Cell(character: nil, style: style)) }
            column += cellWidth
        }
        return column
    }

    /// Writes one cell, blanking the other half of a wide character it cuts in two.
    private mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        let index = y * width + x
        if cells[index].character == nil, cell.character != nil, x > 0 { cells[index - 1] = .blank }
        if cells[index].character.map(CellWidth.of) == 2, x + 1 < width, cell.character.map(CellWidth.of) != 2 { cells[index + 1] = .blank }
        cells[index] = cell
    }

    /// Fills a rectangle with blanks in `style`.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, style: Style = .plain) {
        for row in max(y, 0)..<min(y + h, height) {
            for column in max(x, 0)..<min(x + w, width) {
                set(column, row, Cell(character: " ", style: style))
            }
        }
    }

    /// The text of row `y`, without styles (trailing spaces kept): what golden files compare.
    public func line(_ y: Int) -> String {
        var text = ""
        for x in 0..<width {
            if let character = self[x, y].character { text.append(character) }
        }
        return text
    }

    /// Every row's text.
    public var lines: [String] { (0..<height).map(line) }
}
