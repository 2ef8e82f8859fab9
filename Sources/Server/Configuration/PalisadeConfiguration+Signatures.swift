import Foundation
import HTTPSignatures

extension PalisadeConfiguration {
    /// Mastodon's verification rules with the configured clock skews (`signatures.clock_skew_past`/`_future`).
    public var verificationPolicy: VerificationPolicy {
        VerificationPolicy(
            clockSkewPast: TimeInterval(signatures.clockSkewPastSeconds),
            clockSkewFuture: TimeInterval(signatures.clockSkewFutureSeconds))
    }
}
