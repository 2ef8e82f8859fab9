/// A shorter PCRE2 pattern that matches wherever a pattern matches: the pattern with the items at its ends that may
/// match nothing left out (`[а-я]*(б+л+я+)[а-я]*` → `(б+л+я+)`), and the quantifier of the first item cut to its least
/// count (`\w+@x` → `\w@x`). A leading repeat makes PCRE2 try it from every character of a run and backtrack through
/// the rest (the square of a word's length); the precheck finds whether there is a match in one pass, and the pattern
/// itself then runs only on texts where it found one, for the spans.
///
/// It is a superset: every match of the pattern contains a match of the precheck (the left-out items matched some of
/// it, a repeat cut to its least count matched at least that). The same subject is read, so assertions and
/// look-arounds in what is kept see what they saw. Only patterns whose top level is a plain sequence are cut; anything
/// that could change meaning when an item goes (back-references and group calls, which count groups; inline options,
/// which an item may carry; verbs, conditionals, callouts, comments, `\Q…\E`, `\G`, `\K`; alternatives at the top
/// level) gives nil.
enum Precheck {
    /// The precheck of `pattern` when cutting its start shortens the work (nil: the pattern is its own precheck).
    static func of(_ pattern: String) -> String? {
        let scalars = Array(pattern.unicodeScalars)
        guard let items = Scanner(scalars: scalars).topLevelItems() else { return nil }
        guard var first = items.firstIndex(where: { !$0.mayMatchNothing }),
            var last = items.lastIndex(where: { !$0.mayMatchNothing })
        else { return nil }
        // Zero-width items (assertions) at the ends stay: they narrow, and cost nothing to keep.
        first = min(first, items.firstIndex { !$0.mayMatchNothing || $0.isAssertion } ?? first)
        last = max(last, items.lastIndex { !$0.mayMatchNothing || $0.isAssertion } ?? last)
        // Cutting the first item's repeat helps only when something follows it (`\w+@x`: each start backtracks
        // through the word); a lone `.{100,}` costs the same either way.
        let cutsStart = first > 0 || (items[first].cuttableRepeat && first < last)
        guard cutsStart, items[first...last].contains(where: { !$0.isAssertion }) else { return nil }
        var result = String.UnicodeScalarView()
        for position in first...last {
            let item = items[position]
            if (position == first || position == last), item.cuttableRepeat, let quantifier = item.quantifier {
                result.append(contentsOf: scalars[item.start..<quantifier])
                if item.least > 1 { result.append(contentsOf: "{\(item.least)}".unicodeScalars) }
            } else {
                result.append(contentsOf: scalars[item.start..<item.end])
            }
        }
        return String(result)
    }

    /// One top-level item: an atom, class or group with its quantifier.
    struct Item {
        /// Where it starts and ends in the pattern (scalar offsets), and where its quantifier starts.
        var start: Int
        var end: Int
        var quantifier: Int?
        /// The fewest repeats its quantifier allows (1 without one).
        var least = 1
        /// Whether the quantifier allows more than `least` and is not possessive (`+`, `*`, `{2,}`, `{2,5}`).
        var cuttableRepeat = false
        /// A zero-width assertion (`\b`, `^`, `$`, a look-around).
        var isAssertion = false

        /// Whether it can match the empty text wherever it stands (its quantifier allows none).
        var mayMatchNothing: Bool { least == 0 }
    }

    /// Reads a pattern's top level; nil for any construct `Precheck` does not cut around.
    struct Scanner {
        let scalars: [Unicode.Scalar]

        func topLevelItems() -> [Item]? {
            var items: [Item] = []
            var index = 0
            while index < scalars.count {
                let start = index
                var isAssertion = false
                switch scalars[index] {
                case "|", ")", "*", "+", "?":
                    return nil  // top-level alternatives, or a quantifier with nothing to repeat
                case "{" where isQuantifier(at: index):
                    return nil
                case "\\":
                    guard let end = escapeEnd(at: index) else { return nil }
                    isAssertion = "bBAzZ".unicodeScalars.contains(scalars[index + 1])
                    index = end
                case "[":
                    index = PatternRewriter.classEnd(scalars, from: index)
                case "(":
                    guard let (end, assertion) = groupEnd(at: index) else { return nil }
                    isAssertion = assertion
                    index = end
                case "^", "$":
                    isAssertion = true
                    index += 1
                default:
                    index += 1
                }
                var item = Item(start: start, end: index, isAssertion: isAssertion)
                if index < scalars.count, let quantifier = quantifier(at: index) {
                    item.quantifier = index
                    item.least = quantifier.least
                    item.cuttableRepeat = quantifier.more && !quantifier.possessive && !isAssertion
                    index = quantifier.end
                    item.end = index
                }
                items.append(item)
            }
            return items
        }

