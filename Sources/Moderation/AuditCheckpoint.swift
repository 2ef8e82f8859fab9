import Foundation

/// The heads of every audit chain at one moment, signed with the audit key: exported outside the database (a file
/// beside it, and wherever the operator copies that file), so deleting the last rows or rewriting a chain shows as a
/// chain that no longer reaches, or no longer matches, its last checkpoint.
public struct AuditCheckpoint: Sendable, Equatable {
    /// One chain's head.
    public struct Head: Sendable, Equatable, Codable {
        /// The chain (0: the service chain).
        public let tenantID: TenantID
        /// Its last row.
        public let sequence: Int64
        /// That row's hash.
        public let hash: String
        /// The chain's last unkeyed (legacy) row.
        public let legacyThrough: Int64

        /// Makes a head.
        public init(tenantID: TenantID, sequence: Int64, hash: String, legacyThrough: Int64) {
            self.tenantID = tenantID
            self.sequence = sequence
            self.hash = hash
            self.legacyThrough = legacyThrough
        }

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant", sequence = "seq", hash, legacyThrough = "legacy_through"
        }
    }

    /// When, in milliseconds since 1970.
    public let atMilliseconds: Int64
    /// Every chain's head, by tenant id.
    public let heads: [Head]
    /// HMAC-SHA256 (hex) with the audit key over the above.
    public let mac: String

    /// A checkpoint of `heads` at `date`, signed with `key`.
    public static func signed(heads: [Head], at date: Date, key: AuditKey) -> AuditCheckpoint {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let sorted = heads.sorted { $0.tenantID < $1.tenantID }
        return AuditCheckpoint(atMilliseconds: milliseconds, heads: sorted, mac: key.mac(signedText(at: milliseconds, heads: sorted)))
    }

    /// When, as a date.
    public var at: Date { Date(timeIntervalSince1970: Double(atMilliseconds) / 1000) }

    /// The head of chain `tenantID`, if it was checkpointed.
    public func head(of tenantID: TenantID) -> Head? { heads.first { $0.tenantID == tenantID } }

    /// Whether `key` signed it.
    public func isAuthentic(key: AuditKey) -> Bool {
        key.mac(Self.signedText(at: atMilliseconds, heads: heads)) == mac
    }

    /// Whether it records the same heads as `other` (nothing was written in between).
    public func sameHeads(as other: AuditCheckpoint) -> Bool { heads == other.heads }

    private static func signedText(at milliseconds: Int64, heads: [Head]) -> Data {
        var text = "palisade-audit-checkpoint-v1\n\(milliseconds)\n"
        for head in heads { text += "\(head.tenantID) \(head.sequence) \(head.hash) \(head.legacyThrough)\n" }
        return Data(text.utf8)
    }

    private struct Line: Codable {
        let at: Int64
        let heads: [Head]
        let mac: String
    }

    /// One line of JSON: `{"at":…,"heads":[{"tenant","seq","hash","legacy_through"}],"mac":"…"}`.
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(Line(at: atMilliseconds, heads: heads, mac: mac))) ?? Data(), as: UTF8.self)
    }

    /// Reads a line written by `line`; nil when it is not one.
    public init?(line: String) {
        guard let decoded = try? JSONDecoder().decode(Line.self, from: Data(line.utf8)) else { return nil }
        self.init(atMilliseconds: decoded.at, heads: decoded.heads, mac: decoded.mac)
    }

    private init(atMilliseconds: Int64, heads: [Head], mac: String) {
        self.atMilliseconds = atMilliseconds
        self.heads = heads
        self.mac = mac
    }
}

/// Where checkpoints are kept, outside the database (append-only).
public protocol AuditCheckpointLog: Sendable {
    /// The last checkpoint written (nil: none yet); throws when the last entry cannot be read.
    func last() async throws -> AuditCheckpoint?
    /// Appends a checkpoint.
    func append(_ checkpoint: AuditCheckpoint) async throws
}

/// Why a checkpoint was not written or not read.
public enum AuditCheckpointError: Error, Equatable, CustomStringConvertible {
    /// The chains no longer continue the last checkpoint: nothing is checkpointed over a tampered chain.
    case diverged([AuditProblem])
    /// The last checkpoint is not signed with the audit key (forged, or another key).
    case notAuthentic(path: String)
    /// The checkpoint file cannot be read or written.
    case file(path: String, detail: String)

    public var description: String {
        switch self {
        case .diverged(let problems):
            return "not checkpointing: " + problems.map(\.description).joined(separator: "; ")
        case .notAuthentic(let path):
            return "the last checkpoint in \(path) is not signed with this audit key (forged, or the key changed)"
        case .file(let path, let detail): return "audit checkpoints \(path): \(detail)"
        }
    }
}
