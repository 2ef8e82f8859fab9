import ActivityStreams
import Crypto
import Federation
import Foundation
import Moderation

/// Looks for a tenant's `DomainProof` token on a domain: its well-known proof file, then its instance actor, both
/// fetched through the remote-actor directory (address policy, caps, size and time limits).
struct DomainProofChecker: Sendable {
    let secret: SymmetricKey
    let directory: RemoteKeyDirectory
    /// Plain HTTP for loopback domains, where `federation.allow_private_addresses` is set (tests).
    let plainHTTPForLoopback: Bool

    /// The token `tenant` must show on `domain`, and where.
    func expected(tenant: Tenant, domain: InstanceDomain) -> (token: String, wellKnownURL: String) {
        (DomainProof.token(secret: secret, tenant: tenant.slug, domain: domain), DomainProof.wellKnownURL(domain, plainHTTP: plainHTTP(domain)))
    }

    /// Whether `domain` shows the tenant's token at its well-known URL or in the instance actor at `actorID`.
    func check(tenant: Tenant, domain: InstanceDomain, actorID: String) async -> DomainProofCheck {
        let (token, url) = expected(tenant: tenant, domain: domain)
        let wellKnown = try? await directory.document(at: url, accept: "text/plain, */*", maximumBytes: 4096)
        var proven = DomainProof.isShown(token, wellKnown: wellKnown, actor: nil)
        if !proven, let actor = try? await directory.actor(actorID) {
            proven = DomainProof.isShown(token, wellKnown: nil, actor: actor)
        }
        return DomainProofCheck(proven: proven, token: token, wellKnownURL: url)
    }

    private func plainHTTP(_ domain: InstanceDomain) -> Bool {
        plainHTTPForLoopback && domain.isLoopback
    }
}
