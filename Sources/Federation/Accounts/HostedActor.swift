import ActivityStreams
import Foundation

/// The ActivityPub face of a hosted account: its `Person` document, collections and WebFinger answer.
public struct HostedActor: Sendable, Equatable {
    /// The account.
    public let account: HostedAccount
    /// The public base URL.
    public let baseURL: URL
    /// The account's RSA public key, SPKI PEM.
    public let publicKeyPEM: String

    /// The actor of `account` on the instance at `baseURL`.
    public init(account: HostedAccount, baseURL: URL, publicKeyPEM: String) {
        self.account = account
        self.baseURL = baseURL
        self.publicKeyPEM = publicKeyPEM
    }

    /// `https://mod.example.org/users/alice`
    public var id: String { baseURL.absoluteString + "/users/" + account.name }
    /// `…#main-key`
    public var keyID: String { id + "#main-key" }

    /// The `Person` document, or a `Tombstone` once deleted.
    public var document: JSONValue {
        if let deletedAt = account.deletedAt {
            return .object([
                "@context": .string("https://www.w3.org/ns/activitystreams"),
                "id": .string(id), "type": .string("Tombstone"), "formerType": .string("Person"),
                "deleted": .string(Date.ISO8601FormatStyle().format(deletedAt)),
            ])
        }
        return .object([
            "@context": .array([.string("https://www.w3.org/ns/activitystreams"), .string("https://w3id.org/security/v1")]),
            "id": .string(id),
            "type": .string("Person"),
            "preferredUsername": .string(account.name),
            "name": .string(account.displayName),
            "summary": .string(Self.paragraph(account.summary)),
            "inbox": .string(id + "/inbox"),
            "outbox": .string(id + "/outbox"),
            "followers": .string(id + "/followers"),
            "following": .string(id + "/following"),
            "endpoints": .object(["sharedInbox": .string(baseURL.absoluteString + "/inbox")]),
            "manuallyApprovesFollowers": .bool(account.manuallyApprovesFollowers),
            "discoverable": .bool(true),
            "published": .string(Date.ISO8601FormatStyle().format(account.createdAt)),
            "url": .string(id),
            "publicKey": .object(["id": .string(keyID), "owner": .string(id), "publicKeyPem": .string(publicKeyPEM)]),
        ])
    }

    /// Items per collection page.
    public static let pageSize = 20

    /// The `OrderedCollection` at `id/suffix` (outbox, followers, following): its size and a link to its first page.
    public func collection(_ suffix: String, totalItems: Int) -> JSONValue {
        var properties: [String: JSONValue] = [
            "@context": .string("https://www.w3.org/ns/activitystreams"),
            "id": .string(id + "/" + suffix), "type": .string("OrderedCollection"),
            "totalItems": .number(Double(totalItems)),
        ]
        if totalItems > 0 {
            properties["first"] = .string("\(id)/\(suffix)?page=1")
            properties["last"] = .string("\(id)/\(suffix)?page=\(max(1, (totalItems + Self.pageSize - 1) / Self.pageSize))")
        }
        return .object(properties)
    }

    /// Page `page` (from 1) of the collection at `id/suffix`, holding `items`.
    public func collectionPage(_ suffix: String, page: Int, items: [JSONValue], totalItems: Int) -> JSONValue {
        var properties: [String: JSONValue] = [
            "@context": .string("https://www.w3.org/ns/activitystreams"),
            "id": .string("\(id)/\(suffix)?page=\(page)"), "type": .string("OrderedCollectionPage"),
            "partOf": .string(id + "/" + suffix), "totalItems": .number(Double(totalItems)), "orderedItems": .array(items),
        ]
        if page * Self.pageSize < totalItems { properties["next"] = .string("\(id)/\(suffix)?page=\(page + 1)") }
        if page > 1 { properties["prev"] = .string("\(id)/\(suffix)?page=\(page - 1)") }
        return .object(properties)
    }

    /// The WebFinger answer for `acct:name@host`.
    public func webFinger(host: String) -> JSONValue {
        .object([
            "subject": .string("acct:\(account.name)@\(host)"),
            "aliases": .array([.string(id)]),
            "links": .array([
                .object(["rel": .string("self"), "type": .string("application/activity+json"), "href": .string(id)]),
                .object(["rel": .string("http://webfinger.net/rel/profile-page"), "type": .string("text/html"), "href": .string(id)]),
            ]),
        ])
    }

    /// Plain text as one HTML paragraph, escaped.
    static func paragraph(_ text: String) -> String {
        guard !text.isEmpty else { return "" }
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n": escaped += "<br>"
            default: escaped.append(character)
            }
        }
        return "<p>" + escaped + "</p>"
    }
}
