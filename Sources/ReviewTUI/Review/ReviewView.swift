import Foundation
import ModerationAPI

/// Draws the model into a frame (pure): a header, a breadcrumb or the connection banner, the screen, the status line
/// and the key hints, then the open overlay (decision dialog, help). Every string from the server is drawn through
/// `ScreenBuffer.put`, which sanitises it.
public enum ReviewView {
    static let accent = Style(foreground: .cyan, bold: true)
    static let warning = Style(foreground: .red, bold: true)
    static let highlight = Style(foreground: .yellow, bold: true, underline: true)

    /// Draws `model` into `buffer` (which has the model's size).
    public static func render(_ model: ReviewModel, into buffer: inout ScreenBuffer) {
        let width = buffer.width
        guard buffer.height >= 4, width >= 20 else {
            buffer.putSafe("terminal too small", x: 0, y: 0)
            return
        }
        header(model, into: &buffer)
        if let reason = model.tokenRefused {
            tokenRefused(reason, model: model, into: &buffer)
            return
        }
        switch model.screen {
        case .queues: queues(model, into: &buffer)
        case .cases: cases(model, into: &buffer)
        case .detail: detail(model, into: &buffer)
        }
        statusLine(model, into: &buffer)
        if model.dialog != nil { dialog(model, into: &buffer) }
        if model.help { help(model, into: &buffer) }
    }

    // MARK: Chrome

    private static func header(_ model: ReviewModel, into buffer: inout ScreenBuffer) {
        buffer.fill(x: 0, y: 0, width: buffer.width, height: 1, style: .selected)
        var heading = " Palisade review"
        if let me = model.me { heading += " — \(me.tenantName) · \(me.name) (\(me.role))" }
        let end = buffer.put(heading, x: 0, y: 0, style: Style(bold: true, reverse: true), limit: buffer.width)
        let host = URLComponents(string: model.server)?.host ?? model.server
        let right = host + " "
        if end + CellWidth.of(right) < buffer.width { buffer.put(right, x: buffer.width - CellWidth.of(right), y: 0, style: .selected) }
        if model.disconnected {
            buffer.fill(x: 0, y: 1, width: buffer.width, height: 1, style: Style(foreground: .white, background: .red, bold: true))
            buffer.putSafe(
                " ⚠ connection lost — reconnecting; what you typed is kept", x: 0, y: 1,
                style: Style(foreground: .white, background: .red, bold: true, reverse: false))
        } else {
            var crumbs = ["Queues"]
            if model.screen != .queues, let list = model.list { crumbs.append(title(of: list.source)) }
            if model.screen == .detail, let open = model.open { crumbs.append("case \(open.detail.case.id)") }
            buffer.put(" " + crumbs.joined(separator: " › "), x: 0, y: 1, style: .dim)
        }
    }

    /// The whole screen when the server refused the token: why, and how to log in again.
    private static func tokenRefused(_ reason: String, model: ReviewModel, into buffer: inout ScreenBuffer) {
        let lines = [
            ("Log in again", warning), ("", Style.plain), (reason + ".", .plain), ("", .plain),
            ("Ask your tenant's admin for a new token, then run:", .plain), ("  palisade login \(model.server)", .bold), ("", .plain),
            ("Nothing was changed on the server since the token stopped working.", .dim),
        ]
        var y = 3
        for (text, style) in lines {
            for line in TerminalText.wrapped(TerminalText.sanitised(text), width: max(buffer.width - 4, 1)) where y < buffer.height - 1 {
                buffer.putSafe(line, x: 2, y: y, style: style)
                y += 1
            }
        }
        buffer.fill(x: 0, y: buffer.height - 1, width: buffer.width, height: 1, style: .selected)
        buffer.putSafe(" q quit", x: 0, y: buffer.height - 1, style: .selected)
    }

