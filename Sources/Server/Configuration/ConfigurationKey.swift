import Foundation
import Logging

/// One value as written in the YAML file or an environment variable, before it is checked against its key.
struct ConfigurationInput {
    /// The YAML type the value was written as; environment values are `.untyped` and read by the key's type.
    enum Kind: Equatable {
        case string, integer, boolean, float, null, untyped
    }

    let text: String
    let kind: Kind
}

/// What is wrong with a value, in words; the loader adds where it was written.
struct ValueProblem: Error {
    let message: String
}

/// A configuration key: its dotted path, what it means, how its value is read, and how it is shown.
struct ConfigurationKey: Sendable {
    let path: String
    let summary: String
    let isSecret: Bool
    let apply: @Sendable (inout PalisadeConfiguration, ConfigurationInput) throws(ValueProblem) -> Void
    /// The value as a YAML scalar (plain or quoted), nil when unset.
    let render: @Sendable (PalisadeConfiguration) -> String?

    /// Every key Palisade reads, in the order `--print-config` shows them.
    static let all: [ConfigurationKey] = [
        ConfigurationKey(
            path: "base_url", summary: "public URL in every id (default: http:// + listen)", isSecret: false,
            apply: { config, input throws(ValueProblem) in config.baseURL = try readBaseURL(input) },
            render: { $0.baseURL.map { yamlScalar($0.absoluteString) } }
        ),
        ConfigurationKey(
            path: "listen", summary: "address the HTTP server listens on", isSecret: false,
            apply: { config, input throws(ValueProblem) in config.listen = try readListen(input) },
            render: { yamlScalar($0.listen.description) }
        ),
        ConfigurationKey(
            path: "data_dir", summary: "directory of the SQLite database and other state", isSecret: false,
            apply: { config, input throws(ValueProblem) in config.dataDirectory = try readPath(input) },
            render: { yamlScalar($0.dataDirectory) }
        ),
        ConfigurationKey(
            path: "rules_dir", summary: "directory of rule files", isSecret: false,
            apply: { config, input throws(ValueProblem) in config.rulesDirectory = try readPath(input) },
            render: { yamlScalar($0.rulesDirectory) }
        ),
        ConfigurationKey(
            path: "overlays_dir", summary: "directory of tenant rule overlays: OVERLAYS_DIR/SLUG adds to the global rules", isSecret: false,
            apply: { config, input throws(ValueProblem) in config.overlaysDirectory = try readPath(input) },
            render: { yamlScalar($0.overlaysDirectory) }
        ),
        ConfigurationKey(
            path: "log.level", summary: "trace, debug, info, notice, warning, error or critical", isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.log.level = try readChoice(input, Logger.Level.allCases.map { ($0.rawValue, $0) })
            },
            render: { $0.log.level.rawValue }
        ),
        ConfigurationKey(
            path: "log.format", summary: "text or json", isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.log.format = try readChoice(input, LogFormat.allCases.map { ($0.rawValue, $0) })
            },
            render: { $0.log.format.rawValue }
        ),
        ConfigurationKey(
            path: "limits.body_bytes", summary: "largest request body accepted, in bytes (1024 to 104857600)", isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.limits.bodyBytes = try readInteger(input, in: 1024...104_857_600)
            },
            render: { String($0.limits.bodyBytes) }
        ),
        ConfigurationKey(
            path: "limits.connections", summary: "open connections at once, over all clients (16 to 1000000; kept below the file limit)",
            isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.limits.connections = try readInteger(input, in: 16...1_000_000)
            },
            render: { String($0.limits.connections) }
        ),
        ConfigurationKey(
            path: "limits.connections_per_address", summary: "open connections at once from one client address (1 to 1000000)", isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.limits.connectionsPerAddress = try readInteger(input, in: 1...1_000_000)
            },
            render: { String($0.limits.connectionsPerAddress) }
        ),
        ConfigurationKey(
            path: "limits.request_seconds", summary: "time allowed to send a request's head and body, before the body's own allowance (1 to 3600)",
            isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.limits.requestSeconds = try readInteger(input, in: 1...3600)
            },
            render: { String($0.limits.requestSeconds) }
        ),
        ConfigurationKey(
            path: "limits.body_bytes_per_second", summary: "slowest body upload accepted, added to request_seconds per byte (1 to 1073741824)",
            isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.limits.bodyBytesPerSecond = try readInteger(input, in: 1...1_073_741_824)
            },
            render: { String($0.limits.bodyBytesPerSecond) }
        ),
        ConfigurationKey(
            path: "signatures.clock_skew_past", summary: "tolerated signature age beyond its validity (seconds, or 30s/5m/1h)", isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.signatures.clockSkewPastSeconds = try readDuration(input, max: 86_400)
            },
            render: { renderDuration($0.signatures.clockSkewPastSeconds) }
        ),
        ConfigurationKey(
            path: "signatures.clock_skew_future", summary: "tolerated signature creation time in the future (seconds, or 30s/5m/1h)", isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.signatures.clockSkewFutureSeconds = try readDuration(input, max: 86_400)
            },
            render: { renderDuration($0.signatures.clockSkewFutureSeconds) }
        ),
        ConfigurationKey(
            path: "federation.allow_private_addresses", summary: "allow fetching from private, loopback and link-local addresses", isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.federation.allowPrivateAddresses = try readBoolean(input)
            },
            render: { String($0.federation.allowPrivateAddresses) }
        ),
        ConfigurationKey(
            path: "delivery.concurrency", summary: "deliveries in flight at once (1 to 256)", isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.delivery.concurrency = try readInteger(input, in: 1...256)
            },
            render: { String($0.delivery.concurrency) }
        ),
        ConfigurationKey(
            path: "delivery.per_host_concurrency", summary: "deliveries in flight to one host at once (1 to 64)", isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.delivery.perHostConcurrency = try readInteger(input, in: 1...64)
            },
            render: { String($0.delivery.perHostConcurrency) }
        ),
        ConfigurationKey(
            path: "rules.allow_failing_tests", summary: "take a rule set whose own tests fail at start or reload (default: refuse it, the running set stays)",
            isSecret: false,
            apply: { config, input throws(ValueProblem) in config.rules.allowFailingTests = try readBoolean(input) },
            render: { String($0.rules.allowFailingTests) }
        ),
        ConfigurationKey(
            path: "admin.token", summary: "bearer token of the admin API under /api/v1/admin (unset: admin API off)", isSecret: true,
            apply: { config, input throws(ValueProblem) in
                config.admin.token = input.kind == .null || input.text.isEmpty ? nil : try readSecret(input)
            },
            render: { $0.admin.token.map(yamlScalar) }
        ),
        ConfigurationKey(
            path: "audit.key_file", summary: "file of the audit chain's HMAC key, 32 bytes, mode 0600 (default: DATA_DIR/audit.key, created on first start)",
            isSecret: false,
            apply: { config, input throws(ValueProblem) in
                config.audit.keyFile = input.kind == .null || input.text.isEmpty ? nil : try readPath(input)
            },
            render: { $0.audit.keyFile.map(yamlScalar) }
        ),
        ConfigurationKey(
            path: "audit.checkpoint_interval", summary: "how often the audit chains' heads are checkpointed outside the database (1s to 1h)",
            isSecret: false,
            apply: { config, input throws(ValueProblem) in
                let seconds = try readDuration(input, max: 3600)
                guard seconds >= 1 else { throw ValueProblem(message: "expected at least 1s, got 0") }
                config.audit.checkpointIntervalSeconds = seconds
            },
            render: { renderDuration($0.audit.checkpointIntervalSeconds) }
        ),
        ConfigurationKey(
            path: "metrics.token", summary: "bearer token /metrics on the main listener requires (unset: /metrics is not served there)",
            isSecret: true,
            apply: { config, input throws(ValueProblem) in
                config.metrics.token = input.kind == .null || input.text.isEmpty ? nil : try readSecret(input)
            },
            render: { $0.metrics.token.map(yamlScalar) }
        ),
        ConfigurationKey(
            path: "metrics.listen", summary: "a loopback host:port serving /metrics without a token (unset: none)", isSecret: false,
            apply: { config, input throws(ValueProblem) in
                if input.kind == .null || input.text.isEmpty {
                    config.metrics.listen = nil
                    return
                }
                let address = try readListen(input)
                guard ["127.0.0.1", "::1", "localhost"].contains(address.host) || address.host.hasPrefix("127.") else {
                    throw ValueProblem(message: "metrics.listen serves metrics without a token, so it must be a loopback address, got '\(address)'")
                }
                config.metrics.listen = address
            },
            render: { $0.metrics.listen.map { yamlScalar($0.description) } }
        ),
    ]

    /// The sections keys are grouped in (`log`, `limits`, …).
    static let sections: Set<String> = Set(all.compactMap { key in
        key.path.contains(".") ? String(key.path.prefix { $0 != "." }) : nil
    })

    static let byPath: [String: ConfigurationKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
}

