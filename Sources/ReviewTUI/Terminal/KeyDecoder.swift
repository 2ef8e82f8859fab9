/// A key the moderator pressed.
public enum Key: Hashable, Sendable {
    /// A printable character (UTF-8 decoded).
    case character(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    /// Ctrl- or Alt-← / →: a word back or forward in a text field. (Not Alt-b / Alt-f: over a slow link Escape then `f`
    /// arrives as the same bytes.)
    case wordLeft, wordRight
    /// Control plus a letter (`ctrl(c)` is Ctrl-C).
    case control(Character)
    /// Text pasted in one piece (bracketed paste).
    case paste(String)
}

/// Decodes the bytes a terminal sends into keys: UTF-8 text, C0 controls, and the escape sequences xterm-compatible
/// terminals send (CSI and SS3 cursor keys, `~` editing keys, back-tab, bracketed paste). A sequence split across
/// reads waits for its rest; a lone ESC is a key only once the caller knows nothing follows it (`flush`). Bytes of an
/// unknown sequence are dropped, never taken as typing. Pure.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []
    private var pasting: [UInt8]?

    /// A decoder with nothing pending.
    public init() {}

    /// Whether bytes are waiting for the rest of a sequence (a lone ESC among them).
    public var hasPending: Bool { !pending.isEmpty }

    /// Decodes what it can of `bytes` (with whatever was pending).
    public mutating func decode(_ bytes: [UInt8]) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var index = 0
        while index < pending.count {
            if pasting != nil {
                // Inside a bracketed paste: everything up to ESC [ 2 0 1 ~ is text.
                let end: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]
                if let range = find(end, from: index) {
                    pasting! += pending[index..<range]
                    keys.append(.paste(String(decoding: pasting!, as: UTF8.self)))
                    pasting = nil
                    index = range + end.count
                    continue
                }
                // Keep what might be the start of the end marker.
                let keep = min(end.count - 1, pending.count - index)
                pasting! += pending[index..<(pending.count - keep)]
                index = pending.count - keep
                break
            }
            let byte = pending[index]
            switch byte {
            case 0x1B:
                let pasteStart: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x30, 0x7E]
                if index + pasteStart.count <= pending.count, Array(pending[index..<(index + pasteStart.count)]) == pasteStart {
                    pasting = []
                    index += pasteStart.count
                    continue
                }
                guard index + 1 < pending.count else {
                    pending = Array(pending[index...])
                    return keys
                }
                guard let (key, length) = escapeSequence(at: index) else {
                    pending = Array(pending[index...])
                    return keys
                }
                if let key { keys.append(key) }
                index += length
            case 0x0D, 0x0A:
                keys.append(.enter)
                index += 1
            case 0x09:
                keys.append(.tab)
                index += 1
            case 0x7F, 0x08:
                keys.append(.backspace)
                index += 1
            case 0x01...0x1A:
                keys.append(.control(Character(Unicode.Scalar(byte + 0x60))))
                index += 1
            case 0x00, 0x1C...0x1F:
                index += 1
            default:
                let length = Self.utf8Length(byte)
                guard length > 0 else {
                    index += 1
                    continue
                }
                guard index + length <= pending.count else {
                    pending = Array(pending[index...])
                    return keys
                }
                guard pending[(index + 1)..<(index + length)].allSatisfy({ (0x80...0xBF).contains($0) }) else {
                    index += 1  // not UTF-8: dropped
                    continue
                }
                if let character = String(decoding: pending[index..<(index + length)], as: UTF8.self).first { keys.append(.character(character)) }
                index += length
            }
        }
        pending = index < pending.count ? Array(pending[index...]) : []
        return keys
    }

    /// What is pending when no more bytes came in time: a lone ESC is the Escape key; anything else is dropped.
    public mutating func flush() -> [Key] {
        defer { pending = [] }
        return pending == [0x1B] ? [.escape] : []
    }

    /// The key and length of the escape sequence at `index`; nil when it is incomplete; a nil key for an unknown one.
    private func escapeSequence(at index: Int) -> (Key?, Int)? {
        let next = pending[index + 1]
        if next == 0x5B {  // CSI: ESC [ parameters final
            var end = index + 2
            while end < pending.count, (0x30...0x3F).contains(pending[end]) || (0x20...0x2F).contains(pending[end]) { end += 1 }
            guard end < pending.count else { return nil }
            let parameters = String(decoding: pending[(index + 2)..<end], as: UTF8.self)
            let length = end - index + 1
            switch pending[end] {
            case 0x41: return (.up, length)
            case 0x42: return (.down, length)
            // `ESC [ 1 ; 5 C`: the modifier (3 Alt, 5 Ctrl) makes an arrow a word jump.
            case 0x43: return (parameters.hasSuffix(";5") || parameters.hasSuffix(";3") ? .wordRight : .right, length)
            case 0x44: return (parameters.hasSuffix(";5") || parameters.hasSuffix(";3") ? .wordLeft : .left, length)
            case 0x48: return (.home, length)
            case 0x46: return (.end, length)
            case 0x5A: return (.backTab, length)
            case 0x7E:
                switch parameters {
                case "1", "7": return (.home, length)
                case "4", "8": return (.end, length)
                case "3": return (.delete, length)
                case "5": return (.pageUp, length)
                case "6": return (.pageDown, length)
                default: return (nil, length)
                }
            default: return (nil, length)
            }
        }
        if next == 0x4F {  // SS3: ESC O final
            guard index + 2 < pending.count else { return nil }
            switch pending[index + 2] {
            case 0x41: return (.up, 3)
            case 0x42: return (.down, 3)
            case 0x43: return (.right, 3)
            case 0x44: return (.left, 3)
            case 0x48: return (.home, 3)
            case 0x46: return (.end, 3)
            default: return (nil, 3)
            }
        }
        // ESC followed by something else: Escape, then that byte on its own (other Alt-key combinations are not used).
        return (.escape, 1)
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard pending.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= pending.count {
            if Array(pending[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }

    private static func utf8Length(_ byte: UInt8) -> Int {
        switch byte {
        case 0x20..<0x80: return 1
        case 0xC2..<0xE0: return 2
        case 0xE0..<0xF0: return 3
        case 0xF0..<0xF5: return 4
        default: return 0
        }
    }
}
