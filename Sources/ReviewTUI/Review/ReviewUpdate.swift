import Foundation
import ModerationAPI

/// The review UI's logic: a message changes the model and asks for commands. Pure: no I/O, no clock but the model's.
public enum ReviewUpdate {
    /// A page of cases asked of the server.
    public static let pageSize = 500
    /// A claim this close to its end is renewed by the moderator's next key.
    static let renewWithin: TimeInterval = 300
    /// A claim this close to its end is shown as a warning.
    public static let warnWithin: TimeInterval = 60
    /// How often the deliveries pane reloads its case while deliveries are under way.
    static let deliveriesRefresh: TimeInterval = 2

    /// What to do first: who am I, which queues.
    public static func start() -> [ReviewCommand] { [.loadMe, .loadQueues] }

    /// Applies `message` to `model`; returns what the runtime must do.
    public static func update(_ model: inout ReviewModel, _ message: ReviewMessage) -> [ReviewCommand] {
        let commands = apply(message, to: &model)
        // The open case's front pane is wrapped here, when what it shows changed, not at every frame.
        if var open = model.open {
            let key = open.key(width: model.width - 2)
            if open.linesKey != key {
                open.lines = ReviewView.paneLines(open, model: model, width: model.width - 2)
                open.linesKey = key
                model.open = open
            }
        }
        return commands
    }

    private static func apply(_ message: ReviewMessage, to model: inout ReviewModel) -> [ReviewCommand] {
        switch message {
        case .resize(let width, let height):
            model.width = width
            model.height = height
            clampLists(&model)
            return []
        case .tick(let now):
            model.now = now
            // The deliveries pane follows deliveries under way: the case reloads every 2 s while any is queued.
            if let open = model.open, model.screen == .detail, open.pane == .deliveries, !model.disconnected,
                open.detail.deliveries.contains(where: { $0.state == "queued" }),
                model.openLoadedAt.map({ now.timeIntervalSince($0) >= deliveriesRefresh }) ?? true
            {
                model.openLoadedAt = now
                return [.loadCase(open.detail.case.id)]
            }
            return []
        case .me(let me):
            model.me = me
            return []
        case .queues(let queues):
            model.queues = queues
            model.queueSelected = min(model.queueSelected, max(queues.count - 1, 0))
            return []
        case .cases(let source, let items, let appending):
            guard var list = model.list, list.source == source else { return [] }
            list.items = appending ? list.items + items : items
            list.more = items.count == pageSize
            list.loading = false
            model.list = list
            clampLists(&model)
            return []
        case .detail(let detail):
            if var open = model.open, open.detail.case.id == detail.case.id {
                open.detail = detail
                open.revision += 1
                model.open = open
            } else if model.wantedCase == detail.case.id {
                model.open = CaseView(detail: detail)
                model.screen = .detail
            } else {
                // A late answer about a case the moderator has left, or never asked for.
                return []
            }
            model.wantedCase = nil
            model.openLoadedAt = model.now
            return []
        case .done(let transition, let what):
            model.status = "case \(transition.case.id): \(what)"
            replace(transition.case, in: &model)
            if let dialog = model.dialog, dialog.caseID == transition.case.id, what.hasPrefix("decided") || what.hasPrefix("proposed") {
                model.dialog = nil
                if dialog.andNext, case .queue(let queue)? = model.list?.source {
                    return [.loadCase(transition.case.id), .claimNext(queue: queue)]
                }
            }
            if what == "claimed next" {
                model.wantedCase = transition.case.id
                return [.loadCase(transition.case.id)]
            }
            // "Claim and decide": the claim landed, so the decision dialog opens on the case.
            if what == "claimed", model.decidingAfterClaim == transition.case.id {
                model.decidingAfterClaim = nil
                if let open = model.open, open.detail.case.id == transition.case.id { model.dialog = decisionDialog(for: open.detail, model: model) }
            }
            return model.open?.detail.case.id == transition.case.id ? [.loadCase(transition.case.id)] : []
        case .noted(let id):
            model.status = "case \(id): note added"
            return model.open?.detail.case.id == id ? [.loadCase(id)] : []
        case .failed(let reason):
            // The dialog or prompt stays open with what was typed, so a retry needs no retyping.
            if let dialog = model.dialog, dialog.confirming { model.dialog?.confirming = false }
            model.decidingAfterClaim = nil
            model.status = "error: " + reason
            return []
        case .tokenRefused(let reason):
            model.tokenRefused = reason
            model.dialog = nil
            model.prompt = nil
            return []
        case .connection(let up):
            let was = model.disconnected
            model.disconnected = !up
            if !up { model.decidingAfterClaim = nil }
            if up && was { return reload(model) }
            return []
        case .event(let event):
            return apply(event, to: &model)
        case .key(let key):
            return handle(key, &model)
        }
    }

