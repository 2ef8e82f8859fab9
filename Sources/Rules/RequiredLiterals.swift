import Foundation

/// The literal text every match of a pattern must contain: a set of strings of which at least one occurs in any
/// text the pattern matches (a "factor", as RE2's prefilter calls it). A text containing none of them cannot match,
/// so the pattern need not run on it. Extraction is conservative: anything not understood ends a literal run, and a
/// construct that could invalidate the reasoning (conditionals, extended mode, case-sensitive spans) gives no factor.
enum RequiredLiterals {
    /// Literals shorter than this (in UTF-8 bytes) are too common to filter on.
    static let minimumBytes = 3

    /// The best factor of `pattern` (the one whose shortest string is longest), or nil when it has none.
    static func factor(of pattern: String) -> Set<String>? {
        var parser = Parser(scalars: Array(pattern.unicodeScalars))
        let best = parser.parseAlternation().factor
        guard parser.index == parser.scalars.count, !parser.unsupported, let best, best.allSatisfy({ $0.utf8.count >= minimumBytes }) else {
            return nil
        }
        return best
    }

    /// Whether ordinary text carries one of the factor's strings (the built-in sample, normalised as posts are): it
    /// filters few posts.
    static func isCommon(_ factor: Set<String>) -> Bool {
        factor.contains { literal in
            let needle = Array(literal.utf8)
            // Most literals are not in the sample: its substrings of up to 7 bytes, hashed, say so at once.
            guard !needle.isEmpty, commonPieces.contains(piece(needle[..<min(needle.count, 7)])) else { return needle.isEmpty }
            guard needle.count > 7 else { return true }
            return commonText.withUnsafeBufferPointer { haystack in
                needle.withUnsafeBufferPointer { needle in
                    guard needle.count <= haystack.count else { return false }
                    return (0...(haystack.count - needle.count)).contains { memcmp(haystack.baseAddress! + $0, needle.baseAddress!, needle.count) == 0 }
                }
            }
        }
    }

