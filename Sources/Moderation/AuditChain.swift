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
    /// The rows the event is about (`decision:12`, `approval:12`, `sanctions:12`, `lift:40`) with the digest of each as
    /// it was written, as canonical JSON text; nil when it is about none.
    public let subjects: String?
    /// How `hash` is made: HMAC-SHA256 with the audit key, or (rows written before the key existed) plain SHA-256.
    public let mac: AuditMAC
    /// The MAC (or, for legacy rows, the SHA-256) over all of the above.
    public let hash: String

    /// A row as stored (verification recomputes `hash`).
    public init(
        tenantID: TenantID, sequence: Int64, atMilliseconds: Int64, actor: String, kind: String, caseID: Int64?, detail: String,
        ruleSetVersion: String?, previousHash: String, subjects: String? = nil, mac: AuditMAC = .sha256, hash: String
    ) {
        self.subjects = subjects
        self.mac = mac
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

    /// The next row after `previous` (nil: the first), MAC'd with `key`.
    public static func next(
        after previous: (sequence: Int64, hash: String)?, tenantID: TenantID, at date: Date, actor: String, kind: String, caseID: Int64?,
        detail: String, ruleSetVersion: String?, subjects: String? = nil, key: AuditKey
    ) -> AuditEntry {
        let sequence = (previous?.sequence ?? 0) + 1
        let previousHash = previous?.hash ?? ""
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let unsigned = AuditEntry(
            tenantID: tenantID, sequence: sequence, atMilliseconds: milliseconds, actor: actor, kind: kind, caseID: caseID, detail: detail,
            ruleSetVersion: ruleSetVersion, previousHash: previousHash, subjects: subjects, mac: .hmacSHA256, hash: "")
        return unsigned.with(hash: AuditChain.mac(of: unsigned, key: key))
    }

    /// The same row with another hash.
    func with(hash: String) -> AuditEntry {
        AuditEntry(
            tenantID: tenantID, sequence: sequence, atMilliseconds: atMilliseconds, actor: actor, kind: kind, caseID: caseID, detail: detail,
            ruleSetVersion: ruleSetVersion, previousHash: previousHash, subjects: subjects, mac: mac, hash: hash)
    }

    /// The same row as if written at `sequence` (to find where a moved row was written).
    func at(sequence: Int64) -> AuditEntry {
        AuditEntry(
            tenantID: tenantID, sequence: sequence, atMilliseconds: atMilliseconds, actor: actor, kind: kind, caseID: caseID, detail: detail,
            ruleSetVersion: ruleSetVersion, previousHash: previousHash, subjects: subjects, mac: mac, hash: hash)
    }

    /// The subjects and their digests as written (empty when none, or unreadable).
    public var subjectDigests: [String: String] {
        guard let subjects, let object = try? JSONSerialization.jsonObject(with: Data(subjects.utf8)) as? [String: String] else { return [:] }
        return object
    }

    /// When, as a date.
    public var at: Date { Date(timeIntervalSince1970: Double(atMilliseconds) / 1000) }

    /// How a person finds the row: `row 7 (2026-11-27T18:00:00Z, claim by alice, case 3)`.
    public var label: String {
        "row \(sequence) (\(at.formatted(.iso8601)), \(kind) by \(actor)\(caseID.map { ", case \($0)" } ?? ""))"
    }
}


/// What verification found wrong with a chain, naming the row.
public struct AuditProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The tenant's slug (or `service`).
    public let chain: String
    /// The sentence.
    public let message: String

    /// Makes a problem.
    public init(chain: String, message: String) {
        self.chain = chain
        self.message = message
    }

    public var description: String { "\(chain): \(message)" }
}

/// The rows audit rows are about, as they are now: the digest of each decision (`decision:ID`), approval
/// (`approval:ID`), decision's applied sanctions (`sanctions:ID`) and lifted sanction (`lift:ID`) of the chain, and
/// which of them must have been recorded by an audit row (those made since the chain was keyed).
public struct AuditSubjects: Sendable, Equatable {
    /// Each subject's digest now.
    public var current: [String: String]
    /// Subjects an audit row must name (made after the upgrade to a keyed chain).
    public var mustBeRecorded: Set<String>

    /// Makes the set.
    public init(current: [String: String] = [:], mustBeRecorded: Set<String> = []) {
        self.current = current
        self.mustBeRecorded = mustBeRecorded
    }

    /// SHA-256 (hex) of a subject's canonical fields, each length-prefixed.
    public static func digest(_ fields: [String]) -> String {
        var hasher = SHA256()
        for field in ["palisade-audit-subject-v1"] + fields {
            let bytes = Data(field.utf8)
            hasher.update(data: Data(String(bytes.count).utf8) + Data(":".utf8) + bytes)
        }
        return AuditChain.hex(hasher.finalize())
    }

    /// `{"decision:12":"…","sanctions:12":"…"}`: the canonical text an audit row stores (sorted keys).
    public static func canonical(_ digests: [String: String]) -> String? {
        guard !digests.isEmpty else { return nil }
        return "{" + digests.keys.sorted().map { "\"\($0)\":\"\(digests[$0]!)\"" }.joined(separator: ",") + "}"
    }
}

