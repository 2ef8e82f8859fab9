import Federation
import Foundation
import GRDB

/// A row of `received_flags`; `object_ids` holds a JSON array.
struct ReceivedFlagRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "received_flags"

    var activityID: String
    var reporterID: String
    var objectIDs: String
    var comment: String?
    var receivedAt: Date

    enum CodingKeys: String, CodingKey {
        case activityID = "activity_id", reporterID = "reporter_id", objectIDs = "object_ids", comment, receivedAt = "received_at"
    }
}

extension SQLiteStore: ReceivedFlagStore {
    /// Inserts the flag unless its activity id is recorded.
    public func record(_ flag: ReceivedFlag) async throws {
        let objects = String(decoding: try JSONEncoder().encode(flag.objectIDs), as: UTF8.self)
        let record = ReceivedFlagRecord(
            activityID: flag.activityID, reporterID: flag.reporterID, objectIDs: objects, comment: flag.comment, receivedAt: flag.receivedAt)
        try await pool.write { db in try record.insert(db, onConflict: .ignore) }
    }

    /// All flags in arrival order.
    public func receivedFlags() async throws -> [ReceivedFlag] {
        let records = try await pool.read { db in try ReceivedFlagRecord.order(Column("sequence")).fetchAll(db) }
        return try records.map { record in
            ReceivedFlag(
                activityID: record.activityID, reporterID: record.reporterID,
                objectIDs: try JSONDecoder().decode([String].self, from: Data(record.objectIDs.utf8)),
                comment: record.comment, receivedAt: record.receivedAt)
        }
    }
}
