import Federation
import Foundation
import PalisadeTesting
import Store
import Testing

/// `palisade deliveries list|retry` on a queue written by the store: an operator sees what is dead and why, and
/// requeues it.
@Suite struct DeliveriesCommandTests {
    @Test func deadDeliveriesAreListedWithTheirErrorAndRequeued() async throws {
        let directory = try TemporaryDirectory("cli-deliveries")
        defer { directory.remove() }
        #expect(try await PalisadeCLI.run(["admin", "init"], in: directory.url).status == 0)
        let store = try SQLiteStore(path: directory.path("data/palisade.sqlite"))
        let activity = "http://127.0.0.1:8080/users/alice/statuses/1/activity"
        let inboxes = ["https://a.example/inbox", "https://b.example/inbox", "https://c.example/inbox"]
        try await store.enqueue(inboxes.map { Delivery(activityID: activity, sender: .account("alice"), inbox: $0, body: Data("{}".utf8)) }, at: Date())
        let jobs = try await store.deliveries(of: activity)
        try await store.finish([(jobs[0].id, .delivered), (jobs[1].id, .dead(error: "403 Forbidden:\tdomain blocked"))], at: Date())
        try store.close()

        let dead = try await PalisadeCLI.run(["deliveries", "list", "--state", "dead"], in: directory.url)
        #expect(dead.status == 0, "\(dead.stderr)")
        let lines = dead.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "pending 1, delivered 1, dead 1")
        #expect(lines.dropFirst() == ["\(jobs[1].id)\tdead\t1\t-\thttps://b.example/inbox\t\(activity)\t403 Forbidden: domain blocked"])

        let notDead = try await PalisadeCLI.run(["deliveries", "retry", String(jobs[0].id)], in: directory.url)
        #expect(notDead.stdout == "requeued 0 dead deliveries\n(1 of the ids given are not dead deliveries and were left as they are)\n")
        let retried = try await PalisadeCLI.run(["deliveries", "retry", "--all-dead"], in: directory.url)
        #expect(retried.stdout == "requeued 1 dead delivery\n")
        let pending = try await PalisadeCLI.run(["deliveries", "list", "--state", "pending"], in: directory.url)
        #expect(pending.stdout.hasPrefix("pending 2, delivered 1, dead 0\n"))
        #expect(pending.stdout.contains("\(jobs[1].id)\tpending\t1\t"), "the attempt count is kept: \(pending.stdout)")

        let neither = try await PalisadeCLI.run(["deliveries", "retry"], in: directory.url)
        #expect(neither.status == 64)
        #expect(neither.stderr.contains("give either delivery ids or --all-dead"))
        let badState = try await PalisadeCLI.run(["deliveries", "list", "--state", "lost"], in: directory.url)
        #expect(badState.status == 64)
        #expect(badState.stderr.contains("lost"))
    }
}
