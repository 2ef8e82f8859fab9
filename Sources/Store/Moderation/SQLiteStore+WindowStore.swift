import Foundation
import GRDB
import Moderation

extension SQLiteStore: WindowStore {
    /// Records the observations and answers the counts in one transaction; observations older than the longest
    /// window are deleted as it goes.
    public func observe(_ observations: [WindowObservation], counting queries: [WindowQuery], tenant: TenantID, at date: Date) async throws -> [Int] {
        let now = ModerationRows.milliseconds(date)
        return try await pool.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO window_observations (tenant_id, kind, key, actor, at) VALUES (?, ?, ?, ?, ?)")
            for observation in observations {
                try insert.execute(arguments: [tenant, observation.kind, observation.key, observation.actor, now])
            }
            try db.execute(
                sql: "DELETE FROM window_observations WHERE at < ?", arguments: [now - Int64(WindowObservation.retentionSeconds) * 1000])
            let count = try db.cachedStatement(sql: """
                SELECT COUNT(DISTINCT actor) FROM window_observations WHERE tenant_id = ? AND kind = ? AND key = ? AND at > ? AND at <= ?
                """)
            return try queries.map { query in
                try Int.fetchOne(count, arguments: [tenant, query.kind, query.key, now - Int64(query.seconds) * 1000, now]) ?? 0
            }
        }
    }
}
