import ArgumentParser
import Foundation
import ModerationAPI
import ReviewTUI

/// `palisade bench tui`
struct BenchTUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Measure the review UI's render + diff of full frames.",
        discussion: """
            Draws 160×48 frames of a queue of 100,000 cases, the cursor moving one row a frame (the list scrolls), and of a \
            case with 200 statuses, its statuses pane scrolling a line a frame; each frame is rendered from the model \
            (ReviewView.render) and diffed against the previous one (Renderer) into the bytes a terminal would get. \
            Prints p50/p99 per frame and the bytes written. Target: under 2 ms per frame.
            """)

    @Option(help: "Frames per scene.")
    var frames = 2_000

    func validate() throws {
        guard (10...1_000_000).contains(frames) else { throw ValidationError("--frames must be between 10 and 1000000") }
    }

    func run() throws {
        #if DEBUG
        print("warning: this is a debug build; measure with `make release` and .build/release/palisade")
        #endif
        print("palisade bench tui — 160×48 frames, \(frames) per scene, one core")
        let now = Date()
        var list = ReviewModel(width: 160, height: 48, now: now, server: "https://mod.example.org")
        list.me = MeBody(name: "alice", role: "moderator", tenant: "acme", tenantName: "Acme Social", approvalRequired: ["suspend"], claimLeaseSeconds: 900)
        var listing = CaseListing(source: .queue("reports"))
        listing.items = (0..<100_000).map { index in
            CaseSummaryBody(
                id: Int64(index + 1), account: "https://instance\(index % 997).example/users/account_\(index)", domain: "instance\(index % 997).example",
                queue: "reports", priority: 100 - index % 100, state: "open", holder: index % 7 == 0 ? "bob" : nil, claimExpiresAt: nil, reports: 1 + index % 5,
                hits: index % 3, createdAt: now.addingTimeInterval(-Double(index)), updatedAt: now, slaDueAt: now, slaBreached: index % 11 == 0,
                escalatedToRole: nil)
        }
        list.list = listing
        list.screen = .cases
        let listFrames = measure(list, frames: frames) { model in _ = ReviewUpdate.update(&model, .key(.down)) }
        report("100,000-case list, cursor moving", listFrames)

        var detail = list
        let statuses = (0..<200).map { index in
            StatusEvidence(
                id: "https://spam.example/users/bot/statuses/\(index)",
                text: "Status \(index): FREE BTC giveaway!! claim at https://x.example — 漢字 and emoji 😀 in the text, long enough to wrap " + String(repeating: "lorem ipsum ", count: index % 10),
                contentWarning: index % 5 == 0 ? "spoiler" : nil, mediaCount: index % 4, sensitive: index % 8 == 0)
        }
        let report = ReportBody(
            id: 1, source: "webhook", reporter: "https://social.acme.example/users/carol", comment: "spam", category: "spam", instanceRuleIDs: [],
            forwarded: false, statuses: statuses, receivedAt: now)
        let body = CaseDetailBody(
            case: listing.items[0], reports: [report], ruleHits: [], screenedStatuses: [], decisions: [], sanctions: [], priorCases: [], reporters: [], history: [])
        _ = ReviewUpdate.update(&detail, .detail(body))
        _ = ReviewUpdate.update(&detail, .key(.tab))
        let detailFrames = measure(detail, frames: frames) { model in _ = ReviewUpdate.update(&model, .key(.character("j"))) }
        self.report("case with 200 statuses, pane scrolling", detailFrames)
        // Wrapping the pane happens in update, once per change of what it shows (opening it, a content warning opened).
        let clock = ContinuousClock()
        var wraps: [Double] = []
        var toggling = detail
        for _ in 0..<min(frames, 200) {
            let begin = clock.now
            _ = ReviewUpdate.update(&toggling, .key(.character("x")))
            let elapsed = clock.now - begin
            wraps.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        wraps.sort()
        print(String(format: "  re-wrapping the 200 statuses (a content warning opened): p50 %.3f ms, p99 %.3f ms, once per change", percentile(wraps, 0.5), percentile(wraps, 0.99)))
        let worst = max(percentile(listFrames.times, 0.99), percentile(detailFrames.times, 0.99))
        print("target p99 < 2 ms per frame: " + (worst < 2 ? "met" : "NOT met"))
    }

    private struct Frames {
        var times: [Double] = []
        var bytes = 0
    }

    private func measure(_ start: ReviewModel, frames: Int, step: (inout ReviewModel) -> Void) -> Frames {
        var model = start
        let renderer = Renderer(colors: true)
        var previous: ScreenBuffer?
        var result = Frames()
        let clock = ContinuousClock()
        for _ in 0..<frames {
            step(&model)
            let begin = clock.now
            var frame = ScreenBuffer(width: model.width, height: model.height)
            ReviewView.render(model, into: &frame)
            let bytes = renderer.diff(from: previous, to: frame)
            let elapsed = clock.now - begin
            previous = frame
            result.bytes += bytes.utf8.count
            result.times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        result.times.sort()
        return result
    }

    private func report(_ scene: String, _ frames: Frames) {
        print(String(
            format: "  %@: p50 %.3f ms, p99 %.3f ms per frame (render + diff), %d bytes a frame on average", scene, percentile(frames.times, 0.5),
            percentile(frames.times, 0.99), frames.bytes / max(frames.times.count, 1)))
    }

    private func percentile(_ sorted: [Double], _ q: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q))]
    }
}
