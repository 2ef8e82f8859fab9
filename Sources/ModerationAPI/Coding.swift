import Foundation

extension JSONEncoder {
    /// The moderation API's encoder: snake_case keys as declared, ISO 8601 dates, sorted keys.
    public static var moderationAPI: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    /// The moderation API's decoder: ISO 8601 dates, with or without fractional seconds.
    public static var moderationAPI: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = Date(iso8601: text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO 8601 date")
        }
        return decoder
    }
}

extension Date {
    /// An ISO 8601 time, with or without fractional seconds (Mastodon sends microseconds); nil when unreadable.
    public init?(iso8601 text: String) {
        guard let date = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
        else { return nil }
        self = date
    }
}
