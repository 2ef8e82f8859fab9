import Crypto
import Foundation
import RawStructuredFieldValues

/// Body digests: draft-cavage's `Digest: SHA-256=<base64>` (RFC 3230) and RFC 9530's
/// `Content-Digest: sha-256=:<base64>:`.
public enum BodyDigest {
    /// `SHA-256=<base64>` for a `Digest` header.
    public static func digestHeader(for body: Data) -> String {
        "SHA-256=" + Data(SHA256.hash(data: body)).base64EncodedString()
    }

    /// `sha-256=:<base64>:` for a `Content-Digest` header.
    public static func contentDigestHeader(for body: Data) -> String {
        "sha-256=:" + Data(SHA256.hash(data: body)).base64EncodedString() + ":"
    }

    /// Checks a `Digest` header against the body. Labels are case-insensitive (bovine sends `sha-256=`);
    /// several comma-separated digests may be given, and each supported one must match.
    public static func checkDigestHeader(_ header: String, body: Data) throws(SignatureError) {
        var checked = 0
        for entry in header.utf8.split(separator: UInt8(ascii: ",")) {
            let trimmed = entry.drop { $0 == UInt8(ascii: " ") }
            guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) else {
                throw SignatureError.malformedHeader(field: "Digest", detail: "'\(String(decoding: trimmed.prefix(40), as: UTF8.self))' has no '='")
            }
            let label = String(decoding: trimmed[..<equals], as: UTF8.self).lowercased()
            var valueBytes = trimmed[trimmed.index(after: equals)...]
            while valueBytes.last == UInt8(ascii: " ") { valueBytes = valueBytes.dropLast() }
            let value = String(decoding: valueBytes, as: UTF8.self)
            guard let expected = Data(base64Encoded: value) else {
                throw SignatureError.malformedHeader(field: "Digest", detail: "the \(label) value is not base64")
            }
            guard let computed = hash(label, body) else { continue }
            guard computed == expected else {
                throw SignatureError.digestMismatch(algorithm: label.uppercased(), expected: value, computed: computed.base64EncodedString())
            }
            checked += 1
        }
        guard checked > 0 else { throw SignatureError.unsupportedDigest(header) }
    }

    /// Checks a `Content-Digest` header (a structured dictionary) against the body.
    public static func checkContentDigest(_ header: String, body: Data) throws(SignatureError) {
        let dictionary: OrderedMap<String, ItemOrInnerList>
        do {
            if let quick = QuickStructuredFields.dictionary(header) {
                dictionary = quick
            } else {
                var parser = StructuredFieldValueParser(Array(header.utf8))
                dictionary = try parser.parseDictionaryFieldValue()
            }
        } catch {
            throw SignatureError.malformedHeader(field: "Content-Digest", detail: "not a structured-field dictionary (\(error))")
        }
        var checked = 0
        for (label, member) in dictionary {
            guard case .item(let item) = member, case .undecodedByteSequence(let encoded) = item.rfc9651BareItem,
                let expected = Data(base64Encoded: encoded)
            else { throw SignatureError.malformedHeader(field: "Content-Digest", detail: "the \(label) member is not a byte sequence") }
            guard let computed = hash(label.lowercased(), body) else { continue }
            guard computed == expected else {
                throw SignatureError.digestMismatch(algorithm: label, expected: encoded, computed: computed.base64EncodedString())
            }
            checked += 1
        }
        guard checked > 0 else { throw SignatureError.unsupportedDigest(header) }
    }

    private static func hash(_ label: String, _ body: Data) -> Data? {
        switch label {
        case "sha-256": return Data(SHA256.hash(data: body))
        case "sha-512": return Data(SHA512.hash(data: body))
        default: return nil
        }
    }
}