    // MARK: Live events

    private static func apply(_ event: CaseChangeEvent, to model: inout ReviewModel) -> [ReviewCommand] {
        var commands: [ReviewCommand] = []
        if var list = model.list, let index = list.items.firstIndex(where: { $0.id == event.caseID }) {
            list.items[index].state = event.state
            list.items[index].holder = event.holder
            list.items[index].queue = event.queue
            // A case claimed by someone else leaves "available" at once; one that left the queue (or, in the list of
            // active cases, stopped being active) leaves the list.
            let active = ["open", "escalated", "reopened", "awaiting_approval"].contains(event.state)
            if case .queue(let queue) = list.source, event.queue != queue || (list.states == .active && !active) {
                list.items.remove(at: index)
            }
            model.list = list
            clampLists(&model)
        } else if case .queue(let queue)? = model.list?.source, event.queue == queue, event.kind == "intake" {
            commands.append(.loadCases(.queue(queue), sort: model.list!.sort, after: nil, states: model.list!.states))
        }
        if model.screen == .queues { commands.append(.loadQueues) }
        if model.open?.detail.case.id == event.caseID, event.actor != model.me?.name { commands.append(.loadCase(event.caseID)) }
        return commands
    }

    // MARK: Keys

    private static func handle(_ key: Key, _ model: inout ReviewModel) -> [ReviewCommand] {
        if key == .control("c") {
            model.quitting = true
            return [.quit]
        }
        // A refused token leaves nothing to do here but leave and log in again.
        if model.tokenRefused != nil {
            if key == .character("q") || key == .escape || key == .enter {
                model.quitting = true
                return [.quit]
            }
            return []
        }
        if model.help {
            if key == .character("?") || key == .escape || key == .character("q") { model.help = false }
            return []
        }
        if model.prompt != nil { return promptKey(key, &model) }
        if model.dialog != nil { return dialogKey(key, &model) }
        if key == .character("?") {
            model.help = true
            return []
        }
        var commands: [ReviewCommand]
        switch model.screen {
        case .queues: commands = queuesKey(key, &model)
        case .cases: commands = casesKey(key, &model)
        case .detail: commands = detailKey(key, &model)
        }
        // Activity on a case one holds renews its claim when the lease is running out.
        if let open = model.open, model.screen == .detail, let me = model.me?.name, open.detail.case.holder == me,
            let expires = open.detail.case.claimExpiresAt, expires.timeIntervalSince(model.now) < renewWithin,
            open.renewedAt.map({ model.now.timeIntervalSince($0) > 30 }) ?? true, !commands.contains(.release(open.detail.case.id))
        {
            model.open?.renewedAt = model.now
            commands.append(.renew(open.detail.case.id))
        }
        return commands
    }

    private static func queuesKey(_ key: Key, _ model: inout ReviewModel) -> [ReviewCommand] {
        switch key {
        case .character("q"), .escape:
            model.quitting = true
            return [.quit]
        case .character("j"), .down: model.queueSelected = min(model.queueSelected + 1, max(model.queues.count - 1, 0))
        case .character("k"), .up: model.queueSelected = max(model.queueSelected - 1, 0)
        case .character("g"), .home: model.queueSelected = 0
        case .character("G"), .end: model.queueSelected = max(model.queues.count - 1, 0)
        case .enter:
            guard model.queues.indices.contains(model.queueSelected) else { return [] }
            return openList(.queue(model.queues[model.queueSelected].name), &model)
        case .character("c"):
            guard model.queues.indices.contains(model.queueSelected) else { return [] }
            let queue = model.queues[model.queueSelected].name
            model.list = CaseListing(source: .queue(queue))
            return [.loadCases(.queue(queue), sort: .priority, after: nil, states: .active), .claimNext(queue: queue)]
        case .character("A"): return openList(.approvals, &model)
        case .character("/"): model.prompt = Prompt(purpose: .search)
        case .character("R"): return [.loadQueues]
        default: break
        }
        return []
    }