/// A chain as the store holds it: its rows in sequence order, the head recorded beside them, up to which row it is
/// legacy (plain SHA-256, written before the key existed), and the subjects its rows are about as they are now.
public struct AuditChainRecord: Sendable {
    /// The rows, in sequence order.
    public var rows: [AuditEntry]
    /// The head recorded in the database.
    public var head: (sequence: Int64, hash: String)
    /// The last row written before the chain was keyed (0: every row is keyed).
    public var legacyThrough: Int64
    /// The subjects of the rows, as they are now.
    public var subjects: AuditSubjects

    /// Makes a record.
    public init(rows: [AuditEntry], head: (sequence: Int64, hash: String), legacyThrough: Int64 = 0, subjects: AuditSubjects = AuditSubjects()) {
        self.rows = rows
        self.head = head
        self.legacyThrough = legacyThrough
        self.subjects = subjects
    }
}

/// The audit chain: MAC'ing a row, and checking a whole chain against its recorded head, the rows it is about and the
/// last checkpoint exported outside the database.
public enum AuditChain {
    /// The legacy hash: SHA-256 (hex) over the row's fields, each length-prefixed so no two rows can collide by shifting
    /// text (rows written before the chain was keyed).
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

    /// HMAC-SHA256 (hex) with `key` over the row's fields, its subjects and its MAC kind, each length-prefixed.
    public static func mac(of row: AuditEntry, key: AuditKey) -> String {
        var data = Data()
        for field in [
            "palisade-audit-v2", AuditMAC.hmacSHA256.rawValue, String(row.tenantID), String(row.sequence), String(row.atMilliseconds), row.actor,
            row.kind, row.caseID.map(String.init) ?? "", row.detail, row.ruleSetVersion ?? "", row.subjects ?? "", row.previousHash,
        ] {
            let bytes = Data(field.utf8)
            data += Data(String(bytes.count).utf8) + Data(":".utf8) + bytes
        }
        return key.mac(data)
    }

