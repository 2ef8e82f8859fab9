import Foundation

/// An ActivityStreams object as received: every property kept, read through tolerant accessors
/// (a property may be a string, an object or an array of either).
public struct ASObject: Sendable, Equatable {
    /// Every property, known or not.
    public let properties: [String: JSONValue]

    /// Wraps decoded properties.
    public init(properties: [String: JSONValue]) {
        self.properties = properties
    }

    /// `id`, when present.
    public var id: String? { properties["id"]?.stringValue }

    /// Every `type` (a string or a list of strings; compacted names such as `as:Note` lose their prefix).
    public var types: [String] {
        (properties["type"] ?? .null).listValue.compactMap(\.stringValue).map { type in
            type.hasPrefix("as:") ? String(type.dropFirst(3)) : type
        }
    }

    /// The first type, or an empty string.
    public var type: String { types.first ?? "" }

    /// Whether any of the object's types is in `names`.
    public func isA(_ names: Set<String>) -> Bool {
        types.contains { names.contains($0) }
    }

    /// A string property (the first string of a list).
    public func string(_ name: String) -> String? {
        (properties[name] ?? .null).listValue.lazy.compactMap(\.stringValue).first
    }

    /// Every reference in a property: strings are links, objects are embedded (links and `Link` objects with `href` included).
    public func references(_ name: String) -> [ObjectReference] {
        (properties[name] ?? .null).listValue.compactMap(ObjectReference.init)
    }

    /// The first reference in a property.
    public func reference(_ name: String) -> ObjectReference? {
        references(name).first
    }

    /// The ids of every reference in a property.
    public func ids(_ name: String) -> [String] {
        references(name).compactMap(\.id)
    }

    /// A boolean property; also accepts the strings "true"/"false" that some servers send.
    public func bool(_ name: String) -> Bool? {
        switch properties[name] {
        case .bool(let value)?: return value
        case .string(let text)?: return text == "true" ? true : text == "false" ? false : nil
        default: return nil
        }
    }

    /// An integer property (JSON numbers without a fraction, or numeric strings).
    public func integer(_ name: String) -> Int? {
        switch properties[name] {
        case .number(let value)? where value.rounded() == value && abs(value) < 1e15: return Int(value)
        case .string(let text)?: return Int(text)
        default: return nil
        }
    }

    /// A date property in ISO 8601 (with or without fractional seconds).
    public func date(_ name: String) -> Date? {
        guard let text = string(name) else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// An embedded object property (the first object of a list).
    public func object(_ name: String) -> ASObject? {
        (properties[name] ?? .null).listValue.lazy.compactMap(\.objectValue).first.map(ASObject.init)
    }

    /// Natural-language text: `name` itself, or the first value of `nameMap` (`contentMap`, `summaryMap`).
    public func text(_ name: String) -> String? {
        if let value = string(name) { return value }
        return properties[name + "Map"]?.objectValue?.sorted { $0.key < $1.key }.lazy.compactMap(\.value.stringValue).first
    }

    /// The language of `contentMap`'s first entry, when the object declares one.
    public var language: String? {
        properties["contentMap"]?.objectValue?.keys.sorted().first
    }
}

/// A reference to another object: a link by id, or the object embedded.
public enum ObjectReference: Sendable, Equatable {
    /// Just the id.
    case link(String)
    /// The object itself.
    case embedded(ASObject)

    /// Reads a string or an object (a `Link` contributes its `href`); nil for anything else.
    public init?(_ value: JSONValue) {
        switch value {
        case .string(let id):
            self = .link(id)
        case .object(let properties):
            let object = ASObject(properties: properties)
            if object.id == nil, object.type == "Link" || object.type == "Mention", let href = object.string("href") {
                self = .link(href)
            } else {
                self = .embedded(object)
            }
        default:
            return nil
        }
    }

    /// The referenced id (an embedded object's `id`).
    public var id: String? {
        switch self {
        case .link(let id): return id
        case .embedded(let object): return object.id
        }
    }

    /// The embedded object, if there is one.
    public var embedded: ASObject? {
        if case .embedded(let object) = self { return object }
        return nil
    }
}
