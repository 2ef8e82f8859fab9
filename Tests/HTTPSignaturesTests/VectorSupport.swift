import Foundation
import HTTPSignatures
import PalisadeTesting
import Testing

/// Loading the published vectors under `fixtures/http-signatures/`.
enum Vectors {
    static func text(_ path: String) throws -> String {
        try Fixtures.text("http-signatures/" + path)
    }

    static func message(_ path: String, adding headerFile: String? = nil) throws -> HTTPMessage {
        // The w3c-ccg messages declare a Content-Length but ship headers only.
        let headersOnly = path.hasPrefix("w3c-ccg-test-suite/")
        var message = try RawHTTPMessage.parse(Fixtures.url("http-signatures/" + path).contents(), requireFullBody: !headersOnly)
        if let headerFile {
            for line in try text(headerFile).split(separator: "\n") where line.contains(":") {
                let colon = line.firstIndex(of: ":")!
                message.fields.append(.init(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        return message
    }

    /// A draft-cavage appendix header printed folded over several lines, joined back into one value.
    static func unfoldedHeader(_ path: String) throws -> (name: String, value: String) {
        let lines = try text(path).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var joined = ""
        for line in lines where !line.isEmpty {
            joined += (joined.hasSuffix(")") ? " " : "") + line
        }
        let colon = joined.firstIndex(of: ":")!
        return (String(joined[..<colon]), joined[joined.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }

    static func publicKey(_ path: String) throws -> VerificationKey {
        try VerificationKey(pem: text(path))
    }

    static func privateKey(_ path: String) throws -> SigningKey {
        try SigningKey(pem: text(path))
    }

    /// The RFC 9421 Appendix B.1 shared secret (base64 text).
    static func sharedSecret() throws -> Data {
        try #require(Data(base64Encoded: text("rfc9421/unfolded/keys/test-shared-secret.txt").trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    static func date(_ iso: String) -> Date {
        try! Date(iso, strategy: .iso8601)
    }
}

extension URL {
    func contents() throws -> Data { try Data(contentsOf: self) }
}
