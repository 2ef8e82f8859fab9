import ActivityStreams
import Foundation

/// WebFinger (RFC 7033) answers for the accounts this instance has.
public enum WebFinger {
    /// Why a WebFinger query cannot be answered.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No `resource` parameter, or one that is neither `acct:` nor an http(s) URL.
        case malformedResource(String)
        /// The resource names an account or URL this instance does not have.
        case notFound(String)

        /// A sentence for the client.
        public var description: String {
            switch self {
            case .malformedResource(let resource):
                return "resource '\(resource.prefix(200))' is not an acct: URI or an http(s) URL"
            case .notFound(let resource):
                return "no account \(resource.prefix(200)) on this server"
            }
        }
    }

    /// The JRD for `resource`: the service actor by `acct:host@host`, by its actor URL, or (FEP-d556) by the server's URL.
    public static func answer(resource: String?, serviceActor: ServiceActor) throws(Failure) -> JSONValue {
        guard let resource, !resource.isEmpty else { throw Failure.malformedResource("") }
        let lowered = resource.lowercased()
        guard lowered.hasPrefix("acct:") || lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
            throw Failure.malformedResource(resource)
        }
        let server = serviceActor.baseURL.absoluteString
        let matches = [serviceActor.account, serviceActor.id, server, server + "/"].contains { $0.lowercased() == lowered }
        guard matches else { throw Failure.notFound(resource) }
        return .object([
            "subject": .string(lowered.hasPrefix("acct:") ? serviceActor.account : resource),
            "aliases": .array([.string(serviceActor.id)]),
            "links": .array([
                .object(["rel": .string("self"), "type": .string("application/activity+json"), "href": .string(serviceActor.id)]),
                .object(["rel": .string("https://www.w3.org/ns/activitystreams#Application"), "type": .string("application/activity+json"), "href": .string(serviceActor.id)]),
            ]),
        ])
    }

    /// The hosted account a resource names: `acct:name@host` on this host, or this server's `/users/name` URL.
    public static func accountName(resource: String, serviceActor: ServiceActor) -> String? {
        let lowered = resource.lowercased()
        if lowered.hasPrefix("acct:") {
            let parts = lowered.dropFirst(5).split(separator: "@", maxSplits: 1)
            guard parts.count == 2, parts[1] == serviceActor.host.lowercased() else { return nil }
            return String(parts[0])
        }
        let prefix = serviceActor.baseURL.absoluteString.lowercased() + "/users/"
        guard lowered.hasPrefix(prefix) else { return nil }
        let name = lowered.dropFirst(prefix.count)
        return name.contains("/") ? nil : String(name)
    }

    /// `/.well-known/host-meta`: where WebFinger lives (XRD, for older servers).
    public static func hostMeta(baseURL: URL) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
          <Link rel="lrdd" template="\(baseURL.absoluteString)/.well-known/webfinger?resource={uri}"/>
        </XRD>

        """
    }
}
