import Foundation
import SwiftASN1

/// One `-----BEGIN LABEL-----` block and the DER it holds.
struct PEMBlock {
    let label: String
    let der: [UInt8]

    /// Reads the first PEM block of `text`.
    init(_ text: String) throws(SignatureError) {
        do {
            let document = try PEMDocument(pemString: text.trimmingCharacters(in: .whitespacesAndNewlines))
            label = document.discriminator
            der = document.derBytes
        } catch {
            throw SignatureError.invalidKey("not a PEM block (expected '-----BEGIN PUBLIC KEY-----' or similar)")
        }
    }

    static let rsaEncryption = "1.2.840.113549.1.1.1"
    static let rsaPSS = "1.2.840.113549.1.1.10"

    /// For an SPKI or PKCS#8 document: the algorithm OID and the inner key bytes (the BIT STRING or OCTET STRING).
    func algorithmAndKey() -> (oid: String, key: [UInt8])? {
        guard let root = try? DER.parse(der), case .constructed(let children) = root.content else { return nil }
        var nodes = Array(children)
        if let first = nodes.first, first.identifier == .integer { nodes.removeFirst() }  // PKCS#8 version
        guard nodes.count >= 2, case .constructed(let algorithm) = nodes[0].content,
            let oidNode = algorithm.first(where: { $0.identifier == .objectIdentifier }),
            let oid = try? ASN1ObjectIdentifier(derEncoded: oidNode),
            case .primitive(let bytes) = nodes[1].content
        else { return nil }
        if nodes[1].identifier == .bitString {
            return (oid.description, Array(bytes.dropFirst()))  // skip the unused-bits byte
        }
        return (oid.description, Array(bytes))
    }
}
