import ActivityStreams
import Crypto
import Foundation

/// Proof that whoever attaches an instance to a tenant controls its domain: a token derived from the service's secret,
/// the tenant and the domain, which the instance serves at `https://DOMAIN/.well-known/palisade-verification` or shows
/// in its instance actor (its `summary`, `name`, or a profile field). Operators attach without proof. Pure.
public enum DomainProof {
    /// Where an instance serves its token.
    public static let wellKnownPath = "/.well-known/palisade-verification"
    /// What every token starts with.
    public static let prefix = "palisade-verification="

    /// The token `tenant` must show on `domain`: the same every time for the same secret, tenant and domain.
    public static func token(secret: SymmetricKey, tenant: String, domain: InstanceDomain) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("domain-proof:v1:\(tenant):\(domain.value)".utf8), using: secret)
        return prefix + mac.prefix(20).map { String(format: "%02x", $0) }.joined()
    }

    /// The URL of the well-known proof on `domain` (`http` only where the operator allows private addresses and the
    /// domain is a loopback address, for tests).
    public static func wellKnownURL(_ domain: InstanceDomain, plainHTTP: Bool = false) -> String {
        (plainHTTP ? "http://" : "https://") + domain.value + wellKnownPath
    }

    /// Whether the well-known document's text or the instance actor shows `token`.
    public static func isShown(_ token: String, wellKnown: Data?, actor: Actor?) -> Bool {
        if let wellKnown, String(decoding: wellKnown.prefix(4096), as: UTF8.self).contains(token) { return true }
        guard let actor else { return false }
        let texts = [actor.summary, actor.displayName].compactMap { $0 } + actor.fields.flatMap { [$0.name, $0.value] }
        return texts.contains { $0.contains(token) }
    }
}
