/// Why a remote document could not be fetched or trusted.
public enum RemoteFetchError: Error, Equatable, CustomStringConvertible {
    /// The URL is not an absolute http(s) URL.
    case invalidURL(String)
    /// The host resolves to no address.
    case unresolvable(host: String)
    /// The host resolves to a private, loopback or link-local address and the operator did not allow those.
    case privateAddress(host: String, address: String)
    /// The server answered with a status other than 200.
    case status(Int, url: String)
    /// More redirects than allowed.
    case tooManyRedirects(url: String)
    /// The document is larger than allowed.
    case tooLarge(url: String, limit: Int)
    /// The request failed (connection, timeout).
    case transport(url: String, detail: String)
    /// The document is not readable ActivityStreams.
    case unreadable(url: String, detail: String)
    /// The document does not publish the key, or publishes it for an actor on another server.
    case keyNotPublished(keyID: String, detail: String)
    /// Too many fetches are already waiting; nothing was sent.
    case busy(host: String)
    /// The same key failed to resolve a moment ago; it is not fetched again until the pause ends.
    case recentlyFailed(keyID: String, detail: String)
    /// The fetch took more requests (redirects, key document and owner) than one lookup may.
    case budgetExhausted(url: String)

    /// Whether trying again later may succeed: the server was unreachable, slow, busy or failing (a timeout, a
    /// refused connection, 408, 429, 5xx, our own fetch queue full), not an answer that will stay the same.
    public var isTransient: Bool {
        switch self {
        case .transport, .busy: return true
        case .status(let status, _): return status == 408 || status == 429 || (500...599).contains(status)
        case .invalidURL, .unresolvable, .privateAddress, .tooManyRedirects, .tooLarge, .unreadable, .keyNotPublished, .recentlyFailed,
            .budgetExhausted:
            return false
        }
    }

    /// A sentence an operator can act on.
    public var description: String {
        switch self {
        case .invalidURL(let url): return "'\(url.prefix(200))' is not an http(s) URL"
        case .unresolvable(let host): return "\(host) does not resolve"
        case .privateAddress(let host, let address):
            return "\(host) resolves to the non-public address \(address); set federation.allow_private_addresses to fetch from it"
        case .status(let status, let url): return "\(url) answered \(status)"
        case .tooManyRedirects(let url): return "\(url) redirects too many times"
        case .tooLarge(let url, let limit): return "\(url) sent more than \(limit) bytes"
        case .transport(let url, let detail): return "fetching \(url) failed: \(detail)"
        case .unreadable(let url, let detail): return "\(url) is not a readable ActivityStreams document: \(detail)"
        case .keyNotPublished(let keyID, let detail): return "the key \(keyID) is not published by its actor: \(detail)"
        case .busy(let host): return "too many remote fetches are waiting; \(host) was not fetched"
        case .recentlyFailed(let keyID, let detail): return "the key \(keyID) failed to resolve moments ago (\(detail)); not fetched again yet"
        case .budgetExhausted(let url): return "fetching \(url) needed more requests than one lookup may make"
        }
    }
}
