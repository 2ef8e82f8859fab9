import Foundation

/// Where `palisade login` keeps the server and token for `palisade review`: `$XDG_CONFIG_HOME/palisade/credentials`
/// (default `~/.config/palisade/credentials`), JSON, readable by its owner only (0600, in a 0700 directory).
/// `PALISADE_SERVER` and `PALISADE_TOKEN` override what it holds.
struct Credentials: Codable, Equatable {
    var server: String
    var token: String
    /// For an operator's token: the tenant it works in (`?tenant=SLUG` on every request); nil for a tenant's moderator.
    var tenant: String?

    /// The file's path.
    static var path: URL {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        return base.appendingPathComponent("palisade").appendingPathComponent("credentials")
    }

    /// The stored credentials, or nil when there are none.
    static func load() throws -> Credentials? {
        guard let data = FileManager.default.contents(atPath: path.path) else { return nil }
        do {
            return try JSONDecoder().decode(Credentials.self, from: data)
        } catch {
            throw CredentialsError("\(path.path) is unreadable (\(error)); run palisade login again")
        }
    }

    /// Writes the file (owner-only) through a temporary file renamed into place.
    func save() throws {
        let directory = Self.path.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = directory.appendingPathComponent(".credentials-\(UUID().uuidString)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard FileManager.default.createFile(atPath: temporary.path, contents: try encoder.encode(self), attributes: [.posixPermissions: 0o600]) else {
            throw CredentialsError("cannot write \(temporary.path)")
        }
        guard rename(temporary.path, Self.path.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CredentialsError("cannot write \(Self.path.path): \(reason)")
        }
    }

    /// The server and token to use: `--server` over `PALISADE_SERVER` over the file; `PALISADE_TOKEN` over the file's
    /// token (which is used only for the server it was stored for).
    static func resolve(server: String?) throws -> Credentials {
        let environment = ProcessInfo.processInfo.environment
        let stored = try load()
        guard let chosen = (server ?? environment["PALISADE_SERVER"] ?? stored?.server).map(normalised) else {
            throw CredentialsError("no server: run palisade login --server URL, or set PALISADE_SERVER")
        }
        if let token = environment["PALISADE_TOKEN"], !token.isEmpty { return Credentials(server: chosen, token: token, tenant: stored?.tenant) }
        guard let stored, normalised(stored.server) == chosen else {
            throw CredentialsError("no token for \(chosen): run palisade login --server \(chosen), or set PALISADE_TOKEN")
        }
        return Credentials(server: chosen, token: stored.token, tenant: stored.tenant)
    }

    /// The URL without a trailing slash.
    static func normalised(_ server: String) -> String {
        var text = server.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

/// A credentials problem, in words.
struct CredentialsError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