    private static func openList(_ source: CaseListSource, _ model: inout ReviewModel) -> [ReviewCommand] {
        var list = CaseListing(source: source)
        list.loading = true
        if case .approvals = source { list.sort = .age }
        model.list = list
        model.screen = .cases
        return [.loadCases(source, sort: list.sort, after: nil, states: list.states)]
    }

    private static func casesKey(_ key: Key, _ model: inout ReviewModel) -> [ReviewCommand] {
        guard var list = model.list else {
            model.screen = .queues
            return []
        }
        let rows = list.visible(me: model.me?.name)
        let page = max(model.bodyHeight - 2, 1)
        var commands: [ReviewCommand] = []
        switch key {
        case .character("q"), .escape:
            model.screen = .queues
            model.list = nil
            return [.loadQueues]
        case .character("j"), .down: list.selected += 1
        case .character("k"), .up: list.selected -= 1
        case .pageDown, .control("f"): list.selected += page
        case .pageUp, .control("b"): list.selected -= page
        case .character("g"), .home: list.selected = 0
        case .character("G"), .end: list.selected = rows.count - 1
        case .character("s"):
            list.sort = list.sort == .priority ? .age : .priority
            list.selected = 0
            list.loading = true
            commands.append(.loadCases(list.source, sort: list.sort, after: nil, states: list.states))
        case .character("v") where list.source == .approvals:
            model.status = "the approvals list shows proposals awaiting approval only"
        case .character("v"):
            // Which states the list shows: active, decided, closed, every one.
            let all = CaseListing.States.allCases
            list.states = all[(all.firstIndex(of: list.states)! + 1) % all.count]
            list.selected = 0
            list.top = 0
            list.items = []
            list.loading = true
            commands.append(.loadCases(list.source, sort: list.sort, after: nil, states: list.states))
        case .character("f"):
            let all = CaseListing.Filter.allCases
            list.filter = all[(all.firstIndex(of: list.filter)! + 1) % all.count]
            list.selected = 0
        case .enter:
            if rows.indices.contains(list.selected) {
                model.wantedCase = rows[list.selected].id
                commands.append(.loadCase(rows[list.selected].id))
            }
        case .character("c"):
            if rows.indices.contains(list.selected) { commands.append(.claim(rows[list.selected].id)) }
        case .character("r"):
            if rows.indices.contains(list.selected) { commands.append(.release(rows[list.selected].id)) }
        case .character("/"): model.prompt = Prompt(purpose: .search)
        default: break
        }
        list.selected = max(0, min(list.selected, rows.count - 1))
        // Near the end of what is loaded, the next page is asked for.
        if list.more, !list.loading, list.selected >= list.items.count - page, let last = list.items.last {
            list.loading = true
            commands.append(.loadCases(list.source, sort: list.sort, after: last.id, states: list.states))
        }
        model.list = list
        clampLists(&model)
        return commands
    }

