import Foundation

/// Reads an ActivityStreams JSON document with limits, so hostile input fails fast and clearly.
public enum ActivityStreamsDocument {
    /// Limits applied before and while parsing.
    public struct Limits: Sendable, Equatable {
        /// The largest document accepted.
        public var maximumBytes: Int
        /// The deepest nesting of arrays and objects accepted.
        public var maximumDepth: Int

        /// Makes limits.
        public init(maximumBytes: Int = 1_048_576, maximumDepth: Int = 64) {
            self.maximumBytes = maximumBytes
            self.maximumDepth = maximumDepth
        }
    }

    /// Parses `data` into an object with a `type`.
    public static func decode(_ data: Data, limits: Limits = Limits()) throws(ActivityStreamsError) -> ASObject {
        guard data.count <= limits.maximumBytes else { throw ActivityStreamsError.tooLarge(bytes: data.count, limit: limits.maximumBytes) }
        guard String(validating: data, as: UTF8.self) != nil else { throw ActivityStreamsError.invalidUTF8 }
        try checkDepth(data, limit: limits.maximumDepth)
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw ActivityStreamsError.notJSON(context.underlyingError.map { String(describing: $0) } ?? context.debugDescription)
        } catch {
            throw ActivityStreamsError.notJSON(String(describing: error))
        }
        guard case .object(let properties) = value else { throw ActivityStreamsError.notAnObject }
        let object = ASObject(properties: properties)
        guard !object.types.isEmpty else { throw ActivityStreamsError.missingType }
        return object
    }

    /// Counts `[`/`{` nesting outside strings, before any allocation-heavy parsing.
    private static func checkDepth(_ data: Data, limit: Int) throws(ActivityStreamsError) {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { throw ActivityStreamsError.tooDeep(limit: limit) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
    }
}
