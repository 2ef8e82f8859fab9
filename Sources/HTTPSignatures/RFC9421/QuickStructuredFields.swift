import RawStructuredFieldValues

/// Byte-level parsing and serialisation of the structured fields signatures carry (`Signature-Input`, `Signature`,
/// `Content-Digest`): dictionaries of items and inner lists whose bare items are integers, strings, tokens, byte
/// sequences and booleans, with parameters. That is every field Mastodon, FASP and the http-message-signatures
/// libraries produce. Anything else (decimals, dates, display strings, a repeated key) gives nil, and the general
/// parser of swift-http-structured-headers decides, as it does for every malformed field (its errors name what
/// failed). Where this parser answers, it answers what the general one would (a differential test checks).
/// RFC 9421 verification spent most of its time in the general parser's unspecialised generic code.
enum QuickStructuredFields {
    /// A dictionary field value (RFC 9651 §4.2.2), or nil (see above).
    static func dictionary(_ text: String) -> OrderedMap<String, ItemOrInnerList>? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return reader.dictionary()
        }
    }

    /// An item as a field value (`"@query-param";name="Pet"`), or nil for bare items it does not write.
    static func serialize(_ item: Item) -> String? {
        var output: [UInt8] = []
        guard write(item, to: &output) else { return nil }
        return String(decoding: output, as: UTF8.self)
    }

    /// An inner list with parameters as a list member (`("@method" …);created=…`), or nil.
    static func serialize(innerList items: [Item], parameters: OrderedMap<String, RFC9651BareItem>) -> String? {
        var output: [UInt8] = [UInt8(ascii: "(")]
        for (index, item) in items.enumerated() {
            if index > 0 { output.append(UInt8(ascii: " ")) }
            guard write(item, to: &output) else { return nil }
        }
        output.append(UInt8(ascii: ")"))
        guard write(parameters, to: &output) else { return nil }
        return String(decoding: output, as: UTF8.self)
    }

    private static func write(_ item: Item, to output: inout [UInt8]) -> Bool {
        write(item.rfc9651BareItem, to: &output) && write(item.rfc9651Parameters, to: &output)
    }

    private static func write(_ parameters: OrderedMap<String, RFC9651BareItem>, to output: inout [UInt8]) -> Bool {
        for (key, value) in parameters {
            guard isKey(key) else { return false }
            output.append(UInt8(ascii: ";"))
            output += key.utf8
            if case .bool(true) = value { continue }
            output.append(UInt8(ascii: "="))
            guard write(value, to: &output) else { return false }
        }
        return true
    }

    private static func write(_ bare: RFC9651BareItem, to output: inout [UInt8]) -> Bool {
        switch bare {
        case .bool(let value):
            output += value ? Array("?1".utf8) : Array("?0".utf8)
        case .integer(let value):
            guard abs(value) <= 999_999_999_999_999 else { return false }
            output += String(value).utf8
        case .string(let value):
            output.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                guard byte >= 0x20, byte <= 0x7E else { return false }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { output.append(UInt8(ascii: "\\")) }
                output.append(byte)
            }
            output.append(UInt8(ascii: "\""))
        case .token(let value):
            guard let first = value.utf8.first, isAlpha(first) || first == UInt8(ascii: "*"), value.utf8.allSatisfy(isTokenCharacter) else { return false }
            output += value.utf8
        case .undecodedByteSequence(let value):
            guard value.utf8.allSatisfy(isBase64Character) else { return false }
            output.append(UInt8(ascii: ":"))
            output += value.utf8
            output.append(UInt8(ascii: ":"))
        case .decimal, .date, .displayString:
            return false
        }
        return true
    }

    private static func isKey(_ key: String) -> Bool {
        guard let first = key.utf8.first, isLowercase(first) || first == UInt8(ascii: "*") else { return false }
        return key.utf8.allSatisfy(isKeyCharacter)
    }

    static func isLowercase(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isAlpha(_ byte: UInt8) -> Bool { isLowercase(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) }
    static func isKeyCharacter(_ byte: UInt8) -> Bool {
        isLowercase(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "*")
    }
    /// RFC 9110 tchar, ":" and "/".
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        return Array("!#$%&'*+-.^_`|~:/".utf8).contains(byte)
    }
    static func isBase64Character(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }

    /// A cursor over a field value's bytes; every method returns nil where the general parser should decide.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skip(_ byte: UInt8) { while current == byte { index += 1 } }

        mutating func skipWhiteSpace() { while current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") { index += 1 } }

        mutating func dictionary() -> OrderedMap<String, ItemOrInnerList>? {
            var result = OrderedMap<String, ItemOrInnerList>()
            // Keys seen, checked here (a lookup in the map is a linear search through generic code).
            var keys: [String] = []
            skip(UInt8(ascii: " "))
            guard current != nil else { return nil }  // an empty field: the general parser's answer
            while current != nil {
                guard let key = key(), !keys.contains(key) else { return nil }
                keys.append(key)
                let member: ItemOrInnerList
                if current == UInt8(ascii: "=") {
                    index += 1
                    if current == UInt8(ascii: "(") {
                        guard let list = innerList() else { return nil }
                        member = .innerList(list)
                    } else {
                        guard let item = item() else { return nil }
                        member = .item(item)
                    }
                } else {
                    guard let parameters = parameters() else { return nil }
                    member = .item(Item(bareItem: .bool(true), parameters: parameters))
                }
                result[key] = member
                skipWhiteSpace()
                guard current != nil else { return result }
                guard current == UInt8(ascii: ",") else { return nil }
                index += 1
                skipWhiteSpace()
                guard current != nil else { return nil }  // a trailing comma
            }
            return result
        }

        mutating func innerList() -> InnerList? {
            index += 1  // "("
            var items = BareInnerList()
            while true {
                skip(UInt8(ascii: " "))
                guard let byte = current else { return nil }
                if byte == UInt8(ascii: ")") {
                    index += 1
                    guard let parameters = parameters() else { return nil }
                    return InnerList(bareInnerList: items, parameters: parameters)
                }
                guard let item = item() else { return nil }
                items.append(item)
                guard current == UInt8(ascii: " ") || current == UInt8(ascii: ")") else { return nil }
            }
        }

        mutating func item() -> Item? {
            guard let bare = bareItem(), let parameters = parameters() else { return nil }
            return Item(bareItem: bare, parameters: parameters)
        }

        mutating func parameters() -> OrderedMap<String, RFC9651BareItem>? {
            var result = OrderedMap<String, RFC9651BareItem>()
            var keys: [String] = []
            while current == UInt8(ascii: ";") {
                index += 1
                skip(UInt8(ascii: " "))
                guard let key = key(), !keys.contains(key) else { return nil }
                keys.append(key)
                if current == UInt8(ascii: "=") {
                    index += 1
                    guard let value = bareItem() else { return nil }
                    result[key] = value
                } else {
                    result[key] = .bool(true)
                }
            }
            return result
        }

        mutating func key() -> String? {
            guard let first = current, isLowercase(first) || first == UInt8(ascii: "*") else { return nil }
            let start = index
            while let byte = current, isKeyCharacter(byte) { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        mutating func bareItem() -> RFC9651BareItem? {
            guard let byte = current else { return nil }
            switch byte {
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: ":"): return byteSequence()
            case UInt8(ascii: "?"):
                guard index + 1 < bytes.count else { return nil }
                let value = bytes[index + 1]
                guard value == UInt8(ascii: "0") || value == UInt8(ascii: "1") else { return nil }
                index += 2
                return .bool(value == UInt8(ascii: "1"))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return integer()
            default:
                guard isAlpha(byte) || byte == UInt8(ascii: "*") else { return nil }
                let start = index
                index += 1
                while let next = current, isTokenCharacter(next) { index += 1 }
                return .token(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
            }
        }

        mutating func integer() -> RFC9651BareItem? {
            var negative = false
            if current == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            var value: Int64 = 0
            var digits = 0
            while let byte = current, isDigit(byte) {
                digits += 1
                guard digits <= 15 else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                index += 1
            }
            // No digit, or a decimal: the general parser.
            guard digits > 0, current != UInt8(ascii: ".") else { return nil }
            return .integer(negative ? -value : value)
        }

        mutating func string() -> RFC9651BareItem? {
            index += 1  // opening quote
            var output: [UInt8] = []
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return .string(String(decoding: output, as: UTF8.self))
                case UInt8(ascii: "\\"):
                    guard let escaped = current, escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\") else { return nil }
                    output.append(escaped)
                    index += 1
                case 0x20...0x7E:
                    output.append(byte)
                default:
                    return nil
                }
            }
            return nil  // unterminated
        }

        mutating func byteSequence() -> RFC9651BareItem? {
            index += 1  // opening colon
            let start = index
            while let byte = current, byte != UInt8(ascii: ":") {
                guard isBase64Character(byte) else { return nil }
                index += 1
            }
            guard current == UInt8(ascii: ":") else { return nil }
            let encoded = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            index += 1
            return .undecodedByteSequence(encoded)
        }
    }
}
