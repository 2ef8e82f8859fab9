import ArgumentParser
import Federation
import Foundation
import Server

/// `palisade accounts followers NAME [--pending]`
struct AccountsFollowersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followers", abstract: "List an account's followers (or its pending follow requests), one actor per line.")

    @Argument(help: "The username.")
    var name: String

    @Flag(help: "List follow requests waiting for approval instead.")
    var pending = false

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        try await AccountsContext.with(configuration) { services in
            var offset = 0
            var printed = 0
            while true {
                let page = try await services.follows.list(account: name.lowercased(), state: pending ? .pending : .accepted, offset: offset)
                for follower in page {
                    print("\(printable(follower.actorID))\t\(follower.createdAt.formatted(.iso8601))")
                }
                printed += page.count
                offset += page.count
                if page.isEmpty { break }
            }
            if printed == 0 { print(pending ? "no pending follow requests" : "no followers") }
        }
    }
}

/// `palisade accounts approve NAME ACTOR`
struct AccountsApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a pending follow request: the actor becomes a follower and is sent an Accept.")

    @Argument(help: "The username.")
    var name: String

    @Argument(help: "The requesting actor's id (a URL, as 'accounts followers --pending' lists it).")
    var actor: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        try await AccountsContext.with(configuration) { services in
            try await services.follows.approve(account: name.lowercased(), actorID: actor)
            print("approved \(actor); Accept queued")
        }
    }
}

/// `palisade accounts reject NAME ACTOR`
struct AccountsRejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Reject a follow request, or remove a follower: the actor is sent a Reject.")

    @Argument(help: "The username.")
    var name: String

    @Argument(help: "The actor's id (a URL).")
    var actor: String

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load().configuration
        try await AccountsContext.with(configuration) { services in
            try await services.follows.reject(account: name.lowercased(), actorID: actor)
            print("rejected \(actor); Reject queued")
        }
    }
}