// MARK: - Readers, one per kind of value

private func requireText(_ input: ConfigurationInput, expected: String) throws(ValueProblem) -> String {
    switch input.kind {
    case .null: throw ValueProblem(message: "has no value; expected \(expected) (remove the line to use the default)")
    case .boolean, .float: throw ValueProblem(message: "expected \(expected), got '\(input.text)'")
    default: return input.text
    }
}

private func readPath(_ input: ConfigurationInput) throws(ValueProblem) -> String {
    let text = try requireText(input, expected: "a directory path")
    guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw ValueProblem(message: "expected a directory path, got an empty string")
    }
    guard !text.contains("\0") else { throw ValueProblem(message: "a path cannot contain a NUL character") }
    return text
}

private func readSecret(_ input: ConfigurationInput) throws(ValueProblem) -> String {
    let text = try requireText(input, expected: "a token")
    guard text.count >= 16 else { throw ValueProblem(message: "is too short; use at least 16 characters") }
    guard text.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else {
        throw ValueProblem(message: "may only hold printable ASCII without spaces")
    }
    return text
}

private func readBaseURL(_ input: ConfigurationInput) throws(ValueProblem) -> URL? {
    let expected = "an absolute http(s) URL such as https://mod.example.org"
    // Optional: null in YAML or an empty variable means "derive it from listen".
    if input.kind == .null || (input.text.isEmpty && input.kind == .untyped) { return nil }
    let text = try requireText(input, expected: expected)
    guard let components = URLComponents(string: text),
        let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
        let host = components.host, !host.isEmpty
    else { throw ValueProblem(message: "expected \(expected), got '\(text)'") }
    guard components.query == nil, components.fragment == nil, components.user == nil else {
        throw ValueProblem(message: "must not carry a query, a fragment or credentials, got '\(text)'")
    }
    var trimmed = text
    while trimmed.hasSuffix("/") { trimmed.removeLast() }
    guard let url = URL(string: trimmed) else { throw ValueProblem(message: "expected \(expected), got '\(text)'") }
    return url
}

