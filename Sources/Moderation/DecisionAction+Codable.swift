import Foundation

extension DecisionAction: Codable {
    /// The action's name as the API, the audit log and tenant settings spell it.
    public var name: String {
        switch self {
        case .dismiss: return "dismiss"
        case .markSensitive: return "mark_sensitive"
        case .silence: return "silence"
        case .suspend: return "suspend"
        case .defederate: return "defederate"
        }
    }

    /// Every action name, in order of severity.
    public static let names = ["dismiss", "mark_sensitive", "silence", "suspend", "defederate"]

    enum CodingKeys: String, CodingKey {
        case action, domain, severity, rejectMedia = "reject_media", rejectReports = "reject_reports"
    }

    /// `{"action": "suspend"}`; a defederation adds `domain`, `severity`, `reject_media`, `reject_reports`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .action)
        switch name {
        case "dismiss": self = .dismiss
        case "mark_sensitive": self = .markSensitive
        case "silence": self = .silence
        case "suspend": self = .suspend
        case "defederate":
            let domain = try container.decode(String.self, forKey: .domain)
            guard let host = InstanceDomain(domain) else {
                throw DecodingError.dataCorruptedError(forKey: .domain, in: container, debugDescription: "'\(domain)' is not a host name")
            }
            let severityName = try container.decodeIfPresent(String.self, forKey: .severity) ?? "suspend"
            guard let severity = Severity(rawValue: severityName) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .severity, in: container, debugDescription: "severity is 'silence' or 'suspend', not '\(severityName)'")
            }
            self = .defederate(
                domain: host.value, severity: severity,
                rejectMedia: try container.decodeIfPresent(Bool.self, forKey: .rejectMedia) ?? false,
                rejectReports: try container.decodeIfPresent(Bool.self, forKey: .rejectReports) ?? false)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .action, in: container,
                debugDescription: "unknown action '\(name)'; one of \(Self.names.joined(separator: ", "))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .action)
        if case .defederate(let domain, let severity, let rejectMedia, let rejectReports) = self {
            try container.encode(domain, forKey: .domain)
            try container.encode(severity.rawValue, forKey: .severity)
            try container.encode(rejectMedia, forKey: .rejectMedia)
            try container.encode(rejectReports, forKey: .rejectReports)
        }
    }
}
