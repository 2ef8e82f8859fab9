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

    /// Parses `keyId="…",algorithm="…",headers="…",signature="…"`; an `Authorization` value keeps its `Signature ` prefix.
    public static func parse(_ value: String, field: String = "Signature") throws(SignatureError) -> CavageSignatureHeader {
        guard value.utf8.count <= maximumLength else {
            throw SignatureError.malformedHeader(field: field, detail: "longer than \(maximumLength) bytes")
        }
        var text = Substring(value.trimmingCharacters(in: .whitespaces))
        if field.lowercased() == "authorization" {
            guard text.lowercased().hasPrefix("signature ") else {
                throw SignatureError.malformedHeader(field: field, detail: "the Authorization scheme is not 'Signature'")
            }
            text = text.dropFirst("signature ".count)
        }
        var parameters: [String: String] = [:]
        for (name, parameterValue) in try pairs(text, field: field) {
            guard parameters[name] == nil else { throw SignatureError.duplicateParameter(name) }
            parameters[name] = parameterValue
        }
        guard let keyID = parameters["keyid"], !keyID.isEmpty else { throw SignatureError.missingParameter("keyId") }
        guard let encoded = parameters["signature"], !encoded.isEmpty else { throw SignatureError.missingParameter("signature") }
        guard let signature = Data(base64Encoded: encoded) else {
            throw SignatureError.malformedParameter(name: "signature", detail: "not base64")
        }
        let headers = (parameters["headers"] ?? "date").lowercased().split(separator: " ").map(String.init)
        guard !headers.isEmpty else { throw SignatureError.malformedParameter(name: "headers", detail: "empty") }
        return CavageSignatureHeader(
            keyID: keyID, algorithm: parameters["algorithm"], headers: headers, signature: signature,
            created: try integer(parameters["created"], name: "created"),
            expires: try integer(parameters["expires"], name: "expires"))
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

    /// Splits `name=value,name="quoted, value"` into lower-cased names and unquoted values.
    private static func pairs(_ text: Substring, field: String) throws(SignatureError) -> [(String, String)] {
        var result: [(String, String)] = []
        var rest = text
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else {
                throw SignatureError.malformedHeader(field: field, detail: "'\(rest.prefix(40))' is not name=value")
            }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw SignatureError.malformedHeader(field: field, detail: "'\(name.prefix(40))' is not a parameter name")
            }
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\\", let escaped = rest.first {
                        value.append(escaped)
                        rest = rest.dropFirst()
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { throw SignatureError.malformedParameter(name: name, detail: "the quoted value is not closed") }
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            result.append((name, value))
            rest = rest.drop { $0 == " " || $0 == "\t" }
            if rest.first == "," {
                rest = rest.dropFirst()
            } else if !rest.isEmpty {
                throw SignatureError.malformedHeader(field: field, detail: "expected ',' after parameter '\(name)'")
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