    /// Up to 7 bytes and their count in one number.
    private static func piece(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } | UInt64(bytes.count) << 56
    }

    /// The ordinary-text sample, normalised, as bytes.
    private static let commonText = Array(TextNormalisation.normalise(OrdinaryText.sample).utf8)

    /// Every substring of the sample of 1 to 7 bytes, as `piece`s.
    private static let commonPieces: Set<UInt64> = {
        var pieces: Set<UInt64> = []
        for start in commonText.indices {
            for length in 1...7 where start + length <= commonText.count { pieces.insert(piece(commonText[start..<(start + length)])) }
        }
        return pieces
    }()

    /// A parser computing, for each alternation, its best factor (nil: none).
    struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0
        var unsupported = false

        init(scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        /// `branch | branch | …` up to `)` or the end: the union of the branches' factors (none if one has none), and
        /// every string it can match when each branch is plain literal text (`(?:rn)`, `(?:free|gift)`).
        mutating func parseAlternation() -> (factor: Set<String>?, exact: Set<String>?) {
            var union: Set<String> = []
            var exact: Set<String>? = []
            var complete = true
            while true {
                let branch = parseSequence()
                if let factor = branch.factor { union.formUnion(factor) } else { complete = false }
                if let strings = branch.exact, exact != nil { exact!.formUnion(strings) } else { exact = nil }
                guard index < scalars.count, scalars[index] == "|" else { break }
                index += 1
            }
            if let strings = exact, strings.count > Self.maximumAlternatives || strings.contains("") { exact = nil }
            return (complete && !union.isEmpty ? union : nil, exact)
        }

        /// A sequence of atoms: its required factors (literal runs, required groups) and the best one; and its strings
        /// when it is plain literal text.
        mutating func parseSequence() -> (factor: Set<String>?, exact: Set<String>?) {
            var isExact = true
            var factors: [Set<String>] = []
            // The run so far: every string it can be (a small class such as [e3] makes several).
            var run: Set<String> = [""]
            func flush() {
                if run != [""] { factors.append(run) }
                run = [""]
                isExact = false
            }
            // A literal character (or a small class of them) extends the run; quantified, it ends it (optional: it
            // is not required at all).
            func addLiteral(_ choices: Set<String>, quantifier: (Int, Int?)) {
                if quantifier.0 == 0 {
                    flush()
                    return
                }
                if run.count * choices.count > Self.maximumAlternatives { flush() }
                run = Set(run.flatMap { prefix in choices.map { prefix + $0 } })
                if quantifier.1 != 1 {
                    flush()
                } else if quantifier.0 != 1 {
                    isExact = false
                }
            }
            while index < scalars.count, scalars[index] != "|", scalars[index] != ")" {
                let scalar = scalars[index]
                switch scalar {
                case "\\":
                    guard index + 1 < scalars.count else {
                        unsupported = true
                        return (nil, nil)
                    }
                    let next = scalars[index + 1]
                    if next == "Q" {
                        index += 2
                        var literal = ""
                        while index < scalars.count, !(scalars[index] == "\\" && index + 1 < scalars.count && scalars[index + 1] == "E") {
                            literal.unicodeScalars.append(scalars[index])
                            index += 1
                        }
                        index = min(scalars.count, index + 2)
                        let (minimum, maximum) = parseQuantifier()
                        if minimum >= 1, maximum == 1 { addLiteral([literal], quantifier: (1, 1)) } else { flush() }
                    } else if next.properties.isAlphabetic || next.properties.numericType != nil {
                        // A class, an assertion, a back-reference or a code-point escape: not literal here.
                        index += 2
                        if "xpPNgkou".unicodeScalars.contains(next), index < scalars.count, "{<'".unicodeScalars.contains(scalars[index]) {
                            let closing: Unicode.Scalar = scalars[index] == "{" ? "}" : scalars[index] == "<" ? ">" : "'"
                            while index < scalars.count, scalars[index] != closing { index += 1 }
                            index += 1
                        } else {
                            index += PatternRewriter.escapeTail(scalars, after: next, at: index)
                        }
                        _ = parseQuantifier()
                        flush()
                    } else {
                        index += 2
                        addLiteral([String(next)], quantifier: parseQuantifier())
                    }
                case "[":
                    let start = index
                    skipClass()
                    let members = Self.classMembers(Array(scalars[start..<min(index, scalars.count)]))
                    let quantifier = parseQuantifier()
                    if let members { addLiteral(members, quantifier: quantifier) } else { flush() }
                case "(":
                    let group = parseGroup()
                    let (minimum, maximum) = parseQuantifier()
                    if unsupported { return (nil, nil) }
                    if case .consuming(_, let exact?) = group, minimum == 1, maximum == 1 {
                        // Plain literal text in a group continues the run.
                        addLiteral(exact, quantifier: (1, 1))
                    } else {
                        flush()
                        if case .consuming(let factor, _) = group, minimum >= 1, let factor { factors.append(factor) }
                    }
                case ".", "^", "$":
                    index += 1
                    _ = parseQuantifier()
                    flush()
                case "*", "+", "?", "{":
                    // A quantifier with nothing before it, or `{` taken literally by PCRE2: not worth reasoning about.
                    unsupported = true
                    return (nil, nil)
                default:
                    index += 1
                    addLiteral([String(scalar)], quantifier: parseQuantifier())
                }
            }
            let exact: Set<String>? = isExact ? run : nil
            if run != [""] { factors.append(run) }
            return (factors.map { ($0, Self.score($0)) }.max { $0.1 < $1.1 }?.0, exact)
        }

        enum Group {
            /// A group that consumes text: its factor, and its strings when it is plain literal text.
            case consuming(Set<String>?, exact: Set<String>?)
            case zeroWidth
        }

        /// `( … )` in its forms; the index ends after `)`.
        private mutating func parseGroup() -> Group {
            index += 1
            var zeroWidth = false
            if index < scalars.count, scalars[index] == "*" {
                // (*VERB)
                while index < scalars.count, scalars[index] != ")" { index += 1 }
                index += 1
                return .zeroWidth
            }
            if index < scalars.count, scalars[index] == "?" {
                index += 1
                guard index < scalars.count else {
                    unsupported = true
                    return .zeroWidth
                }
                let first = scalars[index]
                let second = index + 1 < scalars.count ? scalars[index + 1] : " "
                switch first {
                case ":", ">", "|":
                    index += 1
                case "=", "!":
                    index += 1
                    zeroWidth = true
                case "<" where second == "=" || second == "!":
                    index += 2
                    zeroWidth = true
                case "<", "'", "P":
                    let closing: Unicode.Scalar = first == "'" ? "'" : ">"
                    if first == "P", second != "<" {
                        // (?P=name) or (?P>name): a back-reference or a call.
                        while index < scalars.count, scalars[index] != ")" { index += 1 }
                        index += 1
                        return .consuming(nil, exact: nil)
                    }
                    while index < scalars.count, scalars[index] != closing { index += 1 }
                    index += 1
                case "#":
                    while index < scalars.count, scalars[index] != ")" { index += 1 }
                    index += 1
                    return .zeroWidth
                case "(":
                    unsupported = true
                    return .zeroWidth
                default:
                    // Inline options `(?i)` / `(?i:…)`, or a recursion `(?R)`, `(?1)`, `(?&name)`.
                    var options = ""
                    while index < scalars.count, scalars[index] != ")", scalars[index] != ":" {
                        options.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    if options.contains("x") || options.contains("-") || options.contains("c") { unsupported = true }
                    let recursion = options.first.map { $0 == "R" || $0 == "&" || $0.isNumber || $0 == "+" } ?? false
                    if index < scalars.count, scalars[index] == ")" {
                        index += 1
                        return recursion ? .consuming(nil, exact: nil) : .zeroWidth
                    }
                    index += 1
                }
            }
            let inner = parseAlternation()
            guard index < scalars.count, scalars[index] == ")" else {
                unsupported = true
                return .zeroWidth
            }
            index += 1
            return zeroWidth ? .zeroWidth : .consuming(inner.factor, exact: inner.exact)
        }

        private mutating func skipClass() {
            index = PatternRewriter.classEnd(scalars, from: index)
        }

        /// `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` (with a lazy or possessive mark): (minimum, maximum; nil = unbounded).
        private mutating func parseQuantifier() -> (Int, Int?) {
            guard index < scalars.count else { return (1, 1) }
            var bounds: (Int, Int?)
            switch scalars[index] {
            case "?": bounds = (0, 1); index += 1
            case "*": bounds = (0, nil); index += 1
            case "+": bounds = (1, nil); index += 1
            case "{":
                var end = index + 1
                var text = ""
                while end < scalars.count, scalars[end] != "}" {
                    text.unicodeScalars.append(scalars[end])
                    end += 1
                }
                let parts = text.split(separator: ",", omittingEmptySubsequences: false)
                guard end < scalars.count, (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isNumber) }),
                    !(parts.count == 1 && parts[0].isEmpty)
                else { return (1, 1) }
                let minimum = Int(parts[0]) ?? 0
                let maximum = parts.count == 1 ? minimum : (parts[1].isEmpty ? nil : Int(parts[1]))
                bounds = (minimum, maximum)
                index = end + 1
            default:
                return (1, 1)
            }
            if index < scalars.count, scalars[index] == "?" || scalars[index] == "+" { index += 1 }
            return bounds
        }

        /// The most strings a run may stand for before it is cut.
        static let maximumAlternatives = 16

        /// The characters a small positive class like `[e3]` or `[a4@]` matches, case-folded ones included (patterns
        /// are caseless and texts folded); nil for negated classes, ranges, escapes of classes, and more than 6 members.
        static func classMembers(_ scalars: [Unicode.Scalar]) -> Set<String>? {
            guard scalars.count >= 3, scalars.first == "[", scalars.last == "]", scalars[1] != "^" else { return nil }
            var members: Set<String> = []
            var position = 1
            while position < scalars.count - 1 {
                var scalar = scalars[position]
                if scalar == "\\" {
                    guard position + 1 < scalars.count - 1 else { return nil }
                    scalar = scalars[position + 1]
                    // Only an escaped punctuation character is a plain member.
                    if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return nil }
                    position += 1
                } else if scalar == "-" || scalar == "[" {
                    return nil
                }
                members.insert(String(scalar))
                members.insert(TextNormalisation.nfkcCasefold(String(scalar)))
                position += 1
            }
            return members.isEmpty || members.count > 6 ? nil : members
        }

        /// A factor selective by its length first (see `RuleCompiler.selectiveLiteralBytes`), then one none of whose
        /// strings ordinary posts carry (`pump` before `http` in `https?://\S*pump`: every link has the one), then the
        /// longer shortest string, then fewer strings.
        static func score(_ factor: Set<String>) -> (Int, Int, Int, Int) {
            let shortest = shortest(factor)
            return (shortest >= RuleCompiler.selectiveLiteralBytes ? 1 : 0, RequiredLiterals.isCommon(factor) ? 0 : 1, shortest, -factor.count)
        }

        /// The shortest string's length in UTF-8 bytes.
        static func shortest(_ factor: Set<String>) -> Int {
            factor.map(\.utf8.count).min() ?? 0
        }
    }
}
