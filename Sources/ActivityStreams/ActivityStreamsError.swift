/// Why a document is not a usable ActivityStreams object.
public enum ActivityStreamsError: Error, Equatable, CustomStringConvertible {
    /// The body is larger than the limit.
    case tooLarge(bytes: Int, limit: Int)
    /// The body is not valid UTF-8.
    case invalidUTF8
    /// Arrays and objects nest deeper than the limit.
    case tooDeep(limit: Int)
    /// The body is not JSON.
    case notJSON(String)
    /// The JSON is not an object.
    case notAnObject
    /// The object has no `type`.
    case missingType
    /// A required property is missing or unusable.
    case missingProperty(String, type: String)
    /// The object's type is not one this view accepts (an actor where an activity was expected, …).
    case unexpectedType(String, expected: String)

    /// A sentence a sender's operator can act on.
    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): return "the document is \(bytes) bytes; the limit is \(limit)"
        case .invalidUTF8: return "the document is not valid UTF-8"
        case .tooDeep(let limit): return "the document nests arrays and objects deeper than \(limit) levels"
        case .notJSON(let detail): return "the document is not valid JSON: \(detail)"
        case .notAnObject: return "the document is not a JSON object"
        case .missingType: return "the object has no 'type'"
        case .missingProperty(let name, let type): return "the \(type) has no usable '\(name)'"
        case .unexpectedType(let type, let expected): return "a '\(type)' is not \(expected)"
        }
    }
}