    /// What the row's hash should be (nil: keyed, and no key to check it with).
    static func expectedHash(of row: AuditEntry, key: AuditKey?) -> String? {
        switch row.mac {
        case .sha256:
            return hash(
                tenantID: row.tenantID, sequence: row.sequence, atMilliseconds: row.atMilliseconds, actor: row.actor, kind: row.kind,
                caseID: row.caseID, detail: row.detail, ruleSetVersion: row.ruleSetVersion, previousHash: row.previousHash)
        case .hmacSHA256:
            return key.map { mac(of: row, key: $0) }
        }
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

    /// Checks the chain named `chain` with `key`: every edited, deleted, inserted, reordered or unkeyed row is named;
    /// every decision, approval, sanction or lift changed since its row recorded it, or never recorded; and, against the
    /// last `checkpoint` exported outside the database, rows deleted at the end or a chain rewritten. Empty: intact.
    public static func verify(_ record: AuditChainRecord, chain: String, key: AuditKey?, checkpoint: AuditCheckpoint.Head? = nil, checkpointAt: Date? = nil)
        -> [AuditProblem]
    {
        var problems: [AuditProblem] = []
        func problem(_ message: String) { problems.append(AuditProblem(chain: chain, message: message)) }
        var expectedSequence: Int64 = 1
        var previousHash = ""
        var missingKeyReported = false
        var recorded: Set<String> = []
        var rowsBySequence: [Int64: AuditEntry] = [:]
        for row in record.rows {
            rowsBySequence[row.sequence] = row
            if row.sequence > expectedSequence {
                let missing = expectedSequence == row.sequence - 1 ? "row \(expectedSequence) is" : "rows \(expectedSequence)–\(row.sequence - 1) are"
                problem("\(missing) missing (deleted): \(row.label) follows row \(expectedSequence - 1)")
            } else if row.sequence < expectedSequence {
                problem("\(row.label) is out of place after row \(expectedSequence - 1) (a row was inserted or renumbered)")
            }
            if row.mac == .sha256, row.sequence > record.legacyThrough {
                problem(
                    "\(row.label) is an unkeyed SHA-256 row, but the chain is keyed from row \(record.legacyThrough + 1): "
                        + "it was rewritten by someone without the audit key")
            } else if let recomputed = expectedHash(of: row, key: key) {
                if recomputed != row.hash {
                    if let original = originalSequence(of: row, key: key) {
                        problem("\(row.label) was reordered: it was written as row \(original)")
                    } else {
                        problem("\(row.label) was edited: its content no longer matches its \(row.mac == .sha256 ? "hash" : "MAC")")
                    }
                } else if row.previousHash != previousHash, row.sequence <= expectedSequence {
                    problem("\(row.label) does not follow the row before it (rows reordered, or one deleted and renumbered)")
                }
            } else if !missingKeyReported {
                missingKeyReported = true
                problem("keyed rows cannot be checked without the audit key (audit.key in data_dir, or audit.key_file)")
            }
            for (subject, digest) in row.subjectDigests {
                recorded.insert(subject)
                guard let now = record.subjects.current[subject] else {
                    problem("\(describe(subject)): deleted since \(row.label) recorded it")
                    continue
                }
                if now != digest { problem("\(describe(subject)): changed since \(row.label) recorded it") }
            }
            expectedSequence = row.sequence + 1
            previousHash = row.hash
        }
        for subject in record.subjects.mustBeRecorded.subtracting(recorded).sorted(by: subjectOrder) {
            problem("\(describe(subject)): no audit row records it (written or changed outside Palisade)")
        }
        let last = expectedSequence - 1
        if record.head.sequence > last {
            problem("the chain ends at row \(last), but row \(record.head.sequence) was written: the last rows were deleted")
        } else if record.head.sequence == last, record.head.sequence > 0, record.head.hash != previousHash {
            problem("the last row \(record.head.sequence) is not the row that was written (edited or replaced)")
        }
        if let checkpoint {
            let when = checkpointAt.map { " of \($0.formatted(.iso8601))" } ?? ""
            if checkpoint.sequence > last {
                let lost = checkpoint.sequence == last + 1 ? "row \(checkpoint.sequence) was" : "rows \(last + 1)–\(checkpoint.sequence) were"
                problem("the chain ends at row \(last), but the checkpoint\(when) recorded row \(checkpoint.sequence): \(lost) deleted")
            } else if let row = rowsBySequence[checkpoint.sequence], row.hash != checkpoint.hash {
                problem("\(row.label) is not the row the checkpoint\(when) recorded: the chain was rewritten up to row \(checkpoint.sequence)")
            }
            if checkpoint.legacyThrough != record.legacyThrough {
                problem(
                    "the chain says its unkeyed rows end at row \(record.legacyThrough), the checkpoint\(when) says row \(checkpoint.legacyThrough): "
                        + "the upgrade record was changed")
            }
        }
        return problems
    }

    /// Checks the rows written since the previous checkpoint's head (`rows` starts at that row, or at row 1) and returns
    /// the head to checkpoint now; a row that is gone, changed, unkeyed or out of line refuses the new checkpoint.
    public static func advance(
        from previous: AuditCheckpoint.Head?, rows: [AuditEntry], tenantID: TenantID, legacyThrough: Int64, chain: String, key: AuditKey
    ) -> Result<AuditCheckpoint.Head, AuditProblem> {
        func refuse(_ message: String) -> Result<AuditCheckpoint.Head, AuditProblem> { .failure(AuditProblem(chain: chain, message: message)) }
        var head = previous ?? AuditCheckpoint.Head(tenantID: tenantID, sequence: 0, hash: "", legacyThrough: legacyThrough)
        var newRows = rows[...]
        if let previous, previous.legacyThrough != legacyThrough {
            return refuse("the record of unkeyed rows changed since the last checkpoint")
        }
        if let previous, previous.sequence > 0 {
            guard let first = rows.first, first.sequence == previous.sequence, first.hash == previous.hash else {
                return refuse("row \(previous.sequence), the last checkpoint's head, is gone or changed: run palisade admin audit verify")
            }
            newRows = rows.dropFirst()
        }
        for row in newRows {
            guard row.sequence == head.sequence + 1 else { return refuse("row \(head.sequence + 1) is missing: run palisade admin audit verify") }
            guard row.mac == .hmacSHA256 || row.sequence <= legacyThrough, expectedHash(of: row, key: key) == row.hash else {
                return refuse("\(row.label) fails its MAC: run palisade admin audit verify")
            }
            guard row.previousHash == head.hash else { return refuse("\(row.label) does not follow the row before it") }
            head = AuditCheckpoint.Head(tenantID: tenantID, sequence: row.sequence, hash: row.hash, legacyThrough: legacyThrough)
        }
        return .success(head)
    }

    /// `decision:12` → `decision 12`, `lift:40` → `the lifting of sanction 40`, for sentences.
    static func describe(_ subject: String) -> String {
        let parts = subject.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return subject }
        switch parts[0] {
        case "decision": return "decision \(parts[1])"
        case "approval": return "the approval of decision \(parts[1])"
        case "sanctions": return "the sanctions of decision \(parts[1])"
        case "lift": return "the lifting of sanction \(parts[1])"
        default: return subject
        }
    }

    private static func subjectOrder(_ a: String, _ b: String) -> Bool {
        let left = a.split(separator: ":"), right = b.split(separator: ":")
        if left.first != right.first { return a < b }
        return (Int64(left.last ?? "") ?? 0) < (Int64(right.last ?? "") ?? 0)
    }

    /// For a row whose hash fails: the nearby sequence number under which its content does hash (it was moved).
    private static func originalSequence(of row: AuditEntry, key: AuditKey?) -> Int64? {
        for offset in 1...64 {
            for candidate in [row.sequence - Int64(offset), row.sequence + Int64(offset)] where candidate > 0 {
                if expectedHash(of: row.at(sequence: candidate), key: key) == row.hash { return candidate }
            }
        }
        return nil
    }
}
