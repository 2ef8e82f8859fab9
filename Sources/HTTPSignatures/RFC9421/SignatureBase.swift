import Foundation
import RawStructuredFieldValues

/// RFC 9421 §2.5: the signature base of a message for one signature input.
public enum SignatureBase {
    /// The base: one `"component": value` line per covered component, then `"@signature-params": (…)`, joined by `\n`.
    public static func build(for message: HTTPMessage, input: MessageSignatureInput) throws(SignatureError) -> String {
        var lines: [String] = []
        var seen = Set<String>()
        for component in input.components {
            let identifier = try MessageSignatureInput.serialize(component)
            guard seen.insert(identifier).inserted else {
                throw SignatureError.malformedHeader(field: "Signature-Input", detail: "component \(identifier) is listed twice")
            }
            guard case .string(let name) = component.rfc9651BareItem else {
                throw SignatureError.malformedHeader(field: "Signature-Input", detail: "component \(identifier) is not a string")
            }
            for value in try values(of: name, parameters: component.rfc9651Parameters, in: message) {
                guard !value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else {
                    throw SignatureError.malformedMessage("the value of \(identifier) contains a line break")
                }
                lines.append("\(identifier): \(value)")
            }
        }
        lines.append("\"@signature-params\": \(try input.serializedInnerList())")
        return lines.joined(separator: "\n")
    }

    private static func values(
        of name: String, parameters: OrderedMap<String, RFC9651BareItem>, in message: HTTPMessage
    ) throws(SignatureError) -> [String] {
        if name.hasPrefix("@") {
            return try derived(name, parameters: parameters, in: message)
        }
        // Component names are structured-field strings: ASCII, so no capital letter means lower case.
        guard !name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw SignatureError.malformedHeader(field: "Signature-Input", detail: "field name \"\(name)\" must be lower case")
        }
        // Most components have no parameters: no lookups in an empty map.
        let hasParameters = !parameters.isEmpty
        if hasParameters {
            for (parameter, _) in parameters where !["sf", "key", "bs"].contains(parameter) {
                throw SignatureError.unsupportedAlgorithm("component parameter ;\(parameter) on \"\(name)\"")
            }
        }
        let raw = message.values(of: name)
        guard !raw.isEmpty else { throw SignatureError.missingCoveredComponent(name) }
        if !hasParameters { return [raw.count == 1 ? raw[0] : raw.joined(separator: ", ")] }
        if parameters["bs"] != nil {
            let wrapped = raw.map { ":" + Data($0.utf8).base64EncodedString() + ":" }
            return [wrapped.joined(separator: ", ")]
        }
        let combined = raw.joined(separator: ", ")
        if case .string(let key)? = parameters["key"] {
            let dictionary = try parseDictionary(combined, field: name)
            guard let member = dictionary[key] else { throw SignatureError.missingCoveredComponent("\(name);key=\"\(key)\"") }
            return [try serialize(dictionary: [(key, member)], field: name, memberOnly: true)]
        }
        if parameters["sf"] != nil {
            if let dictionary = try? parseDictionary(combined, field: name) {
                return [try serialize(dictionary: Array(dictionary), field: name, memberOnly: false)]
            }
            do {
                var parser = StructuredFieldValueParser(Array(combined.utf8))
                let list = try parser.parseListFieldValue()
                var serializer = StructuredFieldValueSerializer()
                return [String(decoding: try serializer.writeListFieldValue(list), as: UTF8.self)]
            } catch {
                throw SignatureError.malformedHeader(field: name, detail: "covered with ;sf but not a structured field")
            }
        }
        return [combined]
    }

    private static func derived(
        _ name: String, parameters: OrderedMap<String, RFC9651BareItem>, in message: HTTPMessage
    ) throws(SignatureError) -> [String] {
        if name != "@query-param", !parameters.isEmpty, let (parameter, _) = parameters.first(where: { _ in true }) {
            throw SignatureError.unsupportedAlgorithm("component parameter ;\(parameter) on \"\(name)\"")
        }
        let isRequest = message.status == nil
        switch name {
        case "@method" where isRequest:
            return [message.method]
        case "@target-uri" where isRequest:
            guard let authority = normalisedAuthority(message) else { throw SignatureError.missingCoveredComponent("@target-uri (no Host)") }
            return ["\(message.scheme.lowercased())://\(authority)\(message.target)"]
        case "@authority" where isRequest:
            guard let authority = normalisedAuthority(message) else { throw SignatureError.missingCoveredComponent("@authority (no Host)") }
            return [authority]
        case "@scheme" where isRequest:
            return [message.scheme.lowercased()]
        case "@request-target" where isRequest:
            return [message.target]
        case "@path" where isRequest:
            return [message.path]
        case "@query" where isRequest:
            return ["?" + (message.query ?? "")]
        case "@query-param" where isRequest:
            guard case .string(let wanted)? = parameters["name"] else {
                throw SignatureError.malformedHeader(field: "Signature-Input", detail: "\"@query-param\" needs a name parameter")
            }
            let found = queryParameters(message.query ?? "").filter { $0.name == wanted }.map(\.value)
            guard !found.isEmpty else { throw SignatureError.missingCoveredComponent("@query-param;name=\"\(wanted)\"") }
            return found
        case "@status" where !isRequest:
            return [String(format: "%03d", message.status ?? 0)]
        default:
            throw SignatureError.missingCoveredComponent(name)
        }
    }

    /// Host, lower-cased, without the scheme's default port.
    static func normalisedAuthority(_ message: HTTPMessage) -> String? {
        guard var authority = message.authority else { return nil }
        let scheme = message.scheme.lowercased()
        if scheme == "https", authority.hasSuffix(":443") { authority.removeLast(4) }
        if scheme == "http", authority.hasSuffix(":80") { authority.removeLast(3) }
        return authority
    }

    /// Query parameters, decoded as `application/x-www-form-urlencoded` and re-encoded (RFC 9421 §2.2.8).
    private static func queryParameters(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func recode(_ text: Substring?) -> String {
                let decoded = (text.map(String.init) ?? "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text ?? "")
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                return decoded.addingPercentEncoding(withAllowedCharacters: allowed) ?? decoded
            }
            return (recode(parts.first), recode(parts.count > 1 ? parts[1] : nil))
        }
    }

    private static func parseDictionary(_ text: String, field: String) throws(SignatureError) -> OrderedMap<String, ItemOrInnerList> {
        do {
            var parser = StructuredFieldValueParser(Array(text.utf8))
            return try parser.parseDictionaryFieldValue()
        } catch {
            throw SignatureError.malformedHeader(field: field, detail: "covered as a structured dictionary but not one")
        }
    }

    private static func serialize(dictionary: [(String, ItemOrInnerList)], field: String, memberOnly: Bool) throws(SignatureError) -> String {
        do {
            var serializer = StructuredFieldValueSerializer()
            if memberOnly, let (_, member) = dictionary.first {
                switch member {
                case .item(let item): return String(decoding: try serializer.writeItemFieldValue(item), as: UTF8.self)
                case .innerList(let list): return String(decoding: try serializer.writeListFieldValue([.innerList(list)]), as: UTF8.self)
                }
            }
            var map = OrderedMap<String, ItemOrInnerList>()
            for (key, value) in dictionary { map[key] = value }
            return String(decoding: try serializer.writeDictionaryFieldValue(map), as: UTF8.self)
        } catch {
            throw SignatureError.malformedHeader(field: field, detail: "cannot be re-serialized: \(error)")
        }
    }
}
