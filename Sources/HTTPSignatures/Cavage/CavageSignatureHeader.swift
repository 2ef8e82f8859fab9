import Foundation

/// The parameters of a draft-cavage `Signature` header (or `Authorization: Signature …`).
public struct CavageSignatureHeader: Sendable, Equatable {
    /// `keyId`: the URL of the signing key.
    public var keyID: String
    /// `algorithm` as written (`rsa-sha256`, `hs2019`), nil when absent.
    public var algorithm: String?
    /// `headers`: the covered header names and pseudo-headers, lower-cased, in order.
    public var headers: [String]
    /// `signature`, decoded.
    public var signature: Data
    /// `created`, seconds since 1970.
    public var created: Int?
    /// `expires`, seconds since 1970.
    public var expires: Int?

    /// Makes a header value.
    public init(keyID: String, algorithm: String?, headers: [String], signature: Data, created: Int? = nil, expires: Int? = nil) {
        self.keyID = keyID
        self.algorithm = algorithm
        self.headers = headers
        self.signature = signature
        self.created = created
        self.expires = expires
    }

    /// The longest header value parsed.
    public static let maximumLength = 16 * 1024

    /// The most parameters a header may have (cavage-12 defines six; extensions get room).
    public static let maximumParameters = 32

    /// Parses `keyId="…",algorithm="…",headers="…",signature="…"`; an `Authorization` value keeps its `Signature ` prefix.
    public static func parse(_ value: String, field: String = "Signature") throws(SignatureError) -> CavageSignatureHeader {
        guard value.utf8.count <= maximumLength else {
            throw SignatureError.malformedHeader(field: field, detail: "longer than \(maximumLength) bytes")
        }
        var text = Substring(value)
        if field.utf8.count == 13, field.lowercased() == "authorization" {
            guard text.lowercased().hasPrefix("signature ") else {
                throw SignatureError.malformedHeader(field: field, detail: "the Authorization scheme is not 'Signature'")
            }
            text = text.dropFirst("signature ".count)
        }
        // A handful of parameters: a linear scan beats hashing them into a dictionary. cavage-12 defines six; more than
        // `maximumParameters` is refused before the duplicate check, which would otherwise cost the square of the count.
        let parameters = try pairs(text, field: field)
        guard parameters.count <= maximumParameters else {
            throw SignatureError.malformedHeader(field: field, detail: "more than \(maximumParameters) parameters")
        }
        for (offset, pair) in parameters.enumerated() where parameters[..<offset].contains(where: { $0.0 == pair.0 }) {
            throw SignatureError.duplicateParameter(pair.0)
        }
        func parameter(_ name: String) -> String? { parameters.first { $0.0 == name }?.1 }
        guard let keyID = parameter("keyid"), !keyID.isEmpty else { throw SignatureError.missingParameter("keyId") }
        guard let encoded = parameter("signature"), !encoded.isEmpty else { throw SignatureError.missingParameter("signature") }
        guard let signature = Data(base64Encoded: encoded) else {
            throw SignatureError.malformedParameter(name: "signature", detail: "not base64")
        }
        let headers = coveredNames(parameter("headers") ?? "date")
        guard !headers.isEmpty else { throw SignatureError.malformedParameter(name: "headers", detail: "empty") }
        return CavageSignatureHeader(
            keyID: keyID, algorithm: parameter("algorithm"), headers: headers, signature: signature,
            created: try integer(parameter("created"), name: "created"),
            expires: try integer(parameter("expires"), name: "expires"))
    }

