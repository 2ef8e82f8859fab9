/// Why the database could not be opened, migrated or used.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened as an SQLite database.
    case cannotOpen(path: String, detail: String)
    /// The database was migrated by a newer Palisade: it records migrations this version does not know.
    case newerSchema(unknownMigrations: [String])
    /// A migration failed; nothing of it was applied.
    case migrationFailed(path: String, detail: String)
    /// The database did not answer a health query.
    case unhealthy(detail: String)
    /// Connections could not be closed.
    case cannotClose(path: String, detail: String)
    /// A stored row could not be read back into a domain value.
    case corruptRow(table: String, detail: String)
    /// An activity was queued for delivery with bytes other than those already queued under its id.
    case conflictingDeliveryBody(activityID: String)
    /// A secret could not be sealed or opened.
    case secret(detail: String)

    /// A sentence an operator can act on.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let detail):
            return "cannot open database \(path): \(detail)"
        case .newerSchema(let unknown):
            return "the database was migrated by a newer version of palisade (unknown migrations: \(unknown.joined(separator: ", "))); run that version or restore a backup"
        case .migrationFailed(let path, let detail):
            return "migrating \(path) failed and was rolled back: \(detail)"
        case .unhealthy(let detail):
            return "database check failed: \(detail)"
        case .cannotClose(let path, let detail):
            return "cannot close database \(path): \(detail)"
        case .corruptRow(let table, let detail):
            return "a row in \(table) cannot be read: \(detail)"
        case .secret(let detail):
            return detail
        case .conflictingDeliveryBody(let activityID):
            return "activity \(activityID) is already queued for delivery with a different body; an activity id names one document, so a changed activity needs a new id"
        }
    }
}
