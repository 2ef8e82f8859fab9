import ActivityStreams
import Crypto
import Foundation

/// The activities hosted accounts send, as JSON values. Pure: ids are derived from their inputs, so building one twice
/// (after a crash) gives the same id and the delivery queue's dedupe applies.
public enum LocalActivities {
    static let context = JSONValue.string("https://www.w3.org/ns/activitystreams")
    static let publicAudience = JSONValue.string("https://www.w3.org/ns/activitystreams#Public")

    /// `Accept{Follow}` from the account to the follower, embedding the follow as Mastodon does.
    public static func accept(_ follower: Follower, accountID: String) -> JSONValue {
        answer("Accept", follower, accountID: accountID)
    }

    /// `Reject{Follow}`.
    public static func reject(_ follower: Follower, accountID: String) -> JSONValue {
        answer("Reject", follower, accountID: accountID)
    }

    private static func answer(_ type: String, _ follower: Follower, accountID: String) -> JSONValue {
        .object([
            "@context": context,
            "id": .string("\(accountID)#\(type.lowercased())s/follows/\(digest(follower.followID))"),
            "type": .string(type),
            "actor": .string(accountID),
            "to": .array([.string(follower.actorID)]),
            "object": .object([
                "id": .string(follower.followID), "type": .string("Follow"),
                "actor": .string(follower.actorID), "object": .string(accountID),
            ]),
        ])
    }

    /// `Create{Note}` addressed to the public and the account's followers.
    public static func create(noteID: String, accountID: String, text: String, published: Date) -> JSONValue {
        let date = JSONValue.string(Date.ISO8601FormatStyle().format(published))
        let to = JSONValue.array([publicAudience])
        let cc = JSONValue.array([.string(accountID + "/followers")])
        return .object([
            "@context": context,
            "id": .string(noteID + "/activity"),
            "type": .string("Create"),
            "actor": .string(accountID),
            "published": date,
            "to": to, "cc": cc,
            "object": .object([
                "id": .string(noteID), "type": .string("Note"), "attributedTo": .string(accountID),
                "content": .string(HostedActor.paragraph(text)), "published": date, "url": .string(noteID),
                "to": to, "cc": cc, "sensitive": .bool(false),
            ]),
        ])
    }

    /// `Delete{Person}`: the account is gone (sent to its followers when it is deleted).
    public static func deleteActor(accountID: String) -> JSONValue {
        .object([
            "@context": context,
            "id": .string(accountID + "#delete"),
            "type": .string("Delete"),
            "actor": .string(accountID),
            "object": .string(accountID),
            "to": .array([publicAudience]),
        ])
    }

    /// A short stable digest of an id, for ids derived from another server's ids.
    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}
