import Foundation

/// An account the organisation hosts on Palisade: a `Person` at `/users/{name}`.
public struct HostedAccount: Sendable, Equatable {
    /// The username: 1–30 of `a-z`, `0-9`, `_` (as Mastodon allows), stored lower-case.
    public let name: String
    /// The display name.
    public var displayName: String
    /// The bio (plain text; served as HTML-escaped).
    public var summary: String
    /// When it was created.
    public let createdAt: Date
    /// When it was deleted (it then answers as a `Tombstone`).
    public var deletedAt: Date?
    /// Whether follows wait for approval (`manuallyApprovesFollowers`).
    public var manuallyApprovesFollowers: Bool

    /// Makes an account value; `name` must already be valid (see `validName`).
    public init(
        name: String, displayName: String, summary: String, createdAt: Date, deletedAt: Date? = nil, manuallyApprovesFollowers: Bool = false
    ) {
        self.name = name
        self.displayName = displayName
        self.summary = summary
        self.createdAt = createdAt
        self.deletedAt = deletedAt
        self.manuallyApprovesFollowers = manuallyApprovesFollowers
    }

    /// The name lower-cased when it is a valid username, else nil.
    public static func validName(_ candidate: String) -> String? {
        let lowered = candidate.lowercased()
        guard (1...30).contains(lowered.utf8.count),
            lowered.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "_") })
        else { return nil }
        return lowered
    }
}

/// Why an account operation failed.
public enum HostedAccountError: Error, Equatable, CustomStringConvertible {
    /// The name is not a valid username.
    case invalidName(String)
    /// An account (live or deleted) already has this name; names are never reused.
    case nameTaken(String)
    /// No account has this name.
    case notFound(String)
    /// The account is already deleted.
    case alreadyDeleted(String)

    /// A sentence an operator can act on.
    public var description: String {
        switch self {
        case .invalidName(let name):
            return "'\(name.prefix(60))' is not a valid account name: use 1 to 30 letters, digits or underscores"
        case .nameTaken(let name):
            return "the name '\(name)' is taken (names of deleted accounts are not reused)"
        case .notFound(let name): return "no account named '\(name)'"
        case .alreadyDeleted(let name): return "the account '\(name)' is already deleted"
        }
    }
}

/// Storage of hosted accounts. Implemented by `Store`.
public protocol HostedAccountStore: Sendable {
    /// Stores a new account; throws `HostedAccountError.nameTaken` when the name exists (even deleted).
    func createAccount(_ account: HostedAccount) async throws
    /// The account named `name` (deleted ones included), or nil.
    func account(named name: String) async throws -> HostedAccount?
    /// Every account, by name.
    func accounts() async throws -> [HostedAccount]
    /// Marks the account deleted at `date` and enqueues `deliveries` (its `Delete`) in the same transaction.
    func markDeleted(_ name: String, at date: Date, deliveries: [Delivery]) async throws
}