    /// `headers="(request-target) Host date"` → `["(request-target)", "host", "date"]`, ASCII-lowercased.
    private static func coveredNames(_ list: String) -> [String] {
        list.utf8.split(separator: UInt8(ascii: " ")).map { name in
            String(decoding: name.map { (65...90).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
    }

    /// The header value: `keyId="…",algorithm="…",headers="…",signature="…"` (plus created/expires when set).
    public var serialized: String {
        var parts = ["keyId=\"\(keyID)\""]
        if let algorithm { parts.append("algorithm=\"\(algorithm)\"") }
        if let created { parts.append("created=\(created)") }
        if let expires { parts.append("expires=\(expires)") }
        parts.append("headers=\"\(headers.joined(separator: " "))\"")
        parts.append("signature=\"\(signature.base64EncodedString())\"")
        return parts.joined(separator: ",")
    }

    /// Splits `name=value,name="quoted, value"` into lower-cased names and unquoted values. Works on UTF-8 bytes:
    /// it runs on every inbox request.
    private static func pairs(_ text: Substring, field: String) throws(SignatureError) -> [(String, String)] {
        var text = text
        let parsed: Result<[(String, String)], SignatureError> = text.withUTF8 { bytes in
            do throws(SignatureError) {
                return .success(try pairs(bytes: bytes, field: field))
            } catch {
                return .failure(error)
            }
        }
        return try parsed.get()
    }

    private static func pairs(bytes: UnsafeBufferPointer<UInt8>, field: String) throws(SignatureError) -> [(String, String)] {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
        var result: [(String, String)] = []
        var index = 0
        func skipSpace() { while index < bytes.count, bytes[index] == space || bytes[index] == tab { index += 1 } }
        func excerpt(_ from: Int) -> String { String(decoding: bytes[from..<min(bytes.count, from + 40)], as: UTF8.self) }
        skipSpace()
        while index < bytes.count {
            let nameStart = index
            var hasUpperCase = false
            while index < bytes.count, bytes[index] != UInt8(ascii: "=") {
                let byte = bytes[index]
                let lowered = (65...90).contains(byte) ? byte | 0x20 : byte
                hasUpperCase = hasUpperCase || lowered != byte
                guard (97...122).contains(lowered) || (48...57).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") else {
                    if byte == space || byte == tab || byte == comma {
                        throw SignatureError.malformedHeader(field: field, detail: "'\(excerpt(nameStart))' is not name=value")
                    }
                    let word = String(decoding: bytes[nameStart...].prefix { $0 != UInt8(ascii: "=") && $0 != comma }, as: UTF8.self)
                    throw SignatureError.malformedHeader(field: field, detail: "'\(word.lowercased().prefix(40))' is not a parameter name")
                }
                index += 1
            }
            guard index < bytes.count, index > nameStart else {
                throw SignatureError.malformedHeader(field: field, detail: "'\(excerpt(nameStart))' is not name=value")
            }
            let rawName = bytes[nameStart..<index]
            let parameter = hasUpperCase
                ? String(decoding: rawName.map { (65...90).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
                : String(decoding: rawName, as: UTF8.self)
            index += 1  // '='
            let value: String
            if index < bytes.count, bytes[index] == quote {
                index += 1
                let start = index
                var escaped = false
                while index < bytes.count, bytes[index] != quote {
                    if bytes[index] == UInt8(ascii: "\\") { escaped = true; index += 1 }
                    index += 1
                }
                guard index < bytes.count else { throw SignatureError.malformedParameter(name: parameter, detail: "the quoted value is not closed") }
                if escaped {
                    var unescaped: [UInt8] = []
                    var position = start
                    while position < index {
                        if bytes[position] == UInt8(ascii: "\\") { position += 1 }
                        if position < index { unescaped.append(bytes[position]) }
                        position += 1
                    }
                    value = String(decoding: unescaped, as: UTF8.self)
                } else {
                    value = String(decoding: bytes[start..<index], as: UTF8.self)
                }
                index += 1  // closing quote
            } else {
                let start = index
                while index < bytes.count, bytes[index] != comma { index += 1 }
                var end = index
                while end > start, bytes[end - 1] == space || bytes[end - 1] == tab { end -= 1 }
                value = String(decoding: bytes[start..<end], as: UTF8.self)
            }
            result.append((parameter, value))
            skipSpace()
            if index < bytes.count {
                guard bytes[index] == comma else {
                    throw SignatureError.malformedHeader(field: field, detail: "expected ',' after parameter '\(parameter)'")
                }
                index += 1
                skipSpace()
            }
        }
        return result
    }

    /// `created`/`expires` are integers; some servers quote them, and a decimal fraction is cut (cavage-12 allows it).
    private static func integer(_ text: String?, name: String) throws(SignatureError) -> Int? {
        guard let text else { return nil }
        let whole = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard let value = Int(whole), whole.count <= 12 else {
            throw SignatureError.malformedParameter(name: name, detail: "'\(text.prefix(20))' is not a Unix time")
        }
        return value
    }
}
