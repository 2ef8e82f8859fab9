import Foundation

extension DecodingError {
    /// What is wrong with a JSON body, in a few words a client can act on: `missing 'a.b'`, `wrong type at 'a'`, `not JSON`.
    public var readableDescription: String {
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch self {
        case .keyNotFound(let key, let context): return "missing '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type at '\(path(context.codingPath))'"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "\(context.debugDescription) at '\(path(context.codingPath))'"
        @unknown default: return "unreadable"
        }
    }
}
