import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Testing

/// `palisade review` in a real terminal (tmux), against a real `palisade serve` on loopback with a case from Mastodon's
/// documented `report.created` webhook: log in, open the queue, claim, decide a suspension (confirmed), and see the case
/// leave the queue; the server shows the decision and its audit rows; the terminal is put back when the UI quits; and
/// no key takes a visible pause to reach the screen, as the UI's own trace records (`palisade bench tui` measures the 16 ms
/// frame target).
@Suite(.serialized) struct ReviewTerminalTests: LoopbackAPI {
    /// Issue 18: an operator's token moderates a tenant it names: `palisade login --tenant SLUG` checks and keeps it,
    /// and every request of `palisade review` names it; without it, login says what is missing.
    @Test func anOperatorLogsInToATenant() async throws {
        let palisade = try LoopbackPalisade("review-operator")
        let directory = palisade.directory
        defer { directory.remove() }
        try await palisade.cli(["admin", "tenants", "add", "acme", "--name", "Acme Social"])
        let added = try await palisade.cli(["admin", "moderators", "add", "olga", "--role", "operator"]).stdout
        let token = try #require(added.split(separator: "\n").last.map(String.init))
        try token.write(toFile: directory.path("token"), atomically: true, encoding: .utf8)
        let server = try await palisade.serve()
        let config = ["XDG_CONFIG_HOME": directory.path("config")]
        let noTenant = try await PalisadeCLI.run(
            ["login", "--server", palisade.base, "--token-file", directory.path("token")], in: directory.url, environment: palisade.environment.merging(config) { $1 })
        #expect(noTenant.status == 1)
        #expect(noTenant.stderr == "Error: this is an operator's token: name the tenant to moderate with --tenant SLUG\n", "\(noTenant.stderr)")
        let login = try await palisade.cli(["login", "--server", palisade.base, "--token-file", directory.path("token"), "--tenant", "acme"], extra: config)
        #expect(login.stdout.hasPrefix("logged in to \(palisade.base) as olga (operator, tenant acme)"), "\(login.stdout)")
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path("config/palisade/credentials")))) as? [String: Any]
        #expect(stored?["tenant"] as? String == "acme")
        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: 30))
    }

    @Test func aModeratorLogsInClaimsAndDecidesInTheTerminal() async throws {
        let palisade = try LoopbackPalisade("review-terminal")
        let directory = palisade.directory
        defer { directory.remove() }
        let base = palisade.base
        let secret = "webhook-secret-0123456789abcdef"
        try await palisade.cli(["admin", "tenants", "add", "acme", "--name", "Acme Social"])
        try await palisade.cli(["admin", "instances", "add", "mastodon.acme.example", "--tenant", "acme", "--actor", "https://mastodon.acme.example/actor",
                                "--webhook-secret", secret, "--decisions", "none"])
        let token = try await palisade.moderator("alice", tenant: "acme")
        let bob = try await palisade.moderator("bob", tenant: "acme")
        let server = try await palisade.serve()
        let body = Data(try Fixtures.text("webhooks/mastodon-report.created.json").utf8)
        #expect(try await palisade.webhook(body, domain: "mastodon.acme.example", secret: secret) == 200)
        // A second report, about another account (the same documented payload, its report id and account changed).
        let second = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\"8437\"", with: "\"8438\"")
            .replacingOccurrences(of: "cheeseperson", with: "spamperson").utf8)
        #expect(try await palisade.webhook(second, domain: "mastodon.acme.example", secret: secret) == 200)

        // palisade login stores the server and token, owner-only.
        let config = directory.path("config")
        try token.write(toFile: directory.path("token"), atomically: true, encoding: .utf8)
        let login = try await palisade.cli(["login", "--server", base, "--token-file", directory.path("token")], extra: ["XDG_CONFIG_HOME": config])
        #expect(login.stdout.hasPrefix("logged in to \(base) as alice (moderator, tenant acme)"))
        let credentials = config + "/palisade/credentials"
        #expect((try FileManager.default.attributesOfItem(atPath: credentials)[.posixPermissions] as? Int) == 0o600)
        let refused = try await PalisadeCLI.run(["login", "--server", base, "--token-file", directory.path("config/palisade/credentials")], in: directory.url,
                                                environment: ["XDG_CONFIG_HOME": directory.path("other")])
        #expect(refused.status != 0)

        let trace = directory.path("trace.txt")
        let executable = try PalisadeCLI.executable.path
        let tmux = try await Tmux(
            width: 120, height: 40,
            command: "cd \(directory.path("")) && env XDG_CONFIG_HOME=\(config) PALISADE_REVIEW_TRACE=\(trace) TERM=xterm-256color \(executable) review; stty -a > \(directory.path("stty.txt"))")
        let context = { "\npalisade:\n\(server.stderr.suffix(3000))" }
        try await tmux.waitFor("Palisade review — Acme Social · alice (moderator)")
        try await tmux.waitFor("reports")
        try await tmux.send("Enter")
        // The account comes first, without its scheme (issue 18).
        try await tmux.waitFor(" someothermastodonsite.com/users/cheeseperson ")
        try await tmux.waitFor(" someothermastodonsite.com/users/spamperson ")
        // Live: when bob claims case 2 elsewhere, it leaves the "available" filter at once.
        try await tmux.send("f")
        try await tmux.waitFor("· available ·")
        #expect(try await call(.POST, base + "/api/v1/moderation/cases/2/claim", token: bob).0 == 200)
        for _ in 0..<200 where (try await tmux.screen()).contains("spamperson") { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!(try await tmux.screen()).contains("spamperson"), "the case bob claimed left the available list")
        try await tmux.send("f")
        try await tmux.send("f")
        try await tmux.waitFor("· all ·")
        try await tmux.send("g")
        try await tmux.send("c")
        try await tmux.waitFor("case 1: claimed")
        try await tmux.send("Enter")
        let opened = try await tmux.waitFor("Case 1 ")
        #expect(opened.contains("claimed by you"))
        #expect(opened.contains("● webhook from") && opened.contains("violation"), "\(opened)")
        // The reported status's text, fetched by the webhook intake, in the statuses pane.
        try await tmux.send("Tab")
        try await tmux.waitFor("Here is some content")
        try await tmux.send("d")
        try await tmux.waitFor("Decide case 1")
        try await tmux.send("Right")
        try await tmux.send("Tab")
        try await tmux.send("a spam network", literal: true)
        try await tmux.send("Enter")
        try await tmux.waitFor("This is severe")
        try await tmux.send("Enter")
        try await tmux.waitFor("case 1: decided")
        try await tmux.send("q")
        let list = try await tmux.waitFor("1 case")
        #expect(!list.contains("cheeseperson"), "the decided case left the queue")
        #expect(list.contains("spamperson"))

        // A resize redraws at the new size (SIGWINCH); ctrl-z puts the terminal back and stops the process, SIGCONT
        // brings the UI back.
        try await tmux.resize(width: 80, height: 24)
        let narrow = try await tmux.waitFor("q back")
        #expect(narrow.split(separator: "\n").allSatisfy { $0.count <= 80 })
        let shell = try await tmux.panePID()
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let review = try #require(children.split(separator: " ").compactMap { pid_t($0) }.first)
        try await tmux.send("C-z")
        for _ in 0..<100 {
            let state = (try? String(contentsOfFile: "/proc/\(review)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            if state == "T" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect((try String(contentsOfFile: "/proc/\(review)/stat", encoding: .utf8)).split(separator: " ").dropFirst(2).first == "T", "stopped")
        #expect(!(try await tmux.screen()).contains("Palisade review"), "the main screen is back while suspended")
        kill(review, SIGCONT)
        try await tmux.waitFor("Palisade review — Acme Social")

        // The server has the decision and its audit rows.
        let (_, detail) = try await call(.GET, base + "/api/v1/moderation/cases/1", token: token)
        #expect((detail["case"] as? [String: Any])?["state"] as? String == "decided", "\(context())")
        let decision = try #require((detail["decisions"] as? [[String: Any]])?.first)
        #expect(decision["reason"] as? String == "a spam network")
        #expect((decision["actions"] as? [[String: Any]])?.first?["action"] as? String == "suspend")
        let (_, history) = try await call(.GET, base + "/api/v1/moderation/cases/1/history", token: token)
        #expect((history["history"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["intake", "claim", "decision"])
        let (_, other) = try await call(.GET, base + "/api/v1/moderation/cases/2", token: token)
        #expect((other["case"] as? [String: Any])?["holder"] as? String == "bob")
        #expect(try await palisade.cli(["admin", "audit", "verify"]).stdout.hasPrefix("audit log intact: "))

        // Quit, and the terminal is as it was: echo and line editing back.
        try await tmux.send("q")
        try await tmux.send("q")
        for _ in 0..<100 where !(try await tmux.exited()) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await tmux.exited())
        let stty = try String(contentsOfFile: directory.path("stty.txt"), encoding: .utf8)
        #expect(stty.contains(" icanon") && stty.contains(" echo"), "\(stty)")

        let times = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").compactMap { Double($0.split(separator: " ").last ?? "") }.sorted()
        #expect(times.count >= 20)
        let p99 = times[min(times.count - 1, Int(Double(times.count - 1) * 0.99))]
        // The 16 ms frame target is a benchmark (`palisade bench tui`, BENCHMARKS.md), not a timed test: here the suite
        // shares 2 cores with every other test, so a key may wait for a core, and keys typed together share one frame
        // (the trace then repeats its time). What this test holds is that no key takes a visible pause.
        #expect(times[times.count / 2] < 50, "keypress to frame: \(times)")
        #expect(p99 < 250, "keypress to frame: \(times)")
        print(String(format: "review keypress to frame over %d keys: median %.2f ms, p99 %.2f ms, max %.2f ms", times.count, times[times.count / 2], p99, times.last ?? 0))
        await tmux.stop()
        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: 30))
    }

    /// Issue 18, end to end in tmux: a second moderator approves a proposal (shown in full, confirmed, Esc first to
    /// prove it cancels) and rejects another with a reason; a search finds the decided case; a server that dies shows
    /// the banner within 2 s and a restarted one clears it; a revoked token shows the "log in again" screen.
    @Test func approveWithConfirmationRejectSearchAndTheConnection() async throws {
        let palisade = try LoopbackPalisade("review-approve")
        let directory = palisade.directory
        defer { directory.remove() }
        let base = palisade.base
        let secret = "webhook-secret-0123456789abcdef"
        try await palisade.cli(["admin", "tenants", "add", "acme", "--name", "Acme Social", "--require-approval", "suspend"])
        try await palisade.cli(["admin", "instances", "add", "mastodon.acme.example", "--tenant", "acme", "--actor", "https://mastodon.acme.example/actor",
                                "--webhook-secret", secret, "--decisions", "none"])
        let alice = try await palisade.moderator("alice", tenant: "acme")
        let bob = try await palisade.moderator("bob", tenant: "acme")
        var server = try await palisade.serve()
        let body = Data(try Fixtures.text("webhooks/mastodon-report.created.json").utf8)
        #expect(try await palisade.webhook(body, domain: "mastodon.acme.example", secret: secret) == 200)
        let second = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\"8437\"", with: "\"8438\"")
            .replacingOccurrences(of: "cheeseperson", with: "spamperson").utf8)
        #expect(try await palisade.webhook(second, domain: "mastodon.acme.example", secret: secret) == 200)
        // Bob proposes a suspension on each case; a suspension needs a second moderator.
        for id in [1, 2] {
            let cases = base + "/api/v1/moderation/cases/\(id)"
            #expect(try await call(.POST, cases + "/claim", token: bob).0 == 200)
            let (status, proposal) = try await call(.POST, cases + "/decisions", token: bob, json: #"{"action": "suspend", "reason": "spam network"}"#)
            #expect(status == 201 && (proposal["case"] as? [String: Any])?["state"] as? String == "awaiting_approval", "\(proposal)")
        }

        let config = directory.path("config")
        try alice.write(toFile: directory.path("token"), atomically: true, encoding: .utf8)
        try await palisade.cli(["login", "--server", base, "--token-file", directory.path("token")], extra: ["XDG_CONFIG_HOME": config])
        let tmux = try await Tmux(
            width: 140, height: 40,
            command: "cd \(directory.path("")) && env XDG_CONFIG_HOME=\(config) TERM=xterm-256color \(try PalisadeCLI.executable.path) review")
        try await tmux.waitFor("Palisade review — Acme Social · alice (moderator)")
        try await tmux.send("A")
        try await tmux.waitFor("approvals · active · by age")
        try await tmux.waitFor("spamperson")
        try await tmux.send("Enter")
        try await tmux.waitFor("Case 1 ")
        try await tmux.send("a")
        let asked = try await tmux.waitFor("Approve suspend https://someothermastodonsite.com/users/cheeseperson proposed by bob")
        #expect(asked.contains("Approve suspend"), "\(asked)")
        // Esc cancels: nothing is approved.
        try await tmux.send("Escape")
        for _ in 0..<100 where (try await tmux.screen()).contains("Approve suspend") { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try await call(.GET, base + "/api/v1/moderation/cases/1", token: alice).1["case"].flatMap { ($0 as? [String: Any])?["state"] as? String } == "awaiting_approval")
        try await tmux.send("a")
        try await tmux.waitFor("Approve suspend")
        try await tmux.send("Enter")
        try await tmux.waitFor("case 1: approved")
        try await tmux.send("q")
        try await tmux.waitFor("1 case")
        try await tmux.send("Enter")
        try await tmux.waitFor("Case 2 ")
        try await tmux.send("X")
        try await tmux.waitFor("Reject the proposal, reason:")
        try await tmux.send("not enough evidence", literal: true)
        try await tmux.send("Enter")
        try await tmux.waitFor("case 2: proposal rejected")

        let (_, first) = try await call(.GET, base + "/api/v1/moderation/cases/1", token: alice)
        #expect((first["case"] as? [String: Any])?["state"] as? String == "decided")
        #expect((first["decisions"] as? [[String: Any]])?.first?["approved_by"] as? String == "alice")
        let (_, rejected) = try await call(.GET, base + "/api/v1/moderation/cases/2", token: alice)
        #expect((rejected["case"] as? [String: Any])?["state"] as? String != "awaiting_approval", "\(rejected["case"] ?? "")")
        #expect((rejected["decisions"] as? [[String: Any]])?.first?["state"] as? String == "rejected")

        // A search finds the decided case by its handle, and by its number.
        try await tmux.send("q")
        try await tmux.send("q")
        try await tmux.send("/")
        try await tmux.send("cheeseperson", literal: true)
        try await tmux.send("Enter")
        let found = try await tmux.waitFor("search: cheeseperson · all")
        try await tmux.waitFor("decided")
        #expect(!found.contains("spamperson"))
        try await tmux.send("q")
        try await tmux.send("/")
        try await tmux.send("#2", literal: true)
        try await tmux.send("Enter")
        try await tmux.waitFor("search: #2 · all")
        try await tmux.waitFor("spamperson")

        // The server dies: the banner shows within 2 s (the event stream's heartbeat stops); back, it clears.
        server.send(SIGKILL)
        let died = Date()
        try await tmux.waitFor("connection lost", timeout: 10)
        let shown = Date().timeIntervalSince(died)
        #expect(shown < 2.5, "the banner took \(shown) s")
        server = try await palisade.serve()
        for _ in 0..<200 where (try await tmux.screen()).contains("connection lost") { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!(try await tmux.screen()).contains("connection lost"), "reconnected")

        // Alice's token is revoked: the UI says to log in again instead of showing empty lists.
        try await palisade.cli(["admin", "moderators", "revoke", "alice"])
        let screen = try await tmux.waitFor("Log in again", timeout: 15)
        #expect(screen.contains("palisade login \(base)"))
        try await tmux.send("q")
        for _ in 0..<100 where !(try await tmux.exited()) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await tmux.exited())
        await tmux.stop()
        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: 30))
    }
}
