import Foundation

/// The one place that reads the wall clock; everything else takes a `now` function so tests can fix time.
public enum SystemClock {
    /// The current time.
    @Sendable public static func now() -> Date { Date() }
}
