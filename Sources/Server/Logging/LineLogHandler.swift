import Foundation
import Logging

/// Writes each log event as one line, plain text or a JSON object, to a `LogSink`.
public struct LineLogHandler: LogHandler {
    /// The handler's own level.
    public var logLevel: Logger.Level
    /// Metadata attached to every event of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Extra metadata computed per event.
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let format: LogFormat
    private let sink: LogSink

    /// A handler for `label` writing at `level` and above in `format` to `sink`.
    public init(label: String, level: Logger.Level, format: LogFormat, sink: LogSink) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.sink = sink
    }

    /// A handler's metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line for `event`.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error { merged["error"] = .string(String(describing: error)) }
        let line = LogLine(
            timestamp: sink.now(), level: event.level, label: label,
            message: event.message.description, metadata: merged)
        sink.write(format == .json ? line.json() : line.text())
    }
}

/// Where log lines go: standard error by default, or a buffer a test reads. Thread-safe.
public final class LogSink: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle?
    private var captured: [String] = []
    let now: @Sendable () -> Date

    /// Lines written to standard error.
    public static let standardError = LogSink(handle: .standardError, now: SystemClock.now)

    /// A sink that keeps lines in memory (`lines`), with the given clock.
    public static func capturing(now: @escaping @Sendable () -> Date = SystemClock.now) -> LogSink {
        LogSink(handle: nil, now: now)
    }

    private init(handle: FileHandle?, now: @escaping @Sendable () -> Date) {
        self.handle = handle
        self.now = now
    }

    /// Every line captured so far (empty for a file-backed sink).
    public var lines: [String] {
        lock.withLock { captured }
    }

    func write(_ line: String) {
        lock.withLock {
            if let handle {
                handle.write(Data((line + "\n").utf8))
            } else {
                captured.append(line)
            }
        }
    }
}

/// One rendered event.
struct LogLine {
    let timestamp: Date
    let level: Logger.Level
    let label: String
    let message: String
    let metadata: Logger.Metadata

    /// `2026-11-27T12:00:00.000Z info palisade: message key=value`
    func text() -> String {
        var out = "\(Self.format(timestamp)) \(level.rawValue) \(label): \(Self.sanitise(message))"
        for key in metadata.keys.sorted() {
            let value = Self.sanitise(metadata[key]!.description)
            let needsQuotes = value.isEmpty || value.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" })
            out += " \(key)=" + (needsQuotes ? "\"\(value.replacingOccurrences(of: "\"", with: "\\\""))\"" : value)
        }
        return out
    }

    /// `{"ts":"…","level":"info","label":"palisade","message":"…",…metadata}`
    func json() -> String {
        var object: [String: Any] = [
            "ts": Self.format(timestamp), "level": level.rawValue, "label": label, "message": message,
        ]
        for (key, value) in metadata where object[key] == nil {
            object[key] = Self.jsonValue(value)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return #"{"level":"error","message":"unencodable log line"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): return string
        case .stringConvertible(let convertible): return convertible.description
        case .array(let array): return array.map(jsonValue)
        case .dictionary(let dictionary): return dictionary.mapValues(jsonValue)
        }
    }

    /// Control characters (a hostile value's newlines and escapes) never reach a text log raw.
    private static func sanitise(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func format(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
