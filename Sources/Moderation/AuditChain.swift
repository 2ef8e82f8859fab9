import Crypto
import Foundation

/// One row of a tenant's audit log: who did what, when, why, under which rule-set version, chained by hashes.
public struct AuditEntry: Sendable, Equatable {
    /// The tenant (0: service-wide events, such as creating a tenant).
    public let tenantID: TenantID
    /// Position in the tenant's chain, from 1.
    public let sequence: Int64
    /// When, in milliseconds since 1970 (what is hashed).
    public let atMilliseconds: Int64
    /// Who: a moderator's name, `rule:ID`, `system` or `operator`.
    public let actor: String
    /// What: `intake`, `claim`, `release`, `decide`, `approve`, `note`, `escalate`, `rule_decision`, `appeal`, …
    public let kind: String
    /// The case, when the event is about one.
    public let caseID: Int64?
    /// The detail (why, what changed), as canonical JSON text.
    public let detail: String
    /// The rule-set version in force.
    public let ruleSetVersion: String?
    /// The previous row's hash (empty for the first row).
    public let previousHash: String
    /// SHA-256 over all of the above.
    public let hash: String

    /// A row as stored (verification recomputes `hash`).
    public init(
        tenantID: TenantID, sequence: Int64, atMilliseconds: Int64, actor: String, kind: String, caseID: Int64?, detail: String,
        ruleSetVersion: String?, previousHash: String, hash: String
    ) {
        self.tenantID = tenantID
        self.sequence = sequence
        self.atMilliseconds = atMilliseconds
        self.actor = actor
        self.kind = kind
        self.caseID = caseID
        self.detail = detail
        self.ruleSetVersion = ruleSetVersion
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The next row after `previous` (nil: the first), with its hash computed.
    public static func next(
        after previous: (sequence: Int64, hash: String)?, tenantID: TenantID, at date: Date, actor: String, kind: String, caseID: Int64?,
        detail: String, ruleSetVersion: String?
    ) -> AuditEntry {
        let sequence = (previous?.sequence ?? 0) + 1
        let previousHash = previous?.hash ?? ""
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let hash = AuditChain.hash(
            tenantID: tenantID, sequence: sequence, atMilliseconds: milliseconds, actor: actor, kind: kind, caseID: caseID, detail: detail,
            ruleSetVersion: ruleSetVersion, previousHash: previousHash)
        return AuditEntry(
            tenantID: tenantID, sequence: sequence, atMilliseconds: milliseconds, actor: actor, kind: kind, caseID: caseID, detail: detail,
            ruleSetVersion: ruleSetVersion, previousHash: previousHash, hash: hash)
    }

    /// When, as a date.
    public var at: Date { Date(timeIntervalSince1970: Double(atMilliseconds) / 1000) }

    /// How a person finds the row: `row 7 (2026-11-27T18:00:00Z, claim by alice, case 3)`.
    public var label: String {
        "row \(sequence) (\(at.formatted(.iso8601)), \(kind) by \(actor)\(caseID.map { ", case \($0)" } ?? ""))"
    }
}

/// What verification found wrong with a chain, naming the row.
public struct AuditProblem: Sendable, Equatable, CustomStringConvertible {
    /// The tenant's slug (or `service`).
    public let chain: String
    /// The sentence.
    public let message: String

    public var description: String { "\(chain): \(message)" }
}

/// The hash chain of the audit log: hashing a row, and checking a whole chain against its recorded head.
public enum AuditChain {
    /// SHA-256 (hex) over the row's fields, each length-prefixed so no two rows can collide by shifting text.
    public static func hash(
        tenantID: TenantID, sequence: Int64, atMilliseconds: Int64, actor: String, kind: String, caseID: Int64?, detail: String,
        ruleSetVersion: String?, previousHash: String
    ) -> String {
        var hasher = SHA256()
        for field in [
            "palisade-audit-v1", String(tenantID), String(sequence), String(atMilliseconds), actor, kind, caseID.map(String.init) ?? "",
            detail, ruleSetVersion ?? "", previousHash,
        ] {
            let bytes = Data(field.utf8)
            hasher.update(data: Data(String(bytes.count).utf8) + Data(":".utf8) + bytes)
        }
        return hex(hasher.finalize())
    }

    /// Lower-case hex of `bytes` (without `String(format:)`, which costs more than the hash).
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(64)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Checks `rows` (as stored, in sequence order) of the chain named `chain` against its recorded head: every edited,
    /// deleted, inserted or reordered row is named. Empty: the chain is intact.
    public static func verify(_ rows: [AuditEntry], chain: String, head: (sequence: Int64, hash: String)) -> [AuditProblem] {
        var problems: [AuditProblem] = []
        func problem(_ message: String) { problems.append(AuditProblem(chain: chain, message: message)) }
        var expectedSequence: Int64 = 1
        var previousHash = ""
        for row in rows {
            let recomputed = hash(
                tenantID: row.tenantID, sequence: row.sequence, atMilliseconds: row.atMilliseconds, actor: row.actor, kind: row.kind,
                caseID: row.caseID, detail: row.detail, ruleSetVersion: row.ruleSetVersion, previousHash: row.previousHash)
            if row.sequence > expectedSequence {
                let missing = expectedSequence == row.sequence - 1 ? "row \(expectedSequence) is" : "rows \(expectedSequence)–\(row.sequence - 1) are"
                problem("\(missing) missing (deleted): \(row.label) follows row \(expectedSequence - 1)")
            } else if row.sequence < expectedSequence {
                problem("\(row.label) is out of place after row \(expectedSequence - 1) (a row was inserted or renumbered)")
            }
            if recomputed != row.hash {
                if let original = originalSequence(of: row) {
                    problem("\(row.label) was reordered: it was written as row \(original)")
                } else {
                    problem("\(row.label) was edited: its content no longer matches its hash")
                }
            } else if row.previousHash != previousHash, row.sequence <= expectedSequence {
                problem("\(row.label) does not follow the row before it (rows reordered, or one deleted and renumbered)")
            }
            expectedSequence = row.sequence + 1
            previousHash = row.hash
        }
        if head.sequence > expectedSequence - 1 {
            problem("the chain ends at row \(expectedSequence - 1), but row \(head.sequence) was written: the last rows were deleted")
        } else if head.sequence == expectedSequence - 1, head.sequence > 0, head.hash != previousHash {
            problem("the last row \(head.sequence) is not the row that was written (edited or replaced)")
        }
        return problems
    }

    /// For a row whose hash fails: the nearby sequence number under which its content does hash (it was moved).
    private static func originalSequence(of row: AuditEntry) -> Int64? {
        for offset in 1...64 {
            for candidate in [row.sequence - Int64(offset), row.sequence + Int64(offset)] where candidate > 0 {
                let recomputed = hash(
                    tenantID: row.tenantID, sequence: candidate, atMilliseconds: row.atMilliseconds, actor: row.actor, kind: row.kind,
                    caseID: row.caseID, detail: row.detail, ruleSetVersion: row.ruleSetVersion, previousHash: row.previousHash)
                if recomputed == row.hash { return candidate }
            }
        }
        return nil
    }
}
