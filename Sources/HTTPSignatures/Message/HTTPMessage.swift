import Foundation

/// An HTTP request or response as signatures see it: method, target, authority, header fields in order, body.
public struct HTTPMessage: Sendable, Equatable {
    /// One header field line, name as received.
    public struct Field: Sendable, Equatable {
        /// The field name as received (compared case-insensitively).
        public var name: String
        /// The field value with leading and trailing white space removed.
        public var value: String

        /// Makes a field.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The request method (`GET`, `POST`); empty for a response.
    public var method: String
    /// The request target in origin form: path and optional `?query`; empty for a response.
    public var target: String
    /// `https` or `http`: the scheme `@target-uri` and `@scheme` use.
    public var scheme: String
    /// The response status; nil for a request.
    public var status: Int?
    /// Header fields in the order received.
    public var fields: [Field]
    /// The body bytes (empty when there is none).
    public var body: Data

    /// A request.
    public init(method: String, target: String, scheme: String = "https", fields: [Field], body: Data = Data()) {
        self.method = method
        self.target = target
        self.scheme = scheme
        self.status = nil
        self.fields = fields
        self.body = body
    }

    /// A response.
    public init(status: Int, fields: [Field], body: Data = Data()) {
        self.method = ""
        self.target = ""
        self.scheme = "https"
        self.status = status
        self.fields = fields
        self.body = body
    }

    /// Every value of the field `name` (ASCII case-insensitive), in order.
    public func values(of name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// Field names compare ASCII case-insensitively, without allocating.
    static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 97 && (x | 0x20) <= 122)
        }
    }

    /// The values of `name` joined with `", "` as RFC 9110 combines repeated fields; nil when absent.
    public func combinedValue(of name: String) -> String? {
        let found = values(of: name)
        return found.isEmpty ? nil : found.joined(separator: ", ")
    }

    /// Replaces every field `name` with one field of `value` (appended at the end when absent).
    public mutating func setField(_ name: String, _ value: String) {
        if let index = fields.firstIndex(where: { Self.sameName($0.name, name) }) {
            fields[index].value = value
            fields = fields.enumerated().filter { $0.offset == index || !Self.sameName($0.element.name, name) }.map(\.element)
        } else {
            fields.append(Field(name, value))
        }
    }

    /// The path part of the target, `/` when empty.
    public var path: String {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return path.isEmpty ? "/" : path
    }

    /// The query without `?`, nil when the target has none.
    public var query: String? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return String(target[target.index(after: mark)...])
    }

    /// The authority: the `Host` field, lower-cased.
    public var authority: String? {
        values(of: "host").first?.lowercased()
    }
}
