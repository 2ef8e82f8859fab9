import ArgumentParser
import AsyncHTTPClient
import Foundation
import ReviewTUI

/// `palisade review [--server URL]`
struct ReviewTerminalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "The moderators' terminal UI: queues, cases, decisions.",
        discussion: """
            Uses the server and token stored by palisade login (PALISADE_SERVER and PALISADE_TOKEN override them). \
            Press ? inside for every key. NO_COLOR turns colours off; PALISADE_REVIEW_TRACE=FILE appends, per key, the \
            milliseconds from reading it to drawing the frame it caused.
            """)

    @Option(help: "The Palisade server (default: the one palisade login stored).")
    var server: String?

    @Option(help: "For an operator's token: the tenant to moderate (default: the one palisade login stored).")
    var tenant: String?

    func run() async throws {
        var credentials = try Credentials.resolve(server: server)
        if let tenant { credentials.tenant = tenant }
        let terminal = Terminal()
        guard terminal.isInteractive else { throw CredentialsError("palisade review needs a terminal (standard input and output)") }
        let environment = ProcessInfo.processInfo.environment
        let colors = (environment["NO_COLOR"] ?? "").isEmpty
        var trace: FileHandle?
        if let path = environment["PALISADE_REVIEW_TRACE"], !path.isEmpty {
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            trace = FileHandle(forWritingAtPath: path)
            _ = try? trace?.seekToEnd()
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let app = ReviewApp(
            backend: HTTPReviewBackend(server: credentials.server, token: credentials.token, client: client, tenant: credentials.tenant), terminal: terminal,
            server: credentials.server, colors: colors, trace: trace)
        await app.run()
        try? trace?.close()
        try? await client.shutdown()
    }
}