        /// The end of the escape at `index`; nil for back-references, group calls and escapes that change matching state.
        func escapeEnd(at index: Int) -> Int? {
            guard index + 1 < scalars.count else { return nil }
            let escaped = scalars[index + 1]
            switch escaped {
            case "1"..."9", "g", "k", "Q", "E", "G", "K", "C", "X", "R":
                return nil
            case "x", "o", "p", "P", "N":
                // A braced form (`\x{263A}`, `\p{Cyrillic}`) runs to its brace; `\xhh` takes up to two hex digits.
                if index + 2 < scalars.count, scalars[index + 2] == "{" {
                    guard let close = scalars[(index + 2)...].firstIndex(of: "}") else { return nil }
                    return close + 1
                }
                if escaped == "x" {
                    var end = index + 2
                    while end < scalars.count, end < index + 4, scalars[end].properties.isASCIIHexDigit { end += 1 }
                    return end
                }
                return escaped == "N" ? index + 2 : (escaped == "o" ? nil : index + 3)
            case "0":
                var end = index + 2
                while end < scalars.count, end < index + 4, ("0"..."7").contains(scalars[end]) { end += 1 }
                return end
            case "c":
                return index + 3 <= scalars.count ? index + 3 : nil
            default:
                return index + 2
            }
        }

        /// The end of the group at `index` and whether it is a look-around; nil for option settings, comments,
        /// conditionals, recursion, callouts, verbs, or anything refused inside it.
        func groupEnd(at index: Int) -> (Int, Bool)? {
            var position = index + 1
            var assertion = false
            if position < scalars.count, scalars[position] == "*" { return nil }
            if position < scalars.count, scalars[position] == "?" {
                let next = position + 1 < scalars.count ? scalars[position + 1] : " "
                let after = position + 2 < scalars.count ? scalars[position + 2] : " "
                switch next {
                case ":", ">", "|":
                    position += 2
                case "=", "!":
                    assertion = true
                    position += 2
                case "<" where after == "=" || after == "!":
                    assertion = true
                    position += 3
                case "<", "'":
                    // A named group: its name, then its contents.
                    let close: Unicode.Scalar = next == "<" ? ">" : "'"
                    guard let end = scalars[(position + 2)...].firstIndex(of: close) else { return nil }
                    position = end + 1
                case "P" where after == "<":
                    guard let end = scalars[(position + 3)...].firstIndex(of: ">") else { return nil }
                    position = end + 1
                default:
                    return nil
                }
            }
            var depth = 1
            while position < scalars.count {
                switch scalars[position] {
                case "\\":
                    guard let end = escapeEnd(at: position) else { return nil }
                    position = end
                    continue
                case "[":
                    position = PatternRewriter.classEnd(scalars, from: position)
                    continue
                case "(":
                    // Groups inside are read for what they must not contain; their own extent is what counts here.
                    guard let (end, _) = groupEnd(at: position) else { return nil }
                    position = end
                    continue
                case ")":
                    depth -= 1
                    if depth == 0 { return (position + 1, assertion) }
                default:
                    break
                }
                position += 1
            }
            return nil
        }

        /// The quantifier at `index`, if one is there: its end, least count, whether it allows more, and whether it is
        /// possessive.
        func quantifier(at index: Int) -> (end: Int, least: Int, more: Bool, possessive: Bool)? {
            var end = index
            var least = 0
            var more = true
            switch scalars[index] {
            case "*": end += 1
            case "+":
                least = 1
                end += 1
            case "?":
                more = true
                end += 1
            case "{" where isQuantifier(at: index):
                guard let close = scalars[index...].firstIndex(of: "}") else { return nil }
                let body = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                let bounds = body.split(separator: ",", omittingEmptySubsequences: false)
                least = Int(bounds[0]) ?? 0
                more = bounds.count == 2 && (bounds[1].isEmpty || (Int(bounds[1]) ?? 0) > least)
                end = close + 1
            default:
                return nil
            }
            var possessive = false
            if end < scalars.count, scalars[end] == "+" {
                possessive = true
                end += 1
            } else if end < scalars.count, scalars[end] == "?" {
                end += 1
            }
            return (end, least, more, possessive)
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
    }
}
