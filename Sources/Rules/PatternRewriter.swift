/// Rewrites the literal characters of a PCRE2 pattern and leaves its syntax alone: escapes, classes, groups,
/// quantifiers, anchors. Patterns on normalised text have their literals case-folded the way the text is (so `ß`
/// finds "SS"), and each pattern gets a twin whose literals are mapped to their confusable skeleton, which runs on
/// the text's skeleton. Character classes are copied as written (a class of look-alikes is the author's to write).
enum PatternRewriter {
    /// `pattern` with every literal character replaced by `transform(character)`, escaped, and grouped when it
    /// became several characters (so a quantifier after it still applies to all of it).
    static func mapLiterals(_ pattern: String, _ transform: (Unicode.Scalar) -> String) -> String {
        let scalars = Array(pattern.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        func copy(_ count: Int) {
            let end = min(scalars.count, index + count)
            output.append(contentsOf: scalars[index..<end])
            index = end
        }
        func copy(through terminator: Unicode.Scalar) {
            var end = index
            while end < scalars.count, scalars[end] != terminator { end += 1 }
            copy(end - index + 1)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                guard index + 1 < scalars.count else {
                    copy(1)
                    continue
                }
                let next = scalars[index + 1]
                if next == "Q" {
                    // \Q…\E: literal text, copied as written.
                    var end = index + 2
                    while end + 1 < scalars.count, !(scalars[end] == "\\" && scalars[end + 1] == "E") { end += 1 }
                    copy(min(scalars.count, end + 2) - index)
                } else if "xpPNgkou".unicodeScalars.contains(next), index + 2 < scalars.count, "{<'".unicodeScalars.contains(scalars[index + 2]) {
                    let closing: Unicode.Scalar = scalars[index + 2] == "{" ? "}" : scalars[index + 2] == "<" ? ">" : "'"
                    copy(3)
                    copy(through: closing)
                } else {
                    copy(2 + escapeTail(scalars, after: next, at: index + 2))
                }
            case "[":
                copyClass(scalars, &index, into: &output)
            case "(":
                copyGroupOpening(scalars, &index, into: &output)
            case "{":
                if let length = quantifierLength(scalars, from: index) { copy(length) } else { append(transform(scalar), to: &output) ; index += 1 }
            case ".", "^", "$", "|", ")", "*", "+", "?":
                copy(1)
            default:
                append(transform(scalar), to: &output)
                index += 1
            }
        }
        return String(output)
    }

    /// How many characters after `\` + `letter` (ending at `position`) still belong to the escape: the hex digits of
    /// `\xhh` (up to 2), the digits of `\0oo`, `\ddd` (up to 2 more), the character of `\cX`. They are not literals.
    static func escapeTail(_ scalars: [Unicode.Scalar], after letter: Unicode.Scalar, at position: Int) -> Int {
        var length = 0
        switch letter {
        case "x":
            while length < 2, position + length < scalars.count, scalars[position + length].properties.isASCIIHexDigit { length += 1 }
        case "0"..."9":
            while length < 2, position + length < scalars.count, ("0"..."9").contains(scalars[position + length]) { length += 1 }
        case "c":
            length = position < scalars.count ? 1 : 0
        default:
            break
        }
        return length
    }

    private static let metacharacters = Set("\\^$.|?*+()[]{}".unicodeScalars)

    private static func append(_ text: String, to output: inout String.UnicodeScalarView) {
        let scalars = Array(text.unicodeScalars)
        let grouped = scalars.count > 1
        if grouped { output.append(contentsOf: "(?:".unicodeScalars) }
        for scalar in scalars {
            if metacharacters.contains(scalar) { output.append("\\") }
            output.append(scalar)
        }
        if grouped { output.append(")") }
    }

    /// `[…]` with `]` first taken literally, escapes and POSIX classes inside.
    private static func copyClass(_ scalars: [Unicode.Scalar], _ index: inout Int, into output: inout String.UnicodeScalarView) {
        let end = classEnd(scalars, from: index)
        output.append(contentsOf: scalars[index..<end])
        index = end
    }

    /// The index just after the character class that starts at `start` (a `[`): a `]` first (after an optional `^`)
    /// is a member, escapes and POSIX classes (`[:alpha:]`) are skipped whole.
    static func classEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var end = start + 1
        if end < scalars.count, scalars[end] == "^" { end += 1 }
        if end < scalars.count, scalars[end] == "]" { end += 1 }
        while end < scalars.count, scalars[end] != "]" {
            if scalars[end] == "\\" {
                end += 2
            } else if scalars[end] == "[", end + 1 < scalars.count, scalars[end + 1] == ":" {
                end += 2
                while end + 1 < scalars.count, !(scalars[end] == ":" && scalars[end + 1] == "]") { end += 1 }
                end += 2
            } else {
                end += 1
            }
        }
        return min(scalars.count, end + 1)
    }

    /// `(`, and the syntax after `(?` or `(*` that is not literal text: names, look-around marks, flags, verbs.
    private static func copyGroupOpening(_ scalars: [Unicode.Scalar], _ index: inout Int, into output: inout String.UnicodeScalarView) {
        var end = index + 1
        if end < scalars.count, scalars[end] == "*" {
            while end < scalars.count, scalars[end] != ")" { end += 1 }
            end += 1
        } else if end < scalars.count, scalars[end] == "?" {
            end += 1
            let rest = scalars[min(end, scalars.count)...]
            let head = String(String.UnicodeScalarView(rest.prefix(2)))
            if head.hasPrefix("<=") || head.hasPrefix("<!") {
                end += 2
            } else if let first = rest.first, ":=!>|".unicodeScalars.contains(first) {
                end += 1
            } else if let first = rest.first, first == "<" || first == "'" || (first == "P" && rest.dropFirst().first == "<") {
                let closing: Unicode.Scalar = first == "'" ? "'" : ">"
                end += first == "P" ? 2 : 1
                while end < scalars.count, scalars[end] != closing { end += 1 }
                end += 1
            } else {
                // Flags `(?i)`, `(?i:`, comments, recursion and references: up to `)` or `:`.
                while end < scalars.count, scalars[end] != ")", scalars[end] != ":" { end += 1 }
                end += 1
            }
        }
        end = min(scalars.count, end)
        output.append(contentsOf: scalars[index..<end])
        index = end
    }

    /// The length of `{n}`, `{n,}`, `{n,m}` (or `{,m}`) at `start`, when it is a quantifier.
    private static func quantifierLength(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var end = start + 1
        var digits = 0
        var comma = false
        while end < scalars.count {
            let scalar = scalars[end]
            if scalar == "}" { return digits > 0 ? end - start + 1 : nil }
            if scalar == "," {
                if comma { return nil }
                comma = true
            } else if scalar.properties.numericType == .decimal, scalar.isASCII {
                digits += 1
            } else {
                return nil
            }
            end += 1
        }
        return nil
    }

    /// Backslash-escapes the metacharacters of a literal.
    static func escape(_ literal: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in literal.unicodeScalars {
            if metacharacters.contains(scalar) { output.append("\\") }
            output.append(scalar)
        }
        return String(output)
    }
}
