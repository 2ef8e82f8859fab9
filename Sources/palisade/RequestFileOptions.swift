import ArgumentParser
import Foundation
import HTTPSignatures
import Server

/// The request file, its scheme and the time, shared by `signatures sign` and `signatures verify`.
struct RequestFileOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A raw HTTP/1.1 request: request line, headers, blank line, body (CRLF or LF); '-' reads standard input.", valueName: "request-file"))
    var requestFile: String

    @Option(help: ArgumentHelp("The scheme @target-uri is rebuilt with.", valueName: "https|http"))
    var scheme = "https"

    @Option(help: ArgumentHelp("The time to sign or verify at: ISO 8601, an HTTP date, or Unix seconds (default: now).", valueName: "time"))
    var now: String?

    func validate() throws {
        guard ["https", "http"].contains(scheme) else { throw ValidationError("--scheme must be https or http") }
        if let now, Self.parseTime(now) == nil {
            throw ValidationError("--now '\(now)' is not ISO 8601 (2026-11-27T12:00:00Z), an HTTP date or Unix seconds")
        }
    }

    /// The parsed request.
    func message() throws -> HTTPMessage {
        let data: Data
        if requestFile == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: requestFile) else {
                throw ValidationError("cannot read request file \(requestFile)")
            }
            data = contents
        }
        return try RawHTTPMessage.parse(data, scheme: scheme)
    }

    /// `--now`, or the wall clock.
    var time: Date {
        now.flatMap(Self.parseTime) ?? SystemClock.now()
    }

    static func parseTime(_ text: String) -> Date? {
        if let seconds = Int(text) { return Date(timeIntervalSince1970: TimeInterval(seconds)) }
        if let date = HTTPDate.parse(text) { return date }
        return try? Date(text, strategy: .iso8601)
    }

    /// The text of a key file.
    static func keyText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("cannot read key file \(path)")
        }
        return text
    }
}