private func readListen(_ input: ConfigurationInput) throws(ValueProblem) -> ListenAddress {
    let expected = "host:port such as 127.0.0.1:8080 or [::1]:8080"
    let text = try requireText(input, expected: expected)
    let host: Substring
    let portText: Substring
    if text.hasPrefix("[") {
        guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
            throw ValueProblem(message: "expected \(expected), got '\(text)'")
        }
        host = text[text.index(after: text.startIndex)..<close]
        portText = text[text.index(close, offsetBy: 2)...]
    } else {
        guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
            throw ValueProblem(message: "expected \(expected), got '\(text)'")
        }
        host = text[..<colon]
        portText = text[text.index(after: colon)...]
    }
    guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:_".contains($0) }) else {
        throw ValueProblem(message: "expected \(expected), got '\(text)'")
    }
    guard let port = Int(portText), (0...65535).contains(port) else {
        throw ValueProblem(message: "the port must be a number from 0 to 65535, got '\(portText)'")
    }
    return ListenAddress(host: String(host), port: port)
}

private func readChoice<Value>(_ input: ConfigurationInput, _ choices: [(String, Value)]) throws(ValueProblem) -> Value {
    let names = choices.map(\.0)
    let text = try requireText(input, expected: "one of \(names.joined(separator: ", "))")
    guard let match = choices.first(where: { $0.0 == text.lowercased() }) else {
        throw ValueProblem(message: "expected one of \(names.joined(separator: ", ")), got '\(text)'")
    }
    return match.1
}