    static func title(of source: CaseListSource) -> String {
        switch source {
        case .queue(let name): return name
        case .approvals: return "approvals"
        case .search(let text): return "search: \(text)"
        }
    }

    private static func statusLine(_ model: ReviewModel, into buffer: inout ScreenBuffer) {
        let y = buffer.height - 2
        if let prompt = model.prompt {
            let end = buffer.putSafe(" \(prompt.label)" + (prompt.confirms ? "" : ": "), x: 0, y: y, style: .bold)
            if !prompt.confirms { editedLine(prompt.text, cursor: prompt.cursor, x: end, y: y, room: max(buffer.width - end - 1, 2), into: &buffer) }
        } else if let status = model.status {
            buffer.put(" " + status, x: 0, y: y, style: status.hasPrefix("error") ? warning : .dim)
        }
        buffer.fill(x: 0, y: buffer.height - 1, width: buffer.width, height: 1, style: .selected)
        buffer.putSafe(" " + hints(model, width: buffer.width - 1), x: 0, y: buffer.height - 1, style: .selected)
    }

    /// A line being edited, the cursor drawn where it is; the cursor stays in view (the text before it is cut from
    /// the left, the text after it from the right).
    static func editedLine(_ text: String, cursor: Int?, x: Int, y: Int, room: Int, into buffer: inout ScreenBuffer, style: Style = .plain) {
        let parts = LineEditing.split(text, cursor: cursor)
        // At most `room` characters either side are drawn, so a long line costs no more than a short one.
        var before = TerminalText.sanitised(String(parts.before.suffix(room)))
        var after = TerminalText.sanitised(String(parts.after.prefix(room)))
        while CellWidth.of(before) > room - 1 { before.removeFirst() }
        while CellWidth.of(before) + 1 + CellWidth.of(after) > room, !after.isEmpty { after.removeLast() }
        let cursorX = buffer.putSafe(before, x: x, y: y, style: style)
        buffer.putSafe("▏", x: cursorX, y: y, style: accent)
        buffer.putSafe(after, x: cursorX + 1, y: y, style: style)
    }

    /// The keys that work now, for the bottom line: as many as fit in `width`, most useful first, `?` and the way out
    /// always among them.
    public static func hints(_ model: ReviewModel, width: Int = .max) -> String {
        let pairs: [(String, String)]
        if model.help {
            pairs = [("?/esc", "close help")]
        } else if model.tokenRefused != nil {
            pairs = [("q", "quit")]
        } else if model.prompt != nil {
            pairs = [("enter", "confirm"), ("esc", "cancel")]
        } else if let dialog = model.dialog {
            pairs = dialog.confirming
                ? [("enter", "confirm"), ("esc", "back")]
                : [("enter", "decide"), ("ctrl-n", "decide & next"), ("tab", "field"), ("←/→", "choose"), ("esc", "cancel")]
        } else {
            switch model.screen {
            case .queues:
                pairs = [("enter", "open"), ("c", "claim next"), ("j/k", "move"), ("A", "approvals"), ("/", "search"), ("?", "help"), ("q", "quit")]
            case .cases:
                pairs = [
                    ("enter", "open"), ("c", "claim"), ("j/k", "move"), ("r", "release"), ("s", "sort"), ("f", "filter"), ("v", "states"), ("/", "search"),
                    ("?", "help"), ("q", "back"),
                ]
            case .detail:
                // Only what the moderator's role allows (issue 18): triage escalates and notes, it does not decide.
                let decides = ReviewUpdate.mayAct(model, as: "moderator")
                var keys: [(String, String)] = decides ? [("d", "decide")] : []
                keys += [("c", "claim"), ("tab", "pane"), ("j/k", "scroll")]
                if decides { keys += [("a", "approve"), ("X", "reject")] }
                keys += [("e", "escalate"), ("n", "note"), ("r", "release")]
                if decides { keys += [("C", "close"), ("p", "appeal"), ("u", "reverse")] }
                keys += [("x", "CW"), ("m", "media"), ("?", "help"), ("q", "back")]
                pairs = keys
            }
        }
        let fixed = pairs.filter { ["?", "q", "esc", "?/esc"].contains($0.0) }
        var kept = pairs
        func text(_ list: [(String, String)], _ separator: String) -> String { list.map { "\($0.0) \($0.1)" }.joined(separator: separator) }
        for separator in [" · ", "  "] {
            kept = pairs
            while CellWidth.of(text(kept, separator)) > width, kept.count > fixed.count {
                guard let drop = kept.lastIndex(where: { pair in !fixed.contains { $0 == pair } }) else { break }
                kept.remove(at: drop)
            }
            if kept.count == pairs.count || separator == "  " { return text(kept, separator) }
        }
        return text(kept, "  ")
    }

