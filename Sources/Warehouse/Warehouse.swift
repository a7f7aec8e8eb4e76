import Foundation
import SQLiteStore

/// A lifecycle warehouse: one SQLite file with the schema migrated to this build's version.
public final class Warehouse {
    /// The open connection (one per warehouse; not thread-safe).
    public let db: Connection
    public let path: String

    /// Opens (creating if needed) the warehouse at `path` and applies pending migrations.
    /// Refuses a database written by a newer version or with an edited migration.
    public init(path: String, migrate: Bool = true) throws {
        self.path = path
        db = try Connection(path: path)
        try db.execute("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = FILE")
        let migrator = try SQLCatalog.migrator()
        if migrate {
            try migrator.migrate(db)
        } else {
            _ = try migrator.pending(in: db)
        }
    }

    /// Applies pending migrations; returns their identifiers.
    @discardableResult
    public func migrate() throws -> [String] {
        try SQLCatalog.migrator().migrate(db).map(\.identifier)
    }

    /// Imports one file.
    public func importFile(_ path: String, options: ImportOptions, progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        let importer = Importer(db: db)
        importer.onProgress = progress
        return try importer.importFile(path, options: options)
    }

    /// Rejected rows of an import, in file order.
    public func rejects(importID: Int64) throws -> [(line: Int, reason: String, raw: String)] {
        try db.query("SELECT line, reason, raw FROM import_rejects WHERE import_id = ? ORDER BY line, id", importID).map {
            (Int($0[0].int64 ?? 0), $0[1].string ?? "", $0[2].string ?? "")
        }
    }
}

extension Warehouse {
    /// Every user's `external_id` (the source's customer id) by `users.id`.
    public func customerIDs() throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for row in try db.query("SELECT id, external_id FROM users") {
            if let id = row[0].int64, let name = row[1].string { names[id] = name }
        }
        return names
    }
}
