/// A sliding-window count a rule compares (velocity and cluster rules): `window.DURATION.MEASURE`, e.g.
/// `window.10m.same_link.accounts: { gte: 5 }`. Intake counts it per tenant from what it has seen within the
/// duration (this item included) and gives it to the rules as a number field.
public struct WindowField: Sendable, Hashable {
    /// What is counted.
    public enum Measure: String, Sendable, CaseIterable {
        /// Distinct accounts that posted a link this post also has (the most for any of its links).
        case sameLinkAccounts = "same_link.accounts"
        /// Distinct accounts that posted the same normalised text (posts of 20 characters or more).
        case sameTextAccounts = "same_text.accounts"
        /// Posts from this post's account.
        case accountPosts = "account.posts"
        /// Distinct reporters of reports against this report's account.
        case accountReporters = "account.reporters"
    }

    /// The field's name as rules write it.
    public let name: String
    /// The window's length in seconds (1 minute to 24 hours).
    public let seconds: Int
    /// What is counted.
    public let measure: Measure

    /// The longest window a rule may ask for: counts are kept this long.
    public static let longestSeconds = 24 * 3600

    /// The field named `name`, or why it is not one (nil: `name` does not start with `window.`).
    public static func parse(_ name: String) -> Result<WindowField, WindowFieldError>? {
        guard name.hasPrefix("window.") else { return nil }
        let rest = name.dropFirst("window.".count)
        guard let dot = rest.firstIndex(of: ".") else { return .failure(WindowFieldError(name: name, problem: "no measure after the duration")) }
        let duration = rest[..<dot]
        let measureName = String(rest[rest.index(after: dot)...])
        guard let unit = duration.last, let count = Int(duration.dropLast()), count > 0, unit == "m" || unit == "h" else {
            return .failure(WindowFieldError(name: name, problem: "the duration is minutes or hours, like 10m or 2h"))
        }
        let seconds = count * (unit == "m" ? 60 : 3600)
        guard seconds <= longestSeconds else { return .failure(WindowFieldError(name: name, problem: "windows are at most 24h")) }
        guard let measure = Measure(rawValue: measureName) else {
            let known = Measure.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(WindowFieldError(name: name, problem: "unknown measure '\(measureName)' (one of \(known))"))
        }
        return .success(WindowField(name: name, seconds: seconds, measure: measure))
    }
}

/// A `window.…` field name that does not parse.
public struct WindowFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field as written.
    public let name: String
    /// What is wrong with it.
    public let problem: String

    public var description: String { "\(name): \(problem)" }
}