    private static func detailKey(_ key: Key, _ model: inout ReviewModel) -> [ReviewCommand] {
        guard var open = model.open else {
            model.screen = model.list == nil ? .queues : .cases
            return []
        }
        let id = open.detail.case.id
        let panes = Pane.allCases
        var commands: [ReviewCommand] = []
        switch key {
        case .character("q"), .escape:
            model.screen = model.list == nil ? .queues : .cases
            model.open = nil
            model.decidingAfterClaim = nil
            if let list = model.list { return [.loadCases(list.source, sort: list.sort, after: nil, states: list.states)] }
            return [.loadQueues]
        case .tab: open.pane = panes[(panes.firstIndex(of: open.pane)! + 1) % panes.count]
        case .backTab: open.pane = panes[(panes.firstIndex(of: open.pane)! + panes.count - 1) % panes.count]
        case .character("j"), .down: open.scroll[open.pane, default: 0] += 1
        case .character("k"), .up: open.scroll[open.pane, default: 0] = max(0, open.scroll[open.pane, default: 0] - 1)
        case .pageDown, .control("f"): open.scroll[open.pane, default: 0] += max(model.bodyHeight - 6, 1)
        case .pageUp, .control("b"): open.scroll[open.pane, default: 0] = max(0, open.scroll[open.pane, default: 0] - max(model.bodyHeight - 6, 1))
        case .character("g"), .home: open.scroll[open.pane] = 0
        case .character("G"), .end: open.scroll[open.pane] = Int.max / 2
        case .character("x"):
            // Content warnings of the statuses in view open and close together.
            let ids = Set(statuses(open.detail).map(\.id))
            open.openWarnings = open.openWarnings.isSuperset(of: ids) ? [] : ids
        case .character("m"):
            let ids = Set(statuses(open.detail).filter { $0.mediaCount > 0 }.map(\.id))
            open.shownMedia = open.shownMedia.isSuperset(of: ids) ? [] : ids
        case .character("c"): commands.append(.claim(id))
        case .character("r"): commands.append(.release(id))
        case .character("d"):
            // Decide what you may (issue 18): the role and the claim are checked before the dialog opens.
            let summary = open.detail.case
            let heldBy = summary.holder.flatMap { holder in summary.claimExpiresAt.map { $0 > model.now } ?? true ? holder : nil }
            if !mayAct(model, as: "moderator") {
                model.status = "a triage moderator cannot decide: escalate it (e) or add a note (n)"
            } else if heldBy == nil {
                model.prompt = Prompt(purpose: .claimAndDecide(id))
            } else if let heldBy, heldBy != model.me?.name {
                model.status = "case \(id) is claimed by \(heldBy): only they can decide it while the claim lasts"
            } else {
                model.dialog = decisionDialog(for: open.detail, model: model)
            }
        case .character("C"):
            if mayAct(model, as: "moderator") { model.prompt = Prompt(purpose: .close(id)) } else { model.status = "a triage moderator cannot close a case" }
        case .character("p"):
            if mayAct(model, as: "moderator") { model.prompt = Prompt(purpose: .appeal(id)) } else { model.status = "a triage moderator cannot record an appeal" }
        case .character("u"):
            if mayAct(model, as: "moderator") { model.prompt = Prompt(purpose: .reverse(id)) } else { model.status = "a triage moderator cannot reverse a decision" }
        case .character("a"):
            // Approving is a decision, not a keystroke (issue 18): what is approved is shown, and confirmed.
            if let proposed = open.detail.decisions.last(where: { $0.state == "proposed" }) {
                model.prompt = Prompt(purpose: .approve(id, decision: proposed.id, summary: approvalSummary(proposed, account: open.detail.case.account)))
            } else {
                model.status = "nothing to approve on case \(id)"
            }
        case .character("X"):
            if let proposed = open.detail.decisions.last(where: { $0.state == "proposed" }) {
                model.prompt = Prompt(purpose: .reject(id, decision: proposed.id))
            } else {
                model.status = "nothing to reject on case \(id)"
            }
        case .character("e"): model.prompt = Prompt(purpose: .escalate(id))
        case .character("n"): model.prompt = Prompt(purpose: .note(id))
        case .character("/"): model.prompt = Prompt(purpose: .search)
        default: break
        }
        model.open = open
        return commands
    }

    /// Whether the moderator's role is at least `role` (`triage` < `moderator` < `admin` < `operator`); true while
    /// the role is not known yet (the server checks anyway).
    static func mayAct(_ model: ReviewModel, as role: String) -> Bool {
        let order = ["triage", "moderator", "admin", "operator"]
        guard let mine = model.me?.role, let have = order.firstIndex(of: mine), let need = order.firstIndex(of: role) else { return true }
        return have >= need
    }

    /// The decision dialog for a case: silence preselected, the rule ids of its hits filled in.
    static func decisionDialog(for detail: CaseDetailBody, model: ReviewModel) -> DecisionDialog {
        var dialog = DecisionDialog(caseID: detail.case.id, domain: detail.case.domain, templates: model.me?.reasonTemplates ?? [])
        dialog.action = 2
        var seen: Set<String> = []
        dialog.rules = detail.ruleHits.map(\.ruleID).filter { seen.insert($0).inserted }.joined(separator: ", ")
        return dialog
    }

    /// What an approval puts in force, in one line: each action with its target and flags, who proposed it and why.
    public static func approvalSummary(_ decision: DecisionBody, account: String) -> String {
        let actions = decision.actions.map { action -> String in
            var words = action.action + " " + (action.domain ?? account)
            if let severity = action.severity { words += " (severity \(severity))" }
            if action.rejectMedia == true { words += " rejecting media" }
            if action.rejectReports == true { words += " rejecting reports" }
            return words
        }
        return actions.joined(separator: ", ") + " proposed by \(decision.by): \"\(decision.reason)\""
    }

