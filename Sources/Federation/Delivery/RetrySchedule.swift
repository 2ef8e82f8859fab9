import Foundation
import HTTPSignatures

/// What an inbox answered to one delivery attempt.
public enum DeliveryAnswer: Sendable, Equatable {
    /// An HTTP status, with the `Retry-After` value when there was one.
    case status(Int, retryAfter: String?)
    /// No answer: connection refused, timeout, TLS failure…
    case transport(String)
    /// Palisade refused to send (the inbox is on a private address, or its URL is unusable).
    case refused(String)
}

/// When to try a failed delivery again, and when to give up. Pure: the caller passes the time and a random number.
///
/// 2xx is delivered. 410 means the recipient is gone. 408, 429, 5xx and transport failures are retried with exponential
/// backoff (`baseDelay` doubling up to `maximumDelay`, ±50 % jitter), or after `Retry-After` when the inbox sends one;
/// a job still failing `giveUpAfter` (a week) after it was enqueued is dead-lettered. Any other answer is permanent.
public struct RetrySchedule: Sendable, Equatable {
    /// The delay after the first failure.
    public var baseDelay: TimeInterval = 60
    /// The longest delay between attempts.
    public var maximumDelay: TimeInterval = 6 * 3600
    /// How long after enqueueing a failing job is given up.
    public var giveUpAfter: TimeInterval = 7 * 86_400

    /// The default schedule.
    public init() {}

    /// The result of an attempt that got `answer`; `attempts` counts this one, `jitter` is uniform in 0..<1 (drawn only for a retry).
    public func result(for answer: DeliveryAnswer, attempts: Int, createdAt: Date, now: Date, jitter: @autoclosure () -> Double) -> DeliveryResult {
        let error: String
        var retryAfter: TimeInterval?
        switch answer {
        case .status(let code, let header):
            if (200..<300).contains(code) { return .delivered }
            if code == 410 { return .gone(error: "410 Gone: the recipient no longer exists") }
            guard code == 408 || code == 429 || (500..<600).contains(code) else {
                return .dead(error: "\(code): refused for good (only 408, 429 and 5xx are retried)")
            }
            error = "\(code)"
            retryAfter = header.flatMap { Self.parseRetryAfter($0, now: now) }
        case .transport(let detail):
            error = detail
        case .refused(let detail):
            return .dead(error: detail)
        }
        let exponent = Double(min(max(attempts - 1, 0), 30))
        let backoff = min(baseDelay * pow(2, exponent), maximumDelay) * (0.5 + jitter())
        let delay = max(retryAfter ?? backoff, 1)
        let next = now.addingTimeInterval(delay)
        guard next <= createdAt.addingTimeInterval(giveUpAfter) else {
            return .dead(error: "\(error); gave up after \(attempts) attempts over \(Int(now.timeIntervalSince(createdAt) / 3600)) hours")
        }
        return .retry(at: next, error: error)
    }

    /// `Retry-After` as seconds from `now`: delta-seconds or an HTTP date; nil when unreadable.
    public static func parseRetryAfter(_ value: String, now: Date) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return TimeInterval(seconds) }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return max(date.timeIntervalSince(now), 0)
    }
}
