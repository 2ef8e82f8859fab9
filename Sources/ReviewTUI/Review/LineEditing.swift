import Foundation

/// Editing one line of text with a cursor (the decision's reason, the prompts): move by character, word or to
/// either end, delete either side, insert typing and pastes where the cursor is. Pure.
public enum LineEditing {
    /// The longest line a field takes (a reason, a note): typing and pastes beyond it are cut.
    public static let limit = 4_000

    /// Applies `key` to `text` with the cursor at `cursor` characters from the start (nil: at the end); returns
    /// whether the key was an editing key (else the caller handles it). A paste's line breaks become spaces.
    public static func apply(_ key: Key, to text: inout String, cursor: inout Int?) -> Bool {
        var characters = Array(text)
        var position = min(max(cursor ?? characters.count, 0), characters.count)
        switch key {
        case .left, .control("b"): position = max(position - 1, 0)
        case .right, .control("f"): position = min(position + 1, characters.count)
        case .home, .control("a"): position = 0
        case .end, .control("e"): position = characters.count
        case .wordLeft: position = wordStart(before: position, in: characters)
        case .wordRight: position = wordEnd(after: position, in: characters)
        case .backspace:
            guard position > 0 else { break }
            characters.remove(at: position - 1)
            position -= 1
        case .delete, .control("d"):
            if position < characters.count { characters.remove(at: position) }
        case .control("w"):
            let start = wordStart(before: position, in: characters)
            characters.removeSubrange(start..<position)
            position = start
        case .control("u"):
            characters.removeSubrange(0..<position)
            position = 0
        case .character(let character):
            guard characters.count < limit else { break }
            characters.insert(character, at: position)
            position += 1
        case .paste(let pasted):
            // Terminals send a pasted line break as CR, LF or both: each is a space here.
            let flat = Array(pasted.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " "))
                .prefix(max(limit - characters.count, 0))
            characters.insert(contentsOf: flat, at: position)
            position += flat.count
        default:
            return false
        }
        text = String(characters)
        cursor = position == characters.count ? nil : position
        return true
    }

    /// The text split at the cursor: what is before it and what is after.
    public static func split(_ text: String, cursor: Int?) -> (before: String, after: String) {
        guard let cursor, cursor < text.count else { return (text, "") }
        let index = text.index(text.startIndex, offsetBy: max(cursor, 0))
        return (String(text[..<index]), String(text[index...]))
    }

    private static func wordStart(before position: Int, in characters: [Character]) -> Int {
        var index = position
        while index > 0, !characters[index - 1].isLetter && !characters[index - 1].isNumber { index -= 1 }
        while index > 0, characters[index - 1].isLetter || characters[index - 1].isNumber { index -= 1 }
        return index
    }

    private static func wordEnd(after position: Int, in characters: [Character]) -> Int {
        var index = position
        while index < characters.count, !characters[index].isLetter && !characters[index].isNumber { index += 1 }
        while index < characters.count, characters[index].isLetter || characters[index].isNumber { index += 1 }
        return index
    }
}
