import ArgumentParser
import Federation
import Foundation
import Server

/// `palisade accounts post NAME TEXT`
struct AccountsPostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "post",
        abstract: "Publish a public post (Create{Note}) as a hosted account and queue it to every follower's inbox.",
        discussion: "The running server's delivery worker sends it; prints the post's URL and how many inboxes it was queued to."
    )

    @Argument(help: "The username.")
    var name: String

    @Argument(help: "The text, plain (at most 5000 characters; line breaks are kept).")
    var text: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        try await AccountsContext.with(configuration) { services in
            let post = try await services.outbox.post(account: name, text: text)
            let queued = try await services.deliveries.deliveries(of: post.activityID).count
            print("posted \(post.id); queued to \(queued) inbox\(queued == 1 ? "" : "es")")
        }
    }
}
