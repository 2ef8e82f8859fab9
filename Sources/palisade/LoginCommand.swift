import ArgumentParser
import AsyncHTTPClient
import Foundation
import ModerationAPI
import ReviewTUI

/// `palisade login --server URL`
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Store the server and your moderator token for palisade review.",
        discussion: """
            Reads the token (pal_…, from palisade admin moderators add or token) from --token-file, or from standard \
            input (typed without echo on a terminal), checks it against the server, and stores both in \
            ~/.config/palisade/credentials (mode 0600). PALISADE_SERVER and PALISADE_TOKEN override the file.
            """)

    @Option(help: "The Palisade server, e.g. https://mod.example.org.")
    var server: String

    @Option(name: .customLong("token-file"), help: "A file holding the token ('-': standard input).")
    var tokenFile: String?

    @Option(help: "For an operator's token: the tenant to moderate (kept with the token; palisade review --tenant overrides it).")
    var tenant: String?

    func validate() throws {
        guard let url = URLComponents(string: server), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false else {
            throw ValidationError("--server must be an http(s) URL, like https://mod.example.org")
        }
    }

    func run() async throws {
        let token = try readToken()
        guard token.hasPrefix("pal_") else { throw CredentialsError("that is not a Palisade moderator token (they start with pal_)") }
        let credentials = Credentials(server: Credentials.normalised(server), token: token, tenant: tenant)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let backend = HTTPReviewBackend(server: credentials.server, token: token, client: client, tenant: tenant)
        let me: Result<MeBody, ReviewBackendError>
        do {
            me = .success(try await backend.me())
        } catch {
            me = .failure(error)
        }
        try await client.shutdown()
        switch me {
        case .success(let body):
            try credentials.save()
            print("logged in to \(credentials.server) as \(body.name) (\(body.role), tenant \(body.tenant)); saved in \(Credentials.path.path)")
        case .failure(.unreachable(let detail)):
            throw CredentialsError("cannot reach \(credentials.server): \(detail)")
        case .failure(.refused(let message)) where message.contains("?tenant=SLUG"):
            throw CredentialsError("this is an operator's token: name the tenant to moderate with --tenant SLUG")
        case .failure(.refused(let message)):
            throw CredentialsError("the server refused the token: \(message)")
        case .failure(.tokenRefused):
            throw CredentialsError("the server refused the token (401): check it was copied whole, is for this server, and has not been revoked")
        }
    }

    /// The token: from `--token-file`, typed without echo on a terminal, or read from standard input.
    private func readToken() throws -> String {
        guard tokenFile == nil, isatty(STDIN_FILENO) == 1 else { return try readSecret(from: tokenFile ?? "-") }
        FileHandle.standardError.write(Data("Token for \(server): ".utf8))
        var settings = termios()
        tcgetattr(STDIN_FILENO, &settings)
        var quiet = settings
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &settings)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return (readLine() ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
