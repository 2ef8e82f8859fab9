import ActivityStreams
import Foundation

/// NodeInfo 2.1: what software this is and how much it hosts. Registrations are always closed.
public enum NodeInfo {
    /// The schema's relation URI.
    public static let schema21 = "http://nodeinfo.diaspora.software/ns/schema/2.1"
    /// The software name reported (`^[a-z0-9-]+$`).
    public static let softwareName = "palisade"

    /// Counts NodeInfo reports.
    public struct Usage: Sendable, Equatable {
        /// Hosted accounts.
        public var users: Int
        /// Accounts active in the last month and half-year.
        public var activeMonth: Int, activeHalfyear: Int
        /// Posts by hosted accounts.
        public var localPosts: Int

        /// Makes usage counts.
        public init(users: Int = 0, activeMonth: Int = 0, activeHalfyear: Int = 0, localPosts: Int = 0) {
            self.users = users
            self.activeMonth = activeMonth
            self.activeHalfyear = activeHalfyear
            self.localPosts = localPosts
        }
    }

    /// `/.well-known/nodeinfo`: the JRD linking to the 2.1 document.
    public static func wellKnown(baseURL: URL) -> JSONValue {
        .object(["links": .array([.object(["rel": .string(schema21), "href": .string(baseURL.absoluteString + "/nodeinfo/2.1")])])])
    }

    /// `/nodeinfo/2.1`.
    public static func document(version: String, usage: Usage) -> JSONValue {
        .object([
            "version": .string("2.1"),
            "software": .object([
                "name": .string(softwareName),
                "version": .string(version),
            ]),
            "protocols": .array([.string("activitypub")]),
            "services": .object(["inbound": .array([]), "outbound": .array([])]),
            "openRegistrations": .bool(false),
            "usage": .object([
                "users": .object([
                    "total": .number(Double(usage.users)),
                    "activeMonth": .number(Double(usage.activeMonth)),
                    "activeHalfyear": .number(Double(usage.activeHalfyear)),
                ]),
                "localPosts": .number(Double(usage.localPosts)),
            ]),
            "metadata": .object(["nodeName": .string("Palisade")]),
        ])
    }
}