    private static func promptKey(_ key: Key, _ model: inout ReviewModel) -> [ReviewCommand] {
        guard var prompt = model.prompt else { return [] }
        switch key {
        case .escape:
            model.prompt = nil
            return []
        case .enter:
            if prompt.confirms {
                model.prompt = nil
                switch prompt.purpose {
                case .newQueue(let id, let queue): return [.escalate(id, queue: queue, newQueue: true)]
                case .approve(let id, let decision, _): return [.approve(id, decision: decision)]
                case .close(let id): return [.close(id)]
                case .claimAndDecide(let id):
                    model.decidingAfterClaim = id
                    return [.claim(id)]
                default: return []
                }
            }
            let text = prompt.text.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return [] }
            model.prompt = nil
            switch prompt.purpose {
            case .note(let id): return [.note(id, text)]
            case .escalate(let id):
                // A queue the tenant does not have is a typo until said otherwise (issue 18).
                guard model.queues.contains(where: { $0.name == text }) else {
                    model.prompt = Prompt(purpose: .newQueue(id, text))
                    return []
                }
                return [.escalate(id, queue: text, newQueue: false)]
            case .search: return openList(.search(text), &model)
            case .reject(let id, let decision): return [.reject(id, decision: decision, reason: text)]
            case .appeal(let id): return [.appeal(id, statement: text)]
            case .reverse(let id): return [.reverse(id, reason: text)]
            case .newQueue, .approve, .close, .claimAndDecide: return []
            }
        default:
            // A confirmation takes no typing; a text prompt edits its line.
            guard !prompt.confirms else { return [] }
            _ = LineEditing.apply(key, to: &prompt.text, cursor: &prompt.cursor)
        }
        model.prompt = prompt
        return []
    }

    private static func dialogKey(_ key: Key, _ model: inout ReviewModel) -> [ReviewCommand] {
        guard var dialog = model.dialog else { return [] }
        let fields = DecisionDialog.Field.allCases
        let cursorKeys: Set<Key> = [.left, .right, .home, .end, .wordLeft, .wordRight, .delete, .control("a"), .control("e"), .control("w"), .control("u")]
        if dialog.field == .reason, !dialog.reason.isEmpty, cursorKeys.contains(key) {
            // Typed text is edited where the cursor is; the templates are then on PgUp/PgDn.
            _ = LineEditing.apply(key, to: &dialog.reason, cursor: &dialog.reasonCursor)
            dialog.confirming = false
            model.dialog = dialog
            return []
        }
        if dialog.field == .reason, key == .pageUp || key == .pageDown {
            let count = dialog.templates.count
            let step = key == .pageDown ? 1 : -1
            dialog.template = ((dialog.template ?? (step > 0 ? -1 : 0)) + step + count) % count
            dialog.reason = ""
            dialog.reasonCursor = nil
            dialog.confirming = false
            model.dialog = dialog
            return []
        }
        switch key {
        case .escape:
            if dialog.confirming {
                dialog.confirming = false
            } else {
                model.dialog = nil
                return []
            }
        case .tab, .down, .backTab, .up:
            // The defederation's form is a field only while the action is a defederation.
            let step = key == .tab || key == .down ? 1 : fields.count - 1
            repeat {
                dialog.field = fields[(dialog.field.rawValue + step) % fields.count]
            } while dialog.field == .defederation && dialog.actionName != "defederate"
        case .left, .right:
            let step = key == .right ? 1 : -1
            switch dialog.field {
            case .action: dialog.action = (dialog.action + step + DecisionDialog.actions.count) % DecisionDialog.actions.count
            case .category: dialog.category = (dialog.category + step + DecisionDialog.categories.count) % DecisionDialog.categories.count
            case .expiry: dialog.expiry = (dialog.expiry + step + DecisionDialog.expiries.count) % DecisionDialog.expiries.count
            case .defederation:
                dialog.defederation = (dialog.defederation + step + DecisionDialog.defederations.count) % DecisionDialog.defederations.count
            case .reason:
                let count = dialog.templates.count
                dialog.template = ((dialog.template ?? (step > 0 ? -1 : 0)) + step + count) % count
            case .rules: break
            }
            dialog.confirming = false
        case .enter, .control("n"):
            dialog.andNext = key == .control("n")
            guard !dialog.reasonText.trimmingCharacters(in: .whitespaces).isEmpty else {
                model.status = "a decision needs a reason: type one, or pick a template with ←/→"
                dialog.field = .reason
                model.dialog = dialog
                return []
            }
            if dialog.severe && !dialog.confirming {
                dialog.confirming = true
                model.dialog = dialog
                return []
            }
            model.dialog = dialog
            return [.decide(dialog.caseID, request(dialog, now: model.now))]
        case .backspace:
            switch dialog.field {
            case .reason: _ = LineEditing.apply(key, to: &dialog.reason, cursor: &dialog.reasonCursor)
            case .rules: if !dialog.rules.isEmpty { dialog.rules.removeLast() }
            default: break
            }
        case .character(let character):
            switch dialog.field {
            case .reason:
                // Typing after picking a template adds to it (issue 18), rather than starting over.
                if dialog.reason.isEmpty, let template = dialog.template { dialog.reason = dialog.templates[template] + " " }
                _ = LineEditing.apply(key, to: &dialog.reason, cursor: &dialog.reasonCursor)
            case .rules: dialog.rules.append(character)
            case .action:
                if let digit = character.wholeNumberValue, (1...DecisionDialog.actions.count).contains(digit) { dialog.action = digit - 1 }
            default: break
            }
            dialog.confirming = false
        case .paste:
            if dialog.field == .reason {
                if dialog.reason.isEmpty, let template = dialog.template { dialog.reason = dialog.templates[template] + " " }
                _ = LineEditing.apply(key, to: &dialog.reason, cursor: &dialog.reasonCursor)
            }
        default: break
        }
        model.dialog = dialog
        return []
    }

    /// The API request the dialog makes.
    public static func request(_ dialog: DecisionDialog, now: Date) -> DecisionRequest {
        let expires = DecisionDialog.expiries[dialog.expiry].map { now.addingTimeInterval(TimeInterval($0) * 3600) }
        let rules = dialog.rules.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        let category = DecisionDialog.categories[dialog.category]
        if dialog.actionName == "defederate" {
            let form = DecisionDialog.defederations[dialog.defederation]
            return DecisionRequest(
                actions: [ActionBody(action: "defederate", domain: dialog.domain, severity: form.severity, rejectMedia: form.rejectMedia, rejectReports: form.rejectReports)],
                reason: dialog.reasonText, category: category, ruleIDs: rules, expiresAt: expires)
        }
        return DecisionRequest(action: dialog.actionName, reason: dialog.reasonText, category: category, ruleIDs: rules, expiresAt: expires)
    }

    // MARK: Helpers

    /// The statuses of a case: each report's, then the screened ones, without repeats.
    public static func statuses(_ detail: CaseDetailBody) -> [StatusEvidence] {
        var seen: Set<String> = []
        return (detail.reports.flatMap(\.statuses) + detail.screenedStatuses).filter { seen.insert($0.id).inserted }
    }

    private static func replace(_ summary: CaseSummaryBody, in model: inout ReviewModel) {
        if let index = model.list?.items.firstIndex(where: { $0.id == summary.id }) { model.list?.items[index] = summary }
        if model.open?.detail.case.id == summary.id {
            model.open?.detail.case = summary
            model.open?.revision += 1
        }
    }

    private static func reload(_ model: ReviewModel) -> [ReviewCommand] {
        var commands: [ReviewCommand] = [.loadQueues]
        if let list = model.list { commands.append(.loadCases(list.source, sort: list.sort, after: nil, states: list.states)) }
        if let open = model.open { commands.append(.loadCase(open.detail.case.id)) }
        return commands
    }

    /// Keeps each list's cursor on a row and in view.
    static func clampLists(_ model: inout ReviewModel) {
        guard var list = model.list else { return }
        let rows = list.visible(me: model.me?.name).count
        let visible = max(model.bodyHeight - 2, 1)
        list.selected = max(0, min(list.selected, rows - 1))
        if list.selected < list.top { list.top = list.selected }
        if list.selected >= list.top + visible { list.top = list.selected - visible + 1 }
        list.top = max(0, min(list.top, max(rows - visible, 0)))
        model.list = list
    }
}
