import Foundation

/// What a signature must cover and when it is valid (DESIGN.md, "Signatures in"; Mastodon's rules by default).
public struct VerificationPolicy: Sendable, Equatable {
    /// Tolerated lateness: a signature is accepted until its expiry plus this (Mastodon: 1 h).
    public var clockSkewPast: TimeInterval = 3600
    /// Tolerated earliness: a creation time up to this far in the future is accepted (Mastodon: 1 h).
    public var clockSkewFuture: TimeInterval = 3600
    /// How long a signature without `expires` stays valid after its creation (Mastodon: 5 min).
    public var defaultLifetime: TimeInterval = 300
    /// The longest validity honoured, whatever `expires` says (Mastodon: 12 h).
    public var maximumLifetime: TimeInterval = 12 * 3600
    /// Whether the coverage rules below are enforced. Off only to check published test vectors cryptographically.
    public var enforceCoverage = true

    /// Mastodon's window and the coverage DESIGN.md requires: the request target, host, date or created, and the body digest.
    public static let mastodon = VerificationPolicy()

    /// Only the cryptography and the digest: no time window, no coverage rules (for test vectors and debugging).
    public static let cryptographicOnly = VerificationPolicy(
        clockSkewPast: .infinity, clockSkewFuture: .infinity, defaultLifetime: .infinity, maximumLifetime: .infinity,
        enforceCoverage: false)

    /// A policy with the given clock skews and Mastodon's other rules.
    public init(
        clockSkewPast: TimeInterval = 3600, clockSkewFuture: TimeInterval = 3600,
        defaultLifetime: TimeInterval = 300, maximumLifetime: TimeInterval = 12 * 3600, enforceCoverage: Bool = true
    ) {
        self.clockSkewPast = clockSkewPast
        self.clockSkewFuture = clockSkewFuture
        self.defaultLifetime = defaultLifetime
        self.maximumLifetime = maximumLifetime
        self.enforceCoverage = enforceCoverage
    }

    /// Mastodon's window: not created beyond `now + skew`, and not past `min(expires ?? created + 5 min, created + 12 h) + skew`.
    func checkWindow(created: Date?, expires: Date?, now: Date) throws(SignatureError) {
        if let created, created.timeIntervalSince(now) > clockSkewFuture {
            throw SignatureError.notYetValid(createdAt: created, now: now)
        }
        var end = expires
        if let created {
            let cap = created.addingTimeInterval(maximumLifetime)
            end = min(end ?? created.addingTimeInterval(defaultLifetime), cap)
        }
        if let end, now.timeIntervalSince(end) > clockSkewPast {
            throw SignatureError.expired(expiredAt: end, now: now)
        }
    }
}
