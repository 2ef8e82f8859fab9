import Foundation

/// An actor this Palisade instance speaks for: the service actor or a hosted account.
public enum LocalActor: Hashable, Sendable, CustomStringConvertible {
    /// The service's own `Application` actor at `/actor`, which signs every decision sent.
    case service
    /// A hosted account, a `Person` at `/users/{name}`.
    case account(String)

    /// A stable storage key: `service`, or `account:NAME`.
    public var storageKey: String {
        switch self {
        case .service: return "service"
        case .account(let name): return "account:\(name)"
        }
    }

    /// Reads a storage key back; nil for a key no version of Palisade writes.
    public init?(storageKey: String) {
        if storageKey == "service" {
            self = .service
        } else if storageKey.hasPrefix("account:"), storageKey.count > "account:".count {
            self = .account(String(storageKey.dropFirst("account:".count)))
        } else {
            return nil
        }
    }

    /// The actor's id on the instance at `baseURL`: `…/actor` or `…/users/NAME`.
    public func id(baseURL: URL) -> String {
        switch self {
        case .service: return baseURL.absoluteString + "/actor"
        case .account(let name): return baseURL.absoluteString + "/users/" + name
        }
    }

    /// The id of the actor's key: its id + `#main-key`.
    public func keyID(baseURL: URL) -> String { id(baseURL: baseURL) + "#main-key" }

    /// How logs name the actor.
    public var description: String { storageKey }
}