private func readInteger(_ input: ConfigurationInput, in range: ClosedRange<Int>) throws(ValueProblem) -> Int {
    let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
    guard input.kind == .integer || input.kind == .untyped, let value = Int(input.text.replacingOccurrences(of: "_", with: "")) else {
        throw ValueProblem(message: "expected \(expected), got \(describe(input))")
    }
    guard range.contains(value) else { throw ValueProblem(message: "expected \(expected), got \(value)") }
    return value
}

private func readBoolean(_ input: ConfigurationInput) throws(ValueProblem) -> Bool {
    let text = input.text.lowercased()
    var truths = ["true", "yes", "on"]
    var falsehoods = ["false", "no", "off"]
    if input.kind == .untyped {
        truths.append("1")
        falsehoods.append("0")
    }
    if input.kind == .boolean || input.kind == .untyped {
        if truths.contains(text) { return true }
        if falsehoods.contains(text) { return false }
    }
    throw ValueProblem(message: "expected true or false, got \(describe(input))")
}

/// Seconds as an integer, or a string of hours, minutes and seconds: `90s`, `5m`, `1h30m`.
private func readDuration(_ input: ConfigurationInput, max: Int) throws(ValueProblem) -> Int {
    let expected = "a duration in seconds or as 30s, 5m, 1h (at most \(renderDuration(max)))"
    var seconds: Int?
    switch input.kind {
    case .integer, .untyped:
        seconds = Int(input.text) ?? (input.kind == .untyped ? parseDuration(input.text) : nil)
    case .string:
        seconds = parseDuration(input.text)
    default:
        seconds = nil
    }
    guard let seconds else { throw ValueProblem(message: "expected \(expected), got \(describe(input))") }
    guard (0...max).contains(seconds) else { throw ValueProblem(message: "expected \(expected), got \(renderDuration(seconds))") }
    return seconds
}

func parseDuration(_ text: String) -> Int? {
    var total = 0
    var digits = ""
    var lastUnit = Int.max
    for character in text {
        if character.isASCII, character.isNumber {
            digits.append(character)
            continue
        }
        let unit: Int
        switch character {
        case "h": unit = 3600
        case "m": unit = 60
        case "s": unit = 1
        default: return nil
        }
        guard unit < lastUnit, let amount = Int(digits), amount <= 1_000_000 else { return nil }
        total += amount * unit
        digits = ""
        lastUnit = unit
    }
    guard digits.isEmpty, lastUnit != Int.max else { return nil }
    return total
}

func renderDuration(_ seconds: Int) -> String {
    if seconds == 0 { return "0s" }
    var parts = ""
    if seconds >= 3600 { parts += "\(seconds / 3600)h" }
    if seconds % 3600 >= 60 { parts += "\(seconds % 3600 / 60)m" }
    if seconds % 60 > 0 { parts += "\(seconds % 60)s" }
    return parts
}

private func describe(_ input: ConfigurationInput) -> String {
    switch input.kind {
    case .null: return "no value"
    case .string: return "the string '\(input.text)'"
    default: return "'\(input.text)'"
    }
}
