import Foundation
import ModerationAPI
import PalisadeTesting
import ReviewTUI
import Testing

/// Whole screens, driven by messages through `update` and drawn by `render`, compared line by line with golden files at
/// 80×24 and 160×48 (`PALISADE_UPDATE_GOLDEN=1` rewrites them). Hostile account names, comments and statuses are in
/// the data: the goldens show them inert.
@Suite struct ReviewScreenTests {
    static let sizes = [(80, 24), (160, 48)]

    func frame(_ model: ReviewModel) -> String {
        var buffer = ScreenBuffer(width: model.width, height: model.height)
        ReviewView.render(model, into: &buffer)
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                if let character = buffer[x, y].character {
                    #expect(!character.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || $0.value == 0x202E })
                }
            }
        }
        return buffer.lines.joined(separator: "\n") + "\n"
    }

    func drive(_ model: inout ReviewModel, _ messages: [ReviewMessage]) -> [ReviewCommand] {
        messages.flatMap { ReviewUpdate.update(&model, $0) }
    }

    @Test(arguments: sizes)
    func queuesOverview(width: Int, height: Int) throws {
        let model = ReviewFixtures.model(width: width, height: height)
        try Golden.expect(frame(model), matches: "ReviewTUITests/Golden/queues-\(width)x\(height).txt")
    }

    @Test(arguments: sizes)
    func aQueuesCases(width: Int, height: Int) throws {
        var model = ReviewFixtures.model(width: width, height: height)
        let commands = drive(&model, [.key(.enter)])
        #expect(commands == [.loadCases(.queue("reports"), sort: .priority, after: nil)])
        _ = drive(&model, [.cases(.queue("reports"), ReviewFixtures.cases, appending: false), .key(.character("j"))])
        try Golden.expect(frame(model), matches: "ReviewTUITests/Golden/cases-\(width)x\(height).txt")
    }

    /// Issue 18: at 50 columns the account still comes first, shortened in the middle, and other columns give way.
    @Test func theCaseListAtFiftyColumns() throws {
        var model = ReviewFixtures.model(width: 50, height: 16)
        let long = ReviewFixtures.summary(47, account: "https://a-very-long-instance-name.example/users/mallory_the_spammer", priority: 20)
        _ = drive(&model, [.key(.enter), .cases(.queue("reports"), ReviewFixtures.cases + [long], appending: false)])
        let screen = try frame(model)
        try Golden.expect(screen, matches: "ReviewTUITests/Golden/cases-50x16.txt")
        #expect(screen.contains("a-very-long-i…y_the_spammer"), "the host's start and the name at the end of the URL stay")
        #expect(ReviewView.shortAccount("https://a-very-long-instance-name.example/users/mallory_the_spammer", width: 24) == "a-very-long…_the_spammer")
        #expect(ReviewView.shortAccount("https://short.example/u/x", width: 24) == "short.example/u/x")
    }

    @Test func aRefusedToken() throws {
        var model = ReviewFixtures.model(width: 80, height: 24)
        _ = drive(&model, [.tokenRefused("the server refused your token: it was revoked, has expired, or belongs to another server")])
        let screen = try frame(model)
        try Golden.expect(screen, matches: "ReviewTUITests/Golden/token-refused-80x24.txt")
        #expect(screen.contains("palisade login https://mod.example.org"))
    }

    @Test(arguments: sizes)
    func aCaseWithItsPanes(width: Int, height: Int) throws {
        var model = ReviewFixtures.model(width: width, height: height)
        _ = drive(&model, [.key(.enter), .cases(.queue("reports"), ReviewFixtures.cases, appending: false)])
        #expect(drive(&model, [.key(.enter)]) == [.loadCase(42)])
        _ = drive(&model, [.detail(ReviewFixtures.detail)])
        try Golden.expect(frame(model), matches: "ReviewTUITests/Golden/case-reports-\(width)x\(height).txt")
        _ = drive(&model, [.key(.tab)])
        try Golden.expect(frame(model), matches: "ReviewTUITests/Golden/case-statuses-\(width)x\(height).txt")
        // The content warning opens, the media placeholders show only when asked.
        _ = drive(&model, [.key(.character("x")), .key(.character("m"))])
        try Golden.expect(frame(model), matches: "ReviewTUITests/Golden/case-statuses-open-\(width)x\(height).txt")
        _ = drive(&model, [.key(.tab)])
        try Golden.expect(frame(model), matches: "ReviewTUITests/Golden/case-hits-\(width)x\(height).txt")
    }

    @Test(arguments: sizes)
    func theDecisionDialogAndItsConfirmation(width: Int, height: Int) throws {
        var model = ReviewFixtures.model(width: width, height: height)
        _ = drive(&model, [.key(.enter), .cases(.queue("reports"), ReviewFixtures.cases, appending: false), .key(.enter), .detail(ReviewFixtures.detail)])
        _ = drive(&model, [.key(.character("d")), .key(.right), .key(.tab)])
        _ = drive(&model, "crypto scam network".map { .key(.character($0)) })
        try Golden.expect(frame(model), matches: "ReviewTUITests/Golden/decide-\(width)x\(height).txt")
        #expect(drive(&model, [.key(.enter)]).isEmpty, "a suspension asks for confirmation first")
        try Golden.expect(frame(model), matches: "ReviewTUITests/Golden/decide-confirm-\(width)x\(height).txt")
    }

    @Test(arguments: sizes)
    func helpAndTheConnectionBanner(width: Int, height: Int) throws {
        var model = ReviewFixtures.model(width: width, height: height)
        _ = drive(&model, [.connection(false), .key(.character("?"))])
        try Golden.expect(frame(model), matches: "ReviewTUITests/Golden/help-offline-\(width)x\(height).txt")
    }
}