    // MARK: Queues

    private static func queues(_ model: ReviewModel, into buffer: inout ScreenBuffer) {
        let top = 2
        let columns = [(" QUEUE", 24), ("OPEN", 8), ("OLDEST", 9), ("SLA BREACHED", 14), ("MINE", 7), ("APPROVALS", 10)]
        var x = 0
        for (name, size) in columns {
            buffer.putSafe(name, x: x, y: top, style: .bold, limit: size)
            x += size
        }
        guard !model.queues.isEmpty else {
            buffer.putSafe(" No queues yet: nothing has been reported to this tenant.", x: 0, y: top + 2, style: .dim)
            return
        }
        for (index, queue) in model.queues.enumerated() where top + 1 + index < buffer.height - 2 {
            let y = top + 1 + index
            let style: Style = index == model.queueSelected ? .selected : .plain
            if index == model.queueSelected { buffer.fill(x: 0, y: y, width: buffer.width, height: 1, style: style) }
            let cells = [
                " " + queue.name, String(queue.open), queue.oldestOpenAt.map { age($0, now: model.now) } ?? "-",
                queue.slaBreached > 0 ? "\(queue.slaBreached) ⚠" : "0", String(queue.claimedByMe), String(queue.awaitingApproval),
            ]
            var column = 0
            for (cell, (_, size)) in zip(cells, columns) {
                let cellStyle = cell.hasSuffix("⚠") && index != model.queueSelected ? warning : style
                buffer.put(cell, x: column, y: y, style: cellStyle, limit: size - 1)
                column += size
            }
        }
    }

    // MARK: Cases

    /// The case list's columns after the account, in order, and the order they give way in on a narrow terminal
    /// (issue 18: the account comes first and is never dropped; it is shortened in the middle).
    static let caseColumns: [(title: String, width: Int)] = [("ID", 8), ("PRI", 4), ("STATE", 13), ("HOLDER", 12), ("AGE", 5), ("SLA", 4)]
    static let caseColumnsGivingWay = ["HOLDER", "STATE", "PRI", "AGE"]
    /// The account column is at least this wide while other columns can give way.
    static let accountMinimum = 24

    /// The columns shown at `width`: the account's width and the others kept.
    static func caseLayout(width: Int) -> (account: Int, columns: [(title: String, width: Int)]) {
        var kept = caseColumns
        func accountWidth() -> Int { width - 1 - kept.reduce(0) { $0 + $1.width } }
        for title in caseColumnsGivingWay where accountWidth() < accountMinimum { kept.removeAll { $0.title == title } }
        return (max(accountWidth(), 8), kept)
    }

