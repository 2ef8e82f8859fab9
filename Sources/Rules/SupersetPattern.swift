import Synchronization
/// Rewrites a PCRE2 pattern (as the rule set compiles it: UTF, UCP, on normalised text) into an expression Vectorscan
/// compiles in UTF-8 mode without UCP, caseless, that matches every text the PCRE2 pattern matches, and maybe more
/// (a superset; PCRE2 confirms every candidate). Assertions are dropped (`^`, `$`, look-arounds, and `\b` unless an
/// ASCII word character surely stands on one side of it: see `Rewriter.boundary`); Unicode
/// classes widen to "any non-ASCII character" outside classes and inside positive ones, and shrink to their ASCII part
/// inside negated ones; back-references match anything; non-ASCII literals stand for their case variants. Anything
/// not understood (conditionals, recursion, verbs, extended mode) gives nil: the pattern is not gated this way.
enum SupersetPattern {
    /// The superset expression for `pattern`, or nil.
    static func rewrite(_ pattern: String) -> String? {
        rewriteCountingLiterals(pattern)?.expression
    }

    /// The superset expression for `pattern` and how many literal characters it has outside classes (none: it is
    /// made of classes only, and narrows little), or nil.
    static func rewriteCountingLiterals(_ pattern: String) -> (expression: String, literals: Int)? {
        rewriteMeasuring(pattern).map { ($0.expression, $0.literals) }
    }

    /// The superset expression, its literal count (as above) and the fewest characters any match of it has (0: it can
    /// match the empty text, and is no gate), or nil.
    static func rewriteMeasuring(_ pattern: String) -> (expression: String, literals: Int, minimumLength: Int)? {
        guard let measured = rewriteTrimmed(pattern) else { return nil }
        return (measured.expression, measured.literals, measured.minimumLength)
    }

    /// As `rewriteMeasuring`, with the expression's ends trimmed (see `Rewriter.trimmed`), and whether what is left is
    /// a single character class (one item, no literal): it fires wherever one of its characters appears, at every
    /// occurrence, and filters nothing worth a scan.
    static func rewriteTrimmed(_ pattern: String) -> (expression: String, literals: Int, minimumLength: Int, singleClass: Bool)? {
        var rewriter = Rewriter(scalars: Array(pattern.unicodeScalars))
        guard let output = rewriter.rewrite(), rewriter.depth == 0, rewriter.frames.count == 1 else { return nil }
        let trimmed = rewriter.trimmed(output)
        return (trimmed.expression, rewriter.literals, rewriter.frames[0].shortest, trimmed.singleClass)
    }

