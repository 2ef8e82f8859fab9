import Foundation
import ReviewTUI

/// Text that came from outside (remote errors, activity ids, actor URLs, statuses, rule spans) as printed by the CLI:
/// control characters shown as visible pictures and bidi controls named, never obeyed by the terminal — the review
/// UI's sanitiser, so every screen Palisade prints treats remote text alike.
func printable(_ text: String) -> String {
    TerminalText.sanitised(text)
}

/// One tab-separated line of a listing: each field on one line and `printable`.
func tabRow(_ fields: [String]) -> String {
    fields.map { printable($0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")) }.joined(separator: "\t")
}
