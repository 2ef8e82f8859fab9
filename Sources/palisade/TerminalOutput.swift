import ReviewTUI

/// Text that came from outside (remote errors, activity ids, actor URLs, statuses, rule spans) as printed by the CLI:
/// control characters shown as visible pictures and bidi controls named, never obeyed by the terminal — the review
/// UI's sanitiser, so every screen Palisade prints treats remote text alike.
func printable(_ text: String) -> String {
    TerminalText.sanitised(text)
}
