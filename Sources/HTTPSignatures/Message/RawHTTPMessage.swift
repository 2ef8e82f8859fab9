import Foundation

/// Reads and writes raw HTTP/1.1 messages as text (request or status line, header lines, a blank line, the body),
/// with CRLF or LF line endings: the request files `palisade signatures` works on.
public enum RawHTTPMessage {
    /// The largest header block read, so a hostile file cannot exhaust memory.
    public static let maximumHeaderBytes = 256 * 1024

    /// Parses a raw request or response; the body is everything after the first blank line, cut to `Content-Length`
    /// when the file has more (a trailing newline). A shorter body is an error unless `requireFullBody` is false
    /// (header-only test messages).
    public static func parse(_ data: Data, scheme: String = "https", requireFullBody: Bool = true) throws(SignatureError) -> HTTPMessage {
        let bytes = [UInt8](data)
        var headerEnd: Int?
        var bodyStart = bytes.count
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                let next = index + 1
                if next < bytes.count, bytes[next] == UInt8(ascii: "\n") {
                    headerEnd = index
                    bodyStart = next + 1
                    break
                }
                if next + 1 < bytes.count, bytes[next] == UInt8(ascii: "\r"), bytes[next + 1] == UInt8(ascii: "\n") {
                    headerEnd = index
                    bodyStart = next + 2
                    break
                }
            }
            index += 1
        }
        let head = Array(bytes[..<(headerEnd ?? bytes.count)])
        guard head.count <= maximumHeaderBytes else {
            throw SignatureError.malformedMessage("the header block is larger than \(maximumHeaderBytes) bytes")
        }
        guard let text = String(bytes: head, encoding: .utf8) else {
            throw SignatureError.malformedMessage("the header block is not UTF-8 text")
        }
        // Swift treats "\r\n" as one Character, so normalise line endings before splitting.
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        while lines.last == "" { lines.removeLast() }
        guard let startLine = lines.first, !startLine.isEmpty else {
            throw SignatureError.malformedMessage("the message is empty: expected a request line such as 'POST /inbox HTTP/1.1'")
        }
        var fields: [HTTPMessage.Field] = []
        for (offset, line) in lines.dropFirst().enumerated() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw SignatureError.malformedMessage("line \(offset + 2) is not a header field ('Name: value'): \(line.prefix(80))")
            }
            let name = String(line[..<colon])
            guard name.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != ":" }) else {
                throw SignatureError.malformedMessage("line \(offset + 2) has an invalid field name '\(name.prefix(80))'")
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            fields.append(HTTPMessage.Field(name, value))
        }
        var body = Data(bytes[min(bodyStart, bytes.count)...])
        // A request file usually ends with a newline the body does not have: Content-Length says where the body ends.
        if let declared = fields.last(where: { $0.name.lowercased() == "content-length" }).map(\.value) {
            guard let length = Int(declared), length >= 0 else {
                throw SignatureError.malformedMessage("Content-Length '\(declared.prefix(20))' is not a number")
            }
            guard length <= body.count || !requireFullBody else {
                throw SignatureError.malformedMessage("Content-Length is \(length) but the body has only \(body.count) bytes")
            }
            body = body.prefix(length)
        }
        let parts = startLine.split(separator: " ", omittingEmptySubsequences: true)
        if parts.first?.hasPrefix("HTTP/") == true {
            guard parts.count >= 2, let status = Int(parts[1]), (100...999).contains(status) else {
                throw SignatureError.malformedMessage("'\(startLine.prefix(80))' is not a status line such as 'HTTP/1.1 200 OK'")
            }
            return HTTPMessage(status: status, fields: fields, body: body)
        }
        guard parts.count == 3, parts[2].hasPrefix("HTTP/"), parts[1].hasPrefix("/") || parts[1] == "*" else {
            throw SignatureError.malformedMessage("'\(startLine.prefix(80))' is not a request line such as 'POST /inbox HTTP/1.1'")
        }
        guard parts[0].allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw SignatureError.malformedMessage("'\(parts[0].prefix(20))' is not an HTTP method")
        }
        return HTTPMessage(method: String(parts[0]), target: String(parts[1]), scheme: scheme, fields: fields, body: body)
    }

    /// Writes the message back as text with CRLF line endings.
    public static func serialize(_ message: HTTPMessage) -> Data {
        var text: String
        if let status = message.status {
            text = "HTTP/1.1 \(status)\r\n"
        } else {
            text = "\(message.method) \(message.target) HTTP/1.1\r\n"
        }
        for field in message.fields { text += "\(field.name): \(field.value)\r\n" }
        text += "\r\n"
        return Data(text.utf8) + message.body
    }
}
