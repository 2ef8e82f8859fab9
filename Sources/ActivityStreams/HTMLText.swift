import Foundation

/// Turns the HTML of fediverse content into plain text for rules and moderators: tags removed, entities decoded,
/// `<br>` and paragraphs as line breaks, and Mastodon's link shortening undone (`invisible` spans dropped,
/// `ellipsis` spans followed by `…`). Written by hand: no listed package parses HTML on Linux.
public enum HTMLText {
    /// The plain text of `html`.
    public static func plainText(_ html: String) -> String {
        var output = ""
        let all = Array(html.unicodeScalars)
        let ends = TagEnds(all)
        var scalars = all[...]
        var hiddenDepth = 0  // inside <span class="invisible">, <script> or <style>
        var spanStack: [SpanKind] = []
        while let scalar = scalars.first {
            if scalar == "<", let tag = readTag(&scalars, ends: ends) {
                switch (tag.name, tag.isClosing) {
                case ("br", _):
                    if hiddenDepth == 0 { output += "\n" }
                case ("p", true), ("div", true), ("blockquote", true), ("li", true), ("h1", true), ("h2", true), ("h3", true), ("pre", true):
                    if hiddenDepth == 0 { output += tag.name == "p" ? "\n\n" : "\n" }
                case ("span", false):
                    let kind: SpanKind = tag.classes.contains("invisible") ? .invisible : tag.classes.contains("ellipsis") ? .ellipsis : .plain
                    spanStack.append(kind)
                    if kind == .invisible { hiddenDepth += 1 }
                case ("span", true):
                    switch spanStack.popLast() {
                    case .invisible?: hiddenDepth -= 1
                    case .ellipsis?: if hiddenDepth == 0 { output += "…" }
                    default: break
                    }
                case ("script", false), ("style", false):
                    hiddenDepth += 1
                case ("script", true), ("style", true):
                    hiddenDepth = max(0, hiddenDepth - 1)
                default:
                    break
                }
                continue
            }
            scalars.removeFirst()
            guard hiddenDepth == 0 else { continue }
            if scalar == "&", let decoded = readEntity(&scalars) {
                output.unicodeScalars.append(contentsOf: decoded.unicodeScalars)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return tidy(output)
    }

    /// The `href` of every `<a>` in `html`, entities decoded, with the element's classes (Mastodon and Misskey
    /// mark mention and hashtag links with `mention` and `hashtag`).
    public static func links(_ html: String) -> [(href: String, classes: [String])] {
        var links: [(href: String, classes: [String])] = []
        let all = Array(html.unicodeScalars)
        let ends = TagEnds(all)
        var scalars = all[...]
        while let scalar = scalars.first {
            if scalar == "<", let tag = readTag(&scalars, ends: ends) {
                if tag.name == "a", !tag.isClosing, let href = tag.href {
                    links.append((plainText(String(href)), tag.classes.map(String.init)))
                }
                continue
            }
            scalars.removeFirst()
        }
        return links
    }

    private enum SpanKind { case plain, invisible, ellipsis }

    private struct Tag {
        let name: String
        let isClosing: Bool
        let classes: [Substring]
        let href: Substring?
    }

    /// Where a tag opened just before each position would end: the first `>` outside quotes from there, or nil.
    /// Found for every position in one backward pass, so text with many `<` and no matching `>` (`<<<<…`, `<'<'…`)
    /// costs linear time instead of a scan to the end from every `<`.
    private struct TagEnds {
        /// `end[i]`: the index of the `>` closing a tag whose body starts at `i`, or -1; `end[count] == -1`.
        private var end: [Int]

        init(_ scalars: [Unicode.Scalar]) {
            end = Array(repeating: -1, count: scalars.count + 1)
            var nextDouble = -1  // the first `"` at or after the position being filled
            var nextSingle = -1
            for index in scalars.indices.reversed() {
                let scalar = scalars[index]
                switch scalar {
                case ">": end[index] = index
                case "\"", "'":
                    // A quote opens at `index` and closes at the next same quote; the tag goes on after it.
                    let close = scalar == "\"" ? nextDouble : nextSingle
                    end[index] = close < 0 ? -1 : end[close + 1]
                default: end[index] = end[index + 1]
                }
                if scalar == "\"" { nextDouble = index } else if scalar == "'" { nextSingle = index }
            }
        }

        subscript(_ index: Int) -> Int? { end[index] < 0 ? nil : end[index] }
    }

    /// Reads `<…>` at the front of `scalars` (a slice of the array `ends` was made from); nil (consuming nothing) when
    /// it is not a tag, such as a lone `<`.
    private static func readTag(_ scalars: inout ArraySlice<Unicode.Scalar>, ends: TagEnds) -> Tag? {
        guard let index = ends[scalars.index(after: scalars.startIndex)], index < scalars.endIndex else { return nil }
        var body = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<index]))
        let first = body.unicodeScalars.first
        guard let first, first == "/" || first == "!" || first.properties.isAlphabetic else { return nil }
        scalars = scalars[scalars.index(after: index)...]
        let isClosing = body.hasPrefix("/")
        if isClosing { body.removeFirst() }
        let name = body.prefix { $0.isLetter || $0.isNumber }.lowercased()
        func attribute(_ attribute: String) -> Substring? {
            guard let range = body.range(of: attribute + "=", options: .caseInsensitive) else { return nil }
            let rest = body[range.upperBound...]
            let delimiter = rest.first == "\"" || rest.first == "'" ? rest.first! : " "
            return rest.drop { $0 == delimiter }.prefix { $0 != delimiter }
        }
        let classes = attribute("class")?.split(separator: " ") ?? []
        return Tag(name: name, isClosing: isClosing, classes: classes, href: name == "a" ? attribute("href") : nil)
    }

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "hellip": "…", "mdash": "—",
        "ndash": "–", "laquo": "«", "raquo": "»", "copy": "©", "reg": "®", "trade": "™", "lsquo": "‘", "rsquo": "’",
        "ldquo": "“", "rdquo": "”", "zwj": "\u{200D}", "zwnj": "\u{200C}", "shy": "\u{00AD}",
    ]

    /// Reads `name;`, `#123;` or `#x1F600;` after an `&`; nil (consuming nothing) for anything else.
    private static func readEntity(_ scalars: inout ArraySlice<Unicode.Scalar>) -> String? {
        guard let semicolon = scalars.prefix(12).firstIndex(of: ";") else { return nil }
        let name = String(String.UnicodeScalarView(scalars[scalars.startIndex..<semicolon]))
        var decoded: String?
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
        } else if name.hasPrefix("#") {
            decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
        } else {
            decoded = namedEntities[name]
        }
        guard let decoded else { return nil }
        scalars = scalars[scalars.index(after: semicolon)...]
        return decoded
    }

    /// Trims the ends and keeps at most one blank line between paragraphs.
    private static func tidy(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
        var result: [String] = []
        for line in lines where !(line.isEmpty && (result.last?.isEmpty ?? true)) {
            result.append(line)
        }
        while result.last?.isEmpty == true { result.removeLast() }
        lines = result
        return lines.joined(separator: "\n")
    }
}