    static let anyCharacter = #"[\x{0}-\x{10FFFF}]"#
    /// Non-ASCII digit ranges closer than this are one range in `nonASCIIDigits`.
    static let digitGapMerged: UInt32 = 0x1000
    static let nonASCII = #"\x{80}-\x{10FFFF}"#
    /// Every character beyond ASCII that `\s`, `\h` or `\v` may match under UCP, as class members: white space and
    /// separators (Z*), NEL, and U+180E (a space in older Unicode). About twenty characters, where "any non-ASCII"
    /// made `[a-z]+\s` fire all through Russian or Chinese text.
    static let nonASCIISpaces: String = {
        var values: [UInt32] = []
        // All of them are below U+3001 (a test checks every scalar against PCRE2).
        for value in UInt32(0x80)...0x3000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let category = scalar.properties.generalCategory
            if scalar.properties.isWhitespace || category == .spaceSeparator || category == .lineSeparator || category == .paragraphSeparator
                || value == 0x85 || value == 0x180E
            {
                values.append(value)
            }
        }
        return values.map { #"\x{"# + String($0, radix: 16, uppercase: true) + "}" }.joined()
    }()
    /// The non-ASCII decimal digits (`\d` under UCP is `\p{Nd}`), as class ranges, from the standard library's
    /// Unicode tables (as new as PCRE2's or newer: a superset). Ranges less than `digitGapMerged` apart are merged:
    /// six ranges instead of 61, still leaving out Latin, Greek, Cyrillic, Hebrew, CJK and Hangul, and each of the 55
    /// ranges left out cost Vectorscan's compile (the UTF-8 automaton of a class grows with its ranges).
    static let nonASCIIDigits: String = {
        var ranges: [(UInt32, UInt32)] = []
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.numericType == .decimal else { continue }
            if let last = ranges.last, value - last.1 <= digitGapMerged { ranges[ranges.count - 1].1 = value } else { ranges.append((value, value)) }
        }
        return ranges.map { hex(Unicode.Scalar($0.0)!) + "-" + hex(Unicode.Scalar($0.1)!) }.joined()
    }()

    /// The shortest match of an open group: of the branch being written, and of its finished branches.
    private struct Frame {
        var branch = 0
        var alternatives: Int?
        /// Whether an ASCII word character surely comes just before the group (see `Rewriter.endsInWord`).
        var wordBefore = false
        /// Whether every finished branch surely ends in an ASCII word character.
        var branchesEndInWord = true
        var shortest: Int { min(alternatives ?? .max, branch) }
    }

    private struct Rewriter {
        let scalars: [Unicode.Scalar]
        var index = 0
        var depth = 0
        var output = ""
        /// Literal letters, digits and non-ASCII characters written outside classes.
        var literals = 0
        /// Whether the last thing written can take a quantifier (false after a dropped assertion or at a branch start).
        var quantifiable = false
        /// The shortest match so far, per open group (the outermost first): of the branch being written and of the
        /// group's finished branches.
        var frames = [Frame()]
        /// The shortest match of the last atom written (what a quantifier after it multiplies).
        var lastAtom = 0
        /// The top-level items written (atoms and groups outside any group, with their quantifiers), in order.
        var items: [Item] = []
        /// Whether the top level has alternatives (`a|b`): its ends are not trimmed.
        var topAlternatives = false

        /// One top-level item: where it starts in the output (UTF-8 offset), where its quantifier starts, the fewest
        /// times it must repeat (1 without a quantifier), and the literal count before it.
        struct Item {
            let start: Int
            var quantifier: Int?
            var least = 1
            let literalsBefore: Int
            /// The shortest match of everything before it.
            let shortestBefore: Int
        }

        /// The literal count when the last atom was written (an atom's own literal is counted just before it is).
        var literalsWritten = 0
        /// Whether the character just before the current position is surely an ASCII word character (`[0-9A-Za-z_]`,
        /// with no non-ASCII case variant), whichever way the pattern got here; and what it was before the last atom.
        var endsInWord = false
        var endsInWordBeforeAtom = false
        /// Whether the literal just made by `literal` is such a character.
        var literalIsWord = false
        /// A `\b` kept for the atom or group that comes next (it starts with an ASCII word character).
        var pendingBoundary = false

        /// An item starts here when nothing encloses it.
        mutating func startItem() {
            if frames.count == 1 {
                items.append(Item(start: output.utf8.count, literalsBefore: literalsWritten, shortestBefore: frames[0].branch))
            }
        }

        /// `output` with its ends trimmed, still a superset: items that may match the empty text at either end are left
        /// out (a match of `a x*` or `x? a` contains a match of `a`), and the quantifier of each end item becomes its
        /// least count (`a x+` → `a x`, `x{2,} a` → `x{2}a`: a match of the longer contains one of the shorter). Fewer,
        /// shorter matches are reported (`@\s*` fired at every space after an at sign), and the scan does less work.
        func trimmed(_ output: String) -> (expression: String, singleClass: Bool) {
            guard !topAlternatives, !items.isEmpty else { return (output, false) }
            let bytes = Array(output.utf8)
            func shortest(_ position: Int) -> Int {
                (position + 1 < items.count ? items[position + 1].shortestBefore : frames[0].branch) - items[position].shortestBefore
            }
            var kept = items.indices.filter { items[$0].least > 0 && shortest($0) > 0 }
            guard let first = kept.first, let last = kept.last else { return (output, false) }
            kept = Array(first...last)
            func end(of position: Int) -> Int { position + 1 < items.count ? items[position + 1].start : bytes.count }
            func quantifierEnd(of position: Int) -> Int { items[position].quantifier ?? end(of: position) }
            var result: [UInt8] = []
            for position in kept {
                let item = items[position]
                let isEdge = position == first || position == last
                if isEdge, item.quantifier != nil {
                    // `\bp+r` → `pr`, not `\bpr`: what follows meets the last repeat, the boundary only the first.
                    let boundary = Array(#"\b"#.utf8)
                    let start = position == first && first != last && bytes[item.start...].starts(with: boundary) ? item.start + 2 : item.start
                    result += bytes[start..<quantifierEnd(of: position)]
                    if item.least > 1 { result += Array("{\(item.least)}".utf8) }
                } else {
                    result += bytes[item.start..<end(of: position)]
                }
            }
            let literalsAfter = last + 1 < items.count ? items[last + 1].literalsBefore : literals
            // A group of several classes (`([б6]+[^а-я]*[л]+)`) is a sequence, not one class.
            let single = first == last && literalsAfter - items[first].literalsBefore == 0 && !bytes[items[first].start...].starts(with: Array("(?:".utf8))
            return (String(decoding: result, as: UTF8.self), single)
        }

        init(scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
        func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }

        mutating func rewrite() -> String? {
            while let scalar = current {
                switch scalar {
                case "\\":
                    guard escape() else { return nil }
                case "[":
                    guard let set = characterClass() else { return nil }
                    emitAtom(set)
                case "(":
                    guard group() else { return nil }
                case ")":
                    guard depth > 0, frames.count > 1 else { return nil }
                    depth -= 1
                    index += 1
                    output += ")"
                    quantifiable = true
                    let closed = frames.removeLast()
                    endsInWord = endsInWord && closed.branchesEndInWord
                    endsInWordBeforeAtom = closed.wordBefore
                    let group = closed.shortest
                    frames[frames.count - 1].branch += group
                    lastAtom = group
                case "|":
                    index += 1
                    if frames.count == 1 { topAlternatives = true }
                    output += "|"
                    quantifiable = false
                    let finished = frames[frames.count - 1]
                    frames[frames.count - 1] = Frame(
                        branch: 0, alternatives: finished.shortest, wordBefore: finished.wordBefore,
                        branchesEndInWord: finished.branchesEndInWord && endsInWord)
                    endsInWord = finished.wordBefore
                    pendingBoundary = false
                    lastAtom = 0
                case ".":
                    index += 1
                    emitAtom(SupersetPattern.anyCharacter)
                case "^", "$":
                    index += 1
                    drop()
                case "*", "+", "?", "{":
                    if scalar == "{", !isQuantifier(at: index) {
                        index += 1
                        emitAtom(literal("{"))
                        continue
                    }
                    guard quantifier() else { return nil }
                default:
                    index += 1
                    emitAtom(literal(scalar))
                }
            }
            return output
        }

        /// Writes an atom whose matches are at least `length` characters.
        mutating func emitAtom(_ text: String, length: Int = 1) {
            startItem()
            flushBoundary()
            literalsWritten = literals
            endsInWordBeforeAtom = endsInWord
            endsInWord = literalIsWord
            literalIsWord = false
            output += text
            quantifiable = true
            frames[frames.count - 1].branch += length
            lastAtom = length
        }

        /// Opens a group in the output.
        mutating func openGroup() {
            startItem()
            flushBoundary()
            depth += 1
            output += "(?:"
            quantifiable = false
            frames.append(Frame(wordBefore: endsInWord))
            lastAtom = 0
        }

        /// `\b` at `index` (after it): kept when an ASCII word character surely stands on one side of it, else
        /// dropped. Under UCP, `\b` beside an ASCII word character means the other side is no Unicode word character,
        /// so no ASCII one either: Vectorscan's ASCII `\b` holds there too (a superset). Beside anything else (`é`,
        /// `\w`, a class) an ASCII `\b` could miss a Unicode boundary, and the assertion goes.
        mutating func boundary() {
            if let scalar = current, scalar == "*" || scalar == "+" || scalar == "?" || (scalar == "{" && isQuantifier(at: index)) {
                drop()
                return
            }
            if endsInWord {
                output += #"\b"#
            } else if startsWithWord(at: index) {
                pendingBoundary = true
            }
            drop()
        }

        /// Writes a pending `\b` before the atom or group that starts here.
        mutating func flushBoundary() {
            if pendingBoundary { output += #"\b"# }
            pendingBoundary = false
        }

        /// Whether what starts at `position` in the pattern surely starts with an ASCII word character: such a literal,
        /// or a group each of whose branches does, either not optional.
        func startsWithWord(at position: Int) -> Bool {
            guard position < scalars.count else { return false }
            var end: Int
            if scalars[position] == "(" {
                var start = position + 1
                if start < scalars.count, scalars[start] == "?" {
                    guard start + 1 < scalars.count, scalars[start + 1] == ":" else { return false }
                    start += 2
                }
                guard let group = groupBody(from: start), group.branches.allSatisfy({ startsWithWord(at: $0) }) else { return false }
                end = group.close + 1
            } else if SupersetPattern.isASCIIWord(scalars[position]) {
                end = position + 1
            } else {
                return false
            }
            guard end < scalars.count else { return true }
            switch scalars[end] {
            case "?", "*": return false
            case "{":
                guard isQuantifier(at: end) else { return true }
                return Int(String(String.UnicodeScalarView(scalars[(end + 1)...].prefix { $0 != "," && $0 != "}" }))) != 0
            default: return true
            }
        }

        /// An assertion or option left out: a quantifier after it goes too.
        mutating func drop() {
            quantifiable = false
            lastAtom = 0
            if let scalar = current, scalar == "*" || scalar == "+" || scalar == "?" || (scalar == "{" && isQuantifier(at: index)) {
                _ = skipQuantifier()
            }
        }

        /// A quantifier after an atom, copied (lazy and possessive marks dropped: they change which match, not whether).
        mutating func quantifier() -> Bool {
            let start = index
            guard skipQuantifier() else { return false }
            var end = index
            if end - start > 1, scalars[end - 1] == "?" || scalars[end - 1] == "+" { end -= 1 }
            if quantifiable {
                let loosened = SupersetPattern.loosened(String(String.UnicodeScalarView(scalars[start..<end])))
                let least = loosened.hasPrefix("{") ? Int(loosened.dropFirst().prefix { $0.isNumber }) ?? 0 : loosened == "+" ? 1 : 0
                if frames.count == 1, !items.isEmpty {
                    items[items.count - 1].quantifier = output.utf8.count
                    items[items.count - 1].least *= least
                }
                // The atom may be absent: the character before is then the one before it.
                if least == 0 { endsInWord = endsInWord && endsInWordBeforeAtom }
                output += loosened
                frames[frames.count - 1].branch += lastAtom * (least - 1)
                lastAtom *= least
            }
            quantifiable = false
            return true
        }

        /// Moves past `?`, `*`, `+` or `{n}`, `{n,}`, `{n,m}` and a lazy/possessive mark.
        mutating func skipQuantifier() -> Bool {
            guard let scalar = current else { return false }
            if scalar == "{" {
                guard isQuantifier(at: index) else { return false }
                while let next = current, next != "}" { index += 1 }
                index += 1
            } else {
                index += 1
            }
            if let mark = current, mark == "?" || mark == "+" { index += 1 }
            return true
        }

        /// Whether `{` at `position` starts a quantifier as PCRE2 10.42 reads one: `{n}`, `{n,}`, `{n,m}`.
        func isQuantifier(at position: Int) -> Bool {
            var end = position + 1
            var digits = 0
            var comma = false
            while end < scalars.count {
                let scalar = scalars[end]
                if scalar == "}" { return digits > 0 }
                if scalar == "," {
                    if comma || digits == 0 { return false }
                    comma = true
                } else if scalar.isASCII, scalar.properties.numericType == .decimal {
                    if !comma { digits += 1 }
                } else {
                    return false
                }
                end += 1
            }
            return false
        }

        /// A literal character: ASCII as an escape-safe form (case is the engine's: caseless), non-ASCII as the class
        /// of its case variants.
        mutating func literal(_ scalar: Unicode.Scalar) -> String {
            // Spaces and punctuation are in most texts: only letters, digits and non-ASCII narrow a gate.
            if !scalar.isASCII || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { literals += 1 }
            // ASCII case is the engine's (caseless); other variants are spelled out.
            literalIsWord = SupersetPattern.isASCIIWord(scalar)
            let variants = SupersetPattern.caseVariants(scalar).filter { !$0.isASCII || $0 == scalar }
            if variants.count == 1 { return SupersetPattern.hex(scalar) }
            return "[" + variants.map(SupersetPattern.hex).joined() + "]"
        }

        mutating func escape() -> Bool {
            guard let next = peek(1) else { return false }
            index += 2
            switch next {
            case "b":
                boundary()
            case "B", "A", "Z", "z", "G", "K":
                drop()
            case "d": emitAtom("[0-9" + SupersetPattern.nonASCIIDigits + "]")
            case "w": emitAtom("[0-9A-Za-z_" + SupersetPattern.nonASCII + "]")
            case "s": emitAtom(#"[\x{9}-\x{D}\x{20}"# + SupersetPattern.nonASCIISpaces + "]")
            case "h": emitAtom(#"[\x{9}\x{20}"# + SupersetPattern.nonASCIISpaces + "]")
            case "v": emitAtom(#"[\x{A}-\x{D}"# + SupersetPattern.nonASCIISpaces + "]")
            case "D": emitAtom(#"[^0-9]"#)
            case "W": emitAtom(#"[^0-9A-Za-z_]"#)
            case "S": emitAtom(#"[^\x{9}-\x{D}\x{20}]"#)
            case "H": emitAtom(#"[^\x{9}\x{20}]"#)
            case "V": emitAtom(#"[^\x{A}-\x{D}]"#)
            case "N":
                guard current != "{" else { return false }
                emitAtom(#"[^\x{A}]"#)
            case "R": emitAtom(#"(?:\x{D}\x{A}|[\x{A}-\x{D}"# + SupersetPattern.nonASCII + "])")
            case "X": emitAtom("(?:" + SupersetPattern.anyCharacter + "+)")
            case "p", "P":
                if current == "{" {
                    while let scalar = current, scalar != "}" { index += 1 }
                    guard current == "}" else { return false }
                    index += 1
                } else {
                    guard current != nil else { return false }
                    index += 1
                }
                emitAtom(SupersetPattern.anyCharacter)
            case "1", "2", "3", "4", "5", "6", "7", "8", "9":
                // A back-reference (or an octal escape PCRE2 reads as one when there are fewer groups): anything.
                while let scalar = current, scalar.isASCII, scalar.properties.numericType == .decimal { index += 1 }
                emitAtom("(?:" + SupersetPattern.anyCharacter + "*)", length: 0)
            case "g", "k":
                // \g1, \g{1}, \g{-1}, \g{name}, \k<name>, \k'name', \k{name}; \g<…> and \g'…' are subroutine calls.
                guard let opening = current else { return false }
                if next == "g", opening == "<" || opening == "'" { return false }
                if opening == "{" || opening == "<" || opening == "'" {
                    let closing: Unicode.Scalar = opening == "{" ? "}" : opening == "<" ? ">" : "'"
                    while let scalar = current, scalar != closing { index += 1 }
                    guard current == closing else { return false }
                    index += 1
                } else if next == "g" {
                    if current == "-" || current == "+" { index += 1 }
                    while let scalar = current, scalar.isASCII, scalar.properties.numericType == .decimal { index += 1 }
                } else {
                    return false
                }
                emitAtom("(?:" + SupersetPattern.anyCharacter + "*)", length: 0)
            case "Q":
                while index < scalars.count, !(scalars[index] == "\\" && peek(1) == "E") {
                    emitAtom(literal(scalars[index]))
                    index += 1
                }
                index = min(scalars.count, index + 2)
            case "E":
                break
            default:
                index -= 2
                guard let scalar = codePointEscape() else { return false }
                emitAtom(literal(scalar))
            }
            return true
        }

        /// The code point in `{…}` at `index` (in `radix`), index after the `}`.
        mutating func bracedCodePoint(radix: Int) -> Unicode.Scalar? {
            index += 1
            var digits = ""
            while let scalar = current, scalar != "}" {
                digits.unicodeScalars.append(scalar)
                index += 1
            }
            guard current == "}" else { return nil }
            index += 1
            return UInt32(digits, radix: radix).flatMap(Unicode.Scalar.init)
        }

        /// `\x…`, `\o{…}`, `\0…`, `\n`-style and escaped punctuation at `index` (a backslash): the character, index after it.
        mutating func codePointEscape() -> Unicode.Scalar? {
            guard let next = peek(1) else { return nil }
            index += 2
            switch next {
            case "x":
                if current == "{" { return bracedCodePoint(radix: 16) }
                var digits = ""
                while digits.count < 2, let scalar = current, scalar.properties.isASCIIHexDigit {
                    digits.unicodeScalars.append(scalar)
                    index += 1
                }
                return Unicode.Scalar(UInt32(digits, radix: 16) ?? 0)
            case "o":
                guard current == "{" else { return nil }
                return bracedCodePoint(radix: 8)
            case "0":
                var digits = ""
                while digits.count < 2, let scalar = current, ("0"..."7").contains(scalar) {
                    digits.unicodeScalars.append(scalar)
                    index += 1
                }
                return Unicode.Scalar(UInt32(digits, radix: 8) ?? 0)
            case "n": return "\n"
            case "t": return "\t"
            case "r": return "\r"
            case "f": return "\u{0C}"
            case "e": return "\u{1B}"
            case "a": return "\u{07}"
            case "c":
                guard let control = current, control.isASCII else { return nil }
                index += 1
                return Unicode.Scalar(UInt8(ascii: Character(control).uppercased().unicodeScalars.first!) ^ 0x40)
            default:
                // Escaped punctuation (or any non-alphanumeric) is that character; other letters are unknown here.
                if next.properties.isAlphabetic || next.properties.numericType != nil { return nil }
                return next
            }
        }

        mutating func group() -> Bool {
            index += 1
            if current == "*" { return false }
            guard current == "?" else {
                openGroup()
                return true
            }
            index += 1
            guard let first = current else { return false }
            let second = peek(1)
            switch first {
            case ":", ">", "|":
                index += 1
            case "=", "!":
                return skipGroup()
            case "<" where second == "=" || second == "!":
                return skipGroup()
            case "<", "'", "P":
                if first == "P", second != "<" { return false }
                let closing: Unicode.Scalar = first == "'" ? "'" : ">"
                while let scalar = current, scalar != closing { index += 1 }
                guard current == closing else { return false }
                index += 1
            case "#":
                while let scalar = current, scalar != ")" { index += 1 }
                guard current == ")" else { return false }
                index += 1
                return true
            default:
                // Options `(?i)`, `(?s-i:…)`: case and dot-all do not narrow a superset; extended mode changes syntax.
                var options = ""
                while let scalar = current, scalar != ")", scalar != ":" {
                    options.unicodeScalars.append(scalar)
                    index += 1
                }
                guard let end = current, !options.isEmpty, options.unicodeScalars.allSatisfy({ "imsnUJ-^".unicodeScalars.contains($0) }) else {
                    return false
                }
                index += 1
                if end == ")" {
                    drop()
                    return true
                }
            }
            openGroup()
            return true
        }

        /// A look-around, from after its opening mark to after its `)`, left out with any quantifier after it.
        mutating func skipGroup() -> Bool {
            guard let group = groupBody(from: index) else { return false }
            index = group.close + 1
            drop()
            return true
        }

        /// The group whose body starts at `start` (just inside its opening mark): where each of its top-level branches
        /// starts, and where its `)` is; nil when it is not closed.
        func groupBody(from start: Int) -> (branches: [Int], close: Int)? {
            var branches = [start]
            var nesting = 0
            var cursor = start
            while cursor < scalars.count {
                switch scalars[cursor] {
                case "\\": cursor += 2
                case "[": cursor = PatternRewriter.classEnd(scalars, from: cursor)
                case "(":
                    nesting += 1
                    cursor += 1
                case ")":
                    if nesting == 0 { return (branches, cursor) }
                    nesting -= 1
                    cursor += 1
                case "|":
                    if nesting == 0 { branches.append(cursor + 1) }
                    cursor += 1
                default: cursor += 1
                }
            }
            return nil
        }

        /// `[…]` at `index`: a positive class keeps every member and widens Unicode-dependent ones; a negated one
        /// excludes only what PCRE2 surely excludes (ASCII members, the ASCII part of escapes).
        mutating func characterClass() -> String? {
            index += 1
            let negated = current == "^"
            if negated { index += 1 }
            var members: [(Unicode.Scalar, Unicode.Scalar)] = []
            var extra: [String] = []
            var first = true
            while let scalar = current, scalar != "]" || first {
                first = false
                if scalar == "[", peek(1) == ":" {
                    // [:alpha:] and [:^alpha:]: Unicode under UCP.
                    var end = index + 2
                    while end + 1 < scalars.count, !(scalars[end] == ":" && scalars[end + 1] == "]") { end += 1 }
                    guard end + 1 < scalars.count else { return nil }
                    index = end + 2
                    if !negated { extra.append(#"\x{0}-\x{10FFFF}"#) }
                    continue
                }
                var low: Unicode.Scalar
                if scalar == "\\" {
                    guard let next = peek(1) else { return nil }
                    if let widened = classEscape(next, negated: negated) {
                        index += 2
                        if next == "p" || next == "P" {
                            if current == "{" {
                                while let inner = current, inner != "}" { index += 1 }
                                guard current == "}" else { return nil }
                            }
                            index += 1
                        }
                        extra.append(widened)
                        continue
                    }
                    if next == "Q" || next == "E" || next == "N" || next == "R" || next == "X" { return nil }
                    if next == "b" {
                        index += 2
                        low = "\u{08}"
                    } else {
                        guard let decoded = codePointEscape() else { return nil }
                        low = decoded
                    }
                } else {
                    index += 1
                    low = scalar
                }
                var high = low
                if current == "-", let after = peek(1), after != "]" {
                    index += 1
                    if after == "\\" {
                        guard let next = peek(1), classEscape(next, negated: negated) == nil, let decoded = codePointEscape() else { return nil }
                        high = decoded
                    } else if after == "[" {
                        return nil
                    } else {
                        index += 1
                        high = after
                    }
                    guard low.value <= high.value else { return nil }
                }
                members.append((low, high))
            }
            guard current == "]" else { return nil }
            index += 1
            var parts: [String] = []
            for (low, high) in members {
                if negated {
                    // Only ASCII is surely excluded (caseless: the engine excludes both cases of a letter, as PCRE2 does).
                    guard low.isASCII else { continue }
                    let top = min(high.value, 0x7F)
                    parts.append(SupersetPattern.hex(low) + (top > low.value ? "-" + SupersetPattern.hex(Unicode.Scalar(top)!) : ""))
                } else if low.isASCII && high.isASCII {
                    parts.append(SupersetPattern.hex(low) + (high != low ? "-" + SupersetPattern.hex(high) : ""))
                    for value in low.value...high.value {
                        parts += SupersetPattern.caseVariants(Unicode.Scalar(value)!).filter { !$0.isASCII }.map(SupersetPattern.hex)
                    }
                } else if low == high {
                    parts += SupersetPattern.caseVariants(low).filter { !$0.isASCII || $0 == low }.map(SupersetPattern.hex)
                } else {
                    if low.isASCII {
                        parts.append(SupersetPattern.hex(low) + #"-\x{7F}"#)
                        for value in low.value...0x7F {
                            parts += SupersetPattern.caseVariants(Unicode.Scalar(value)!).filter { !$0.isASCII }.map(SupersetPattern.hex)
                        }
                    }
                    let start = max(low.value, 0x80)
                    if high.value - start < SupersetPattern.enumeratedRange {
                        // A short range (Latin-1 accents, an alphabet): itself and its characters' case variants.
                        parts.append(SupersetPattern.hex(Unicode.Scalar(start)!) + "-" + SupersetPattern.hex(high))
                        for value in start...high.value {
                            guard let scalar = Unicode.Scalar(value) else { continue }
                            parts += SupersetPattern.caseVariants(scalar).filter { !$0.isASCII && !(start...high.value).contains($0.value) }
                                .map(SupersetPattern.hex)
                        }
                    } else {
                        parts.append(SupersetPattern.nonASCII)
                    }
                }
            }
            parts += extra
            if negated {
                return parts.isEmpty ? SupersetPattern.anyCharacter : "[^" + parts.joined() + "]"
            }
            return "[" + parts.joined() + "]"
        }

        /// The class text for a Unicode-dependent escape inside a class, or nil when `escape` is not one.
        func classEscape(_ escape: Unicode.Scalar, negated: Bool) -> String? {
            let nonASCII = SupersetPattern.nonASCII
            switch escape {
            case "d": return negated ? "0-9" : "0-9" + SupersetPattern.nonASCIIDigits
            case "w": return negated ? "0-9A-Za-z_" : "0-9A-Za-z_" + nonASCII
            case "s": return negated ? #"\x{9}-\x{D}\x{20}"# : #"\x{9}-\x{D}\x{20}"# + SupersetPattern.nonASCIISpaces
            case "h": return negated ? #"\x{9}\x{20}"# : #"\x{9}\x{20}"# + SupersetPattern.nonASCIISpaces
            case "v": return negated ? #"\x{A}-\x{D}"# : #"\x{A}-\x{D}"# + SupersetPattern.nonASCIISpaces
            // Negated escapes: ASCII outside the escape's ASCII part, and every non-ASCII character.
            case "D": return negated ? #"\x{0}-\x{2F}\x{3A}-\x{7F}"# : #"\x{0}-\x{2F}\x{3A}-\x{10FFFF}"#
            case "W": return negated ? #"\x{0}-\x{2F}\x{3A}-\x{40}\x{5B}-\x{5E}\x{60}\x{7B}-\x{7F}"# : #"\x{0}-\x{2F}\x{3A}-\x{40}\x{5B}-\x{5E}\x{60}\x{7B}-\x{10FFFF}"#
            case "S": return negated ? #"\x{0}-\x{8}\x{E}-\x{1F}\x{21}-\x{7F}"# : #"\x{0}-\x{8}\x{E}-\x{1F}\x{21}-\x{10FFFF}"#
            case "H": return negated ? #"\x{0}-\x{8}\x{A}-\x{1F}\x{21}-\x{7F}"# : #"\x{0}-\x{8}\x{A}-\x{1F}\x{21}-\x{10FFFF}"#
            case "V": return negated ? #"\x{0}-\x{9}\x{E}-\x{7F}"# : #"\x{0}-\x{9}\x{E}-\x{10FFFF}"#
            case "p", "P": return negated ? "" : #"\x{0}-\x{10FFFF}"#
            default: return nil
            }
        }
    }

    /// Non-ASCII ranges shorter than this are spelled out with their case variants; longer ones widen to every
    /// non-ASCII character.
    static let enumeratedRange: UInt32 = 512

    /// Counted repeats above this are loosened.
    static let largestCount = 3

    /// A quantifier as the superset writes it: `{m,n}` with n above `largestCount` becomes `{min(m, 3),}` (every
    /// repeat count it allowed is still allowed), since large counted repeats make Vectorscan's automata, and its
    /// compile time, explode (`(?:,[^,]{1,80}){30}` alone takes two seconds).
    static func loosened(_ quantifier: String) -> String {
        guard quantifier.hasPrefix("{"), quantifier.hasSuffix("}") else { return quantifier }
        let bounds = quantifier.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
        guard let low = Int(bounds[0]) else { return quantifier }
        let high = bounds.count == 1 ? low : Int(bounds[1])
        if let high, high <= largestCount { return quantifier }
        return "{\(min(low, largestCount)),}"
    }

    /// Whether `scalar` is an ASCII word character whose every caseless variant is one too (not `k`, `s`: the Kelvin
    /// sign and the long s).
    static func isASCIIWord(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" else { return false }
        return caseVariants(scalar).allSatisfy(\.isASCII)
    }

    /// `\x{…}` for a scalar.
    static func hex(_ scalar: Unicode.Scalar) -> String {
        let isPlain = scalar.isASCII && (scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal)
        return isPlain ? String(scalar) : #"\x{"# + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// The scalar and every character PCRE2's caseless matching may take for it that a normalised text can hold: its
    /// case orbit (the characters with the same lower-case form of their upper-case form: k, K and the Kelvin sign;
    /// σ, ς and Σ) and its folded form, without the characters NFKC_Casefold changes (the Kelvin sign, the long s,
    /// capitals). Texts are normalised before they are scanned, so those never occur; left in, a class such as
    /// `[s\x{17F}]` keeps Vectorscan from finding the literals around it, and scans cost twice as much. The scalar
    /// alone when every variant changes (ß, whose fold is two letters).
    static func caseVariants(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        var variants: [Unicode.Scalar] = [scalar]
        for other in caseOrbits[orbitKey(scalar).value] ?? [] where !variants.contains(other) { variants.append(other) }
        if let folded = single(TextNormalisation.nfkcCasefold(String(scalar))), !variants.contains(folded) { variants.append(folded) }
        let kept = variants.filter { $0.isASCII || !changesWhenNormalised($0) }
        return kept.isEmpty ? [scalar] : kept
    }

    /// Whether NFKC_Casefold (ICU's, as texts are normalised) changes `scalar`; asked once per scalar.
    private static func changesWhenNormalised(_ scalar: Unicode.Scalar) -> Bool {
        if let known = normalisationChanges.withLock({ $0[scalar.value] }) { return known }
        let changes = TextNormalisation.nfkcCasefold(String(scalar)) != String(scalar)
        normalisationChanges.withLock { $0[scalar.value] = changes }
        return changes
    }

    private static let normalisationChanges = Mutex<[UInt32: Bool]>([:])

    private static func single(_ text: String) -> Unicode.Scalar? {
        var scalars = text.unicodeScalars.makeIterator()
        guard let first = scalars.next(), scalars.next() == nil else { return nil }
        return first
    }

    private static func orbitKey(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let upper = single(scalar.properties.uppercaseMapping) ?? scalar
        return single(upper.properties.lowercaseMapping) ?? single(scalar.properties.lowercaseMapping) ?? scalar
    }

    /// Every cased character below U+20000 (where all of them are), by orbit key; built once.
    private static let caseOrbits: [UInt32: [Unicode.Scalar]] = {
        var orbits: [UInt32: [Unicode.Scalar]] = [:]
        for value in UInt32(0)..<0x20000 {
            guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenCaseMapped else { continue }
            orbits[orbitKey(scalar).value, default: []].append(scalar)
        }
        return orbits
    }()
}