    /// An account URL as the list shows it: without `https://`, shortened in the middle to `width` cells (the host's
    /// start and the path's end, where the name is, stay).
    public static func shortAccount(_ account: String, width: Int) -> String {
        var text = TerminalText.sanitised(account)
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text.removeFirst(scheme.count) }
        guard CellWidth.of(text) > width, width > 3 else { return text }
        let characters = Array(text)
        let headRoom = (width - 1) / 2
        let tailRoom = width - 1 - headRoom
        var tail: [Character] = []
        var tailWidth = 0
        for character in characters.reversed() {
            let cells = CellWidth.of(String(character))
            guard tailWidth + cells <= tailRoom else { break }
            tail.insert(character, at: 0)
            tailWidth += cells
        }
        var head: [Character] = []
        var headWidth = 0
        for character in characters {
            let cells = CellWidth.of(String(character))
            guard headWidth + cells <= headRoom else { break }
            head.append(character)
            headWidth += cells
        }
        return String(head) + "…" + String(tail)
    }

    private static func cases(_ model: ReviewModel, into buffer: inout ScreenBuffer) {
        guard let list = model.list else { return }
        let rows = list.visible(me: model.me?.name)
        var summary = " \(title(of: list.source)) · \(list.states.rawValue) · by \(list.sort.rawValue) · \(list.filter.rawValue) · \(rows.count) case\(rows.count == 1 ? "" : "s")"
        if list.more { summary += " (more below)" }
        if list.loading { summary += " · loading…" }
        buffer.put(summary, x: 0, y: 2, style: accent)
        let layout = caseLayout(width: buffer.width)
        buffer.putSafe(" ACCOUNT", x: 0, y: 3, style: .bold)
        var column = 1 + layout.account
        for (title, size) in layout.columns {
            buffer.putSafe(title, x: column, y: 3, style: .bold)
            column += size
        }
        let visible = max(buffer.height - 6, 0)
        guard !rows.isEmpty else {
            buffer.putSafe(list.loading ? " loading…" : " No cases here.", x: 0, y: 4, style: .dim)
            return
        }
        // Only the rows in view are drawn: the list's length does not matter.
        for row in 0..<visible {
            let index = list.top + row
            guard index < rows.count else { break }
            let item = rows[index]
            let y = 4 + row
            let selected = index == list.selected
            let style: Style = selected ? .selected : .plain
            if selected { buffer.fill(x: 0, y: y, width: buffer.width, height: 1, style: style) }
            buffer.putSafe(shortAccount(item.account, width: layout.account - 1), x: 1, y: y, style: style, limit: layout.account - 1)
            let holder = item.holder.map { $0 == model.me?.name ? "you" : $0 } ?? "-"
            var x = 1 + layout.account
            for (title, size) in layout.columns {
                let text: String
                switch title {
                case "ID": text = String(item.id)
                case "PRI": text = String(item.priority)
                case "STATE": text = item.state
                case "HOLDER": text = holder
                case "AGE": text = age(item.createdAt, now: model.now)
                default: text = item.slaBreached ? "⚠" : ""
                }
                buffer.put(text, x: x, y: y, style: text == "⚠" && !selected ? warning : style, limit: size - 1)
                x += size
            }
        }
    }

    // MARK: Case

    private static func detail(_ model: ReviewModel, into buffer: inout ScreenBuffer) {
        guard let open = model.open else { return }
        let summary = open.detail.case
        var x = buffer.putSafe(" Case \(summary.id) ", x: 0, y: 2, style: accent)
        x = buffer.put(summary.account, x: x, y: 2, style: .bold, limit: buffer.width - x)
        if x + 4 < buffer.width { buffer.put(" · " + summary.domain, x: x, y: 2, style: .dim, limit: buffer.width - x) }
        var state = " \(summary.state) · queue \(summary.queue) · priority \(summary.priority) · \(summary.reports) report\(summary.reports == 1 ? "" : "s")"
        var claimStyle = Style.dim
        if let holder = summary.holder, let expires = summary.claimExpiresAt {
            let left = expires.timeIntervalSince(model.now)
            let who = holder == model.me?.name ? "you" : holder
            state += " · claimed by \(who) · " + (left > 0 ? clock(left) + " left" : "expired")
            if holder == model.me?.name && left < ReviewUpdate.warnWithin { claimStyle = warning }
        } else {
            state += " · not claimed"
        }
        buffer.put(state, x: 0, y: 3, style: claimStyle)
        // Tabs: every pane's title when they fit, their short titles when not.
        let full = Pane.allCases.map { " \($0.title) " }.joined(separator: " ")
        let short = CellWidth.of(full) + 2 > buffer.width
        var tab = 1
        for pane in Pane.allCases {
            let label = " \(short ? pane.shortTitle : pane.title) "
            guard tab + CellWidth.of(label) <= buffer.width else { break }
            tab = buffer.putSafe(label, x: tab, y: 4, style: pane == open.pane ? .selected : .dim) + (short ? 0 : 1)
        }
        let top = 5
        let height = max(buffer.height - 2 - top, 0)
        let lines = open.linesKey == open.key(width: buffer.width - 2) ? open.lines : paneLines(open, model: model, width: buffer.width - 2)
        let scroll = max(0, min(open.scroll[open.pane] ?? 0, max(lines.count - height, 0)))
        for (row, line) in lines.dropFirst(scroll).prefix(height).enumerated() {
            var column = 1
            for piece in line { column = buffer.putSafe(piece.text, x: column, y: top + row, style: piece.style) }
        }
        if lines.count > height {
            buffer.putSafe("\(scroll + 1)–\(min(scroll + height, lines.count))/\(lines.count)", x: max(buffer.width - 14, 0), y: 4, style: .dim)
        }
    }

    /// A pane's lines, wrapped to `width`.
    public static func paneLines(_ open: CaseView, model: ReviewModel, width: Int) -> [[Piece]] {
        var lines: [[Piece]] = []
        func add(_ text: String, _ style: Style = .plain, indent: Int = 0) {
            let pad = String(repeating: " ", count: indent)
            for line in TerminalText.wrapped(TerminalText.sanitised(text, keepNewlines: true), width: max(width - indent, 1)) {
                lines.append([Piece(text: pad + line, style: style)])
            }
        }
        let detail = open.detail
        switch open.pane {
        case .reports:
            if detail.reports.isEmpty { add("No reports: the case was opened by rule hits.", .dim) }
            for report in detail.reports {
                add("● \(report.source) from \(report.reporter ?? "(anonymous)") · \(report.category ?? "no category") · \(date(report.receivedAt))", .bold)
                if report.forwarded { add("forwarded from another server", .dim, indent: 2) }
                add(report.comment.isEmpty ? "(no comment)" : report.comment, .plain, indent: 2)
                add("\(report.statuses.count) status\(report.statuses.count == 1 ? "" : "es") · rules \(report.instanceRuleIDs.joined(separator: ", "))", .dim, indent: 2)
            }
        case .statuses:
            let statuses = ReviewUpdate.statuses(detail)
            if statuses.isEmpty { add("No statuses were reported.", .dim) }
            for status in statuses {
                add("─ " + status.id, .bold)
                if let warning = status.contentWarning, !warning.isEmpty {
                    add("CW: " + warning, Style(foreground: .yellow), indent: 2)
                    if !open.openWarnings.contains(status.id) {
                        add("[text hidden behind the content warning — x to show]", .dim, indent: 2)
                        mediaLine(status)
                        continue
                    }
                }
                add(status.text ?? "(text not fetched: only the URI is known)", status.text == nil ? .dim : .plain, indent: 2)
                mediaLine(status)
            }
        case .hits:
            if detail.ruleHits.isEmpty { add("No rule hits.", .dim) }
            let statuses = ReviewUpdate.statuses(detail)
            for hit in detail.ruleHits {
                add("▲ \(hit.ruleID) v\(hit.ruleVersion) → \(hit.queue), priority \(hit.priority)\(hit.decision.map { ", decides \($0)" } ?? "")", .bold)
                add("on \(hit.subject) · rule set \(hit.ruleSetVersion)", .dim, indent: 2)
                for span in hit.spans {
                    let context = statuses.first { $0.id == hit.subject }?.text
                    lines.append(highlighted(span, in: context, width: width))
                }
            }
        case .sanctions:
            add("Decisions", .bold)
            if detail.decisions.isEmpty { add("none yet", .dim, indent: 2) }
            for decision in detail.decisions {
                let actions = decision.actions.map { action in action.domain.map { "\(action.action) \($0)" } ?? action.action }.joined(separator: ", ")
                add("#\(decision.id) \(actions) · \(decision.state) · by \(decision.by)\(decision.approvedBy.map { ", approved by \($0)" } ?? "")", indent: 2)
                add(decision.reason, .dim, indent: 4)
            }
            add("Active sanctions on the account and its domain", .bold)
            if detail.sanctions.isEmpty { add("none", .dim, indent: 2) }
            for sanction in detail.sanctions {
                add("\(sanction.action.action) \(sanction.target) since \(date(sanction.appliedAt))\(sanction.expiresAt.map { " until \(date($0))" } ?? "") (case \(sanction.caseID))", indent: 2)
            }
            if !detail.priorCases.isEmpty {
                add("Earlier cases", .bold)
                for prior in detail.priorCases { add("case \(prior.id) · \(prior.state) · \(date(prior.createdAt))", indent: 2) }
            }
        case .reporters:
            if detail.reporters.isEmpty { add("No reporters.", .dim) }
            for reporter in detail.reporters {
                add("\(reporter.reporter) · \(reporter.reports) report\(reporter.reports == 1 ? "" : "s") · \(reporter.dismissed) dismissed\(reporter.muted ? " · muted" : "")")
            }
        case .history:
            for entry in detail.history {
                let words = entry.detail.keys.sorted().map { "\($0)=\(entry.detail[$0]!)" }.joined(separator: " ")
                add("\(date(entry.at)) \(entry.actor) \(entry.kind) \(words)")
            }
        case .deliveries:
            if detail.deliveries.isEmpty { add("Nothing sent yet: the case has no decision in force.", .dim) }
            for delivery in detail.deliveries {
                let style = delivery.state == "failed" ? warning : delivery.state == "delivered" ? .plain : .dim
                add("\(delivery.state) · \(delivery.kind) → \(delivery.instance) (\(delivery.path), decision \(delivery.decisionID) \(delivery.dispatch), \(delivery.attempts) attempt\(delivery.attempts == 1 ? "" : "s"))", style)
                if let answer = delivery.answer { add(answer, .dim, indent: 2) }
            }
        }
        return lines

        func mediaLine(_ status: StatusEvidence) {
            guard status.mediaCount > 0 else { return }
            let count = "\(status.mediaCount) media attachment\(status.mediaCount == 1 ? "" : "s")"
            if open.shownMedia.contains(status.id) {
                add("[\(count)\(status.sensitive ? ", marked sensitive" : ""): not drawn in the terminal — open \(status.id)]", .plain, indent: 2)
            } else {
                add("[\(count) hidden — m to show]", .dim, indent: 2)
            }
        }
    }

    /// A matched span shown in its context, the match highlighted.
    static func highlighted(_ span: SpanBody, in text: String?, width: Int) -> [Piece] {
        let match = TerminalText.sanitised(span.text)
        let label = "  \(span.field): "
        guard let text, let range = TerminalText.sanitised(text).range(of: match, options: [.caseInsensitive]) else {
            return [Piece(text: label, style: .dim), Piece(text: "«" + match + "»", style: highlight)]
        }
        let safe = TerminalText.sanitised(text)
        let room = max(width - CellWidth.of(label) - CellWidth.of(match) - 2, 0) / 2
        var before = String(safe[..<range.lowerBound])
        var after = String(safe[range.upperBound...])
        while CellWidth.of(before) > room { before.removeFirst() }
        while CellWidth.of(after) > room { after.removeLast() }
        return [Piece(text: label + before, style: .dim), Piece(text: match, style: highlight), Piece(text: after, style: .dim)]
    }

    // MARK: Overlays

    private static func box(_ title: String, width: Int, height: Int, in buffer: inout ScreenBuffer) -> (x: Int, y: Int, width: Int, height: Int) {
        let w = min(width, buffer.width - 2)
        let h = min(height, buffer.height - 2)
        let x = (buffer.width - w) / 2
        let y = max((buffer.height - h) / 2, 1)
        buffer.fill(x: x, y: y, width: w, height: h)
        buffer.putSafe("┌" + String(repeating: "─", count: max(w - 2, 0)) + "┐", x: x, y: y)
        for row in (y + 1)..<(y + h - 1) {
            buffer.putSafe("│", x: x, y: row)
            buffer.putSafe("│", x: x + w - 1, y: row)
        }
        buffer.putSafe("└" + String(repeating: "─", count: max(w - 2, 0)) + "┘", x: x, y: y + h - 1)
        buffer.putSafe(" \(title) ", x: x + 2, y: y, style: .bold)
        return (x + 2, y + 1, w - 4, h - 2)
    }

    private static func dialog(_ model: ReviewModel, into buffer: inout ScreenBuffer) {
        guard let dialog = model.dialog else { return }
        let area = box("Decide case \(dialog.caseID)", width: 76, height: 14, in: &buffer)
        func row(_ index: Int, _ label: String, _ value: String, _ field: DecisionDialog.Field?, note: String = "") {
            let focused = field == dialog.field && !dialog.confirming
            buffer.putSafe(label, x: area.x, y: area.y + index, style: focused ? .bold : .dim)
            let end = buffer.put(value, x: area.x + 11, y: area.y + index, style: focused ? .selected : .plain, limit: area.width - 11)
            if !note.isEmpty { buffer.putSafe(note, x: end + 2, y: area.y + index, style: .dim, limit: max(area.x + area.width - end - 2, 0)) }
        }
        let expiry = DecisionDialog.expiries[dialog.expiry].map { $0 % 24 == 0 ? "\($0 / 24) day\($0 == 24 ? "" : "s")" : "\($0) h" } ?? "never"
        row(0, "Action", "‹ \(dialog.actionName) ›", .action, note: "1–5 or ←/→")
        if dialog.field == .reason && !dialog.confirming && !dialog.reason.isEmpty {
            // Typed text is edited in place: the cursor shows where; PgUp/PgDn still offer the templates.
            buffer.putSafe("Reason", x: area.x, y: area.y + 1, style: .bold)
            editedLine(dialog.reason, cursor: dialog.reasonCursor, x: area.x + 11, y: area.y + 1, room: area.width - 11, into: &buffer, style: .selected)
        } else {
            let reasonShown = dialog.reason.isEmpty ? (dialog.template.map { dialog.templates[$0] } ?? "") : dialog.reason
            row(1, "Reason", reasonShown + (dialog.field == .reason ? "▏" : ""), .reason, note: dialog.reason.isEmpty ? "type, or ←/→ templates" : "")
        }
        row(2, "Category", "‹ \(DecisionDialog.categories[dialog.category]) ›", .category)
        row(3, "Rules", dialog.rules + (dialog.field == .rules ? "▏" : ""), .rules, note: "ids, comma-separated")
        row(4, "Expires", "‹ \(expiry) ›", .expiry)
        let form = DecisionDialog.defederations[dialog.defederation]
        if dialog.actionName == "defederate" { row(5, "Federation", "‹ \(form.label) ›", .defederation, note: "←/→") }
        let needsApproval = model.me?.approvalRequired.contains(dialog.actionName) ?? false
        buffer.putSafe(
            needsApproval ? "Needs a second moderator's approval: proposed until approved." : "Takes effect at once.", x: area.x, y: area.y + 6, style: needsApproval ? Style(foreground: .yellow) : .dim, limit: area.width)
        let target = model.open?.detail.case.account ?? ""
        let consequence: String
        switch dialog.actionName {
        case "suspend": consequence = "Suspends \(target): sent to the tenant's instances as a Flag and a Block, listed in the feeds."
        case "defederate": consequence = "Defederates \(dialog.domain) (\(form.label)) for every instance of the tenant."
        case "silence": consequence = "Limits \(target) on the tenant's instances."
        case "mark_sensitive": consequence = "Marks the media of \(target) sensitive."
        default: consequence = "Closes the reports with no action."
        }
        let lines = TerminalText.wrapped(TerminalText.sanitised(consequence), width: area.width)
        for (index, line) in lines.prefix(2).enumerated() { buffer.putSafe(line, x: area.x, y: area.y + 7 + index) }
        if dialog.confirming {
            buffer.putSafe("⚠ This is severe. Press enter again to confirm, esc to go back.", x: area.x, y: area.y + 10, style: warning, limit: area.width)
        } else if dialog.andNext {
            buffer.putSafe("Then the next case of the queue is claimed.", x: area.x, y: area.y + 10, style: .dim, limit: area.width)
        }
    }

    /// Every key.
    public static let keys: [(String, String)] = [
        ("j/k ↓/↑", "move; scroll a pane"), ("g/G Home/End", "first / last"), ("PgUp/PgDn", "a page (also ^b/^f)"), ("enter", "open"),
        ("esc / q", "back; quit on queues"), ("tab / S-tab", "next / previous pane"), ("/", "search handle/#/URL"), ("c", "claim (next: queues)"),
        ("r", "release the claim"), ("d", "decide"), ("ctrl-n", "decide & claim next"), ("a", "approve the proposal"), ("X", "reject the proposal"),
        ("e", "escalate to a queue"), ("C", "close, no decision"), ("p", "record an appeal"), ("u", "reverse the decision"),
        ("n", "add a note"), ("x", "content warnings"), ("m", "media placeholders"), ("s", "sort: priority / age"), ("f", "filter: all/free/mine"), ("v", "states shown"),
        ("A", "awaiting approval"), ("R", "reload the queues"), ("?", "this help"), ("ctrl-c", "quit"),
    ]

    private static func help(_ model: ReviewModel, into buffer: inout ScreenBuffer) {
        // One column when the terminal is tall enough, two when not.
        let columns = buffer.height >= Self.keys.count + 4 ? 1 : 2
        let rows = (Self.keys.count + columns - 1) / columns
        let area = box("Keys", width: columns == 1 ? 48 : 78, height: rows + 2, in: &buffer)
        let columnWidth = area.width / columns
        for (index, (key, what)) in Self.keys.enumerated() {
            let x = area.x + (index / rows) * columnWidth
            let y = area.y + index % rows
            guard y < area.y + area.height else { continue }
            buffer.putSafe(key, x: x, y: y, style: .bold, limit: 14)
            buffer.putSafe(what, x: x + 15, y: y, limit: max(columnWidth - 16, 0))
        }
    }

    // MARK: Formatting

    /// `42s`, `5m`, `3h`, `2d` since `date`.
    static func age(_ date: Date, now: Date) -> String {
        let seconds = max(Int(now.timeIntervalSince(date)), 0)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86_400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86_400)d"
    }

    /// `14:05` (minutes and seconds).
    static func clock(_ interval: TimeInterval) -> String {
        let seconds = max(Int(interval), 0)
        let minutes = seconds / 60
        let rest = seconds % 60
        return "\(minutes):" + (rest < 10 ? "0" : "") + "\(rest)"
    }

    /// `2026-11-27 20:05` in UTC.
    static func date(_ date: Date) -> String {
        let text = date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
        return String(text.replacingOccurrences(of: "T", with: " ").prefix(16))
    }
}
