import Foundation
import RawStructuredFieldValues

/// One RFC 9421 signature on a message: its label, covered components, parameters, and the signature bytes.
public struct MessageSignatureInput: Sendable {
    /// The dictionary label (`sig1`).
    public var label: String
    /// The covered components as structured-field items (a string with parameters such as `name="Pet"`).
    public var components: [Item]
    /// The signature parameters (`created`, `expires`, `keyid`, `alg`, `nonce`, `tag`), in order.
    public var parameters: OrderedMap<String, RFC9651BareItem> {
        didSet { known = Known(parameters) }
    }
    /// The parameters verification reads, taken out of `parameters` once (a lookup there is a linear search through
    /// generic code, and verification asks for them several times).
    private var known: Known
    /// The signature; empty until signed.
    public var signature: Data

    /// The covered component identifiers as they appear in the signature base (`"@method"`, `"@query-param";name="Pet"`).
    public var componentNames: [String] {
        components.map { (try? MessageSignatureInput.serialize($0)) ?? "?" }
    }

    /// `created`, seconds since 1970.
    public var created: Int? { known.created }
    /// `expires`, seconds since 1970.
    public var expires: Int? { known.expires }
    /// `keyid`.
    public var keyID: String? { known.keyID }
    /// `alg`.
    public var algorithm: String? { known.algorithm }

    /// `created`, `expires`, `keyid` and `alg`, where they have their types.
    private struct Known: Sendable {
        var created: Int?
        var expires: Int?
        var keyID: String?
        var algorithm: String?

        init(_ parameters: OrderedMap<String, RFC9651BareItem>) {
            for (name, value) in parameters {
                switch (name, value) {
                case ("created", .integer(let number)): created = Int(number)
                case ("expires", .integer(let number)): expires = Int(number)
                case ("keyid", .string(let text)): keyID = text
                case ("alg", .string(let text)): algorithm = text
                default: continue
                }
            }
        }
    }

    /// A new input to sign.
    public init(label: String, components: [String], created: Int?, keyID: String, algorithm: SignatureAlgorithm? = nil, expires: Int? = nil) {
        self.label = label
        self.components = components.map { Item(bareItem: RFC9651BareItem.string($0), parameters: OrderedMap<String, RFC9651BareItem>()) }
        var parameters = OrderedMap<String, RFC9651BareItem>()
        if let created { parameters["created"] = .integer(Int64(created)) }
        if let expires { parameters["expires"] = .integer(Int64(expires)) }
        parameters["keyid"] = .string(keyID)
        if let algorithm { parameters["alg"] = .string(algorithm.rawValue) }
        self.parameters = parameters
        known = Known(parameters)
        self.signature = Data()
    }

    init(label: String, components: [Item], parameters: OrderedMap<String, RFC9651BareItem>, signature: Data) {
        self.label = label
        self.components = components
        self.parameters = parameters
        known = Known(parameters)
        self.signature = signature
    }

    /// The longest `Signature-Input` or `Signature` header parsed.
    public static let maximumLength = 16 * 1024

    /// Every signature on the message: `Signature-Input` members joined with their `Signature` members by label.
    public static func all(in message: HTTPMessage) throws(SignatureError) -> [MessageSignatureInput] {
        guard let inputText = message.combinedValue(of: "signature-input") else { return [] }
        let signatureText = message.combinedValue(of: "signature") ?? ""
        let inputs = try dictionary(inputText, field: "Signature-Input")
        let signatures = try dictionary(signatureText, field: "Signature")
        var result: [MessageSignatureInput] = []
        for (label, member) in inputs {
            guard case .innerList(let list) = member else {
                throw SignatureError.malformedHeader(field: "Signature-Input", detail: "member '\(label)' is not an inner list of components")
            }
            for item in list.bareInnerList {
                guard case .string = item.rfc9651BareItem else {
                    throw SignatureError.malformedHeader(field: "Signature-Input", detail: "member '\(label)' lists a component that is not a string")
                }
            }
            for (name, value) in list.rfc9651Parameters {
                switch (name, value) {
                case ("created", .integer), ("expires", .integer), ("keyid", .string), ("alg", .string), ("nonce", .string), ("tag", .string):
                    continue
                case ("created", _), ("expires", _):
                    throw SignatureError.malformedParameter(name: name, detail: "must be an integer")
                case ("keyid", _), ("alg", _), ("nonce", _), ("tag", _):
                    throw SignatureError.malformedParameter(name: name, detail: "must be a string")
                default:
                    continue  // unknown parameters are covered by the signature but otherwise ignored
                }
            }
            guard case .item(let signatureItem)? = signatures[label], case .undecodedByteSequence(let encoded) = signatureItem.rfc9651BareItem,
                let bytes = Data(base64Encoded: encoded)
            else {
                throw SignatureError.malformedHeader(field: "Signature", detail: "no byte-sequence signature for label '\(label)'")
            }
            result.append(MessageSignatureInput(label: label, components: Array(list.bareInnerList), parameters: list.rfc9651Parameters, signature: bytes))
        }
        return result
    }

    /// The `Signature-Input` member value: `("@method" …);created=…;keyid="…"`.
    public func serializedInnerList() throws(SignatureError) -> String {
        if let quick = QuickStructuredFields.serialize(innerList: components, parameters: parameters) { return quick }
        do {
            var serializer = StructuredFieldValueSerializer()
            let bytes = try serializer.writeListFieldValue([.innerList(InnerList(bareInnerList: BareInnerList(components), parameters: parameters))])
            return String(decoding: bytes, as: UTF8.self)
        } catch {
            throw SignatureError.malformedHeader(field: "Signature-Input", detail: "cannot be serialized: \(error)")
        }
    }

    static func serialize(_ item: Item) throws(SignatureError) -> String {
        if let quick = QuickStructuredFields.serialize(item) { return quick }
        do {
            var serializer = StructuredFieldValueSerializer()
            return String(decoding: try serializer.writeItemFieldValue(item), as: UTF8.self)
        } catch {
            throw SignatureError.malformedHeader(field: "Signature-Input", detail: "a component cannot be serialized: \(error)")
        }
    }

    private static func dictionary(_ text: String, field: String) throws(SignatureError) -> OrderedMap<String, ItemOrInnerList> {
        guard text.utf8.count <= maximumLength else { throw SignatureError.malformedHeader(field: field, detail: "longer than \(maximumLength) bytes") }
        if let quick = QuickStructuredFields.dictionary(text) { return quick }
        do {
            var parser = StructuredFieldValueParser(Array(text.utf8))
            return try parser.parseDictionaryFieldValue()
        } catch {
            throw SignatureError.malformedHeader(field: field, detail: "not a structured-field dictionary (\(error))")
        }
    }
}

extension BareInnerList {
    init(_ items: [Item]) {
        self.init()
        for item in items { append(item) }
    }
}
