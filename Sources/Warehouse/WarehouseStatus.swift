import Foundation
import SQLiteStore

/// What `lifecycle status` shows: schema version, row counts, recent imports.
public struct WarehouseStatus: Sendable {
    public struct RecentImport: Sendable {
        public let id: Int64
        public let kind: String
        public let format: String
        public let file: String
        public let status: String
        public let startedAt: Int64
        public let read: Int, loaded: Int, duplicate: Int, rejected: Int
    }

    public let path: String
    public let schemaVersion: Int
    public let knownVersion: Int
    public let tableCounts: [(table: String, rows: Int)]
    public let recentImports: [RecentImport]
}

extension Warehouse {
    /// Tables whose row counts `status` reports, in this order.
    public static let countedTables = ["users", "products", "orders", "order_lines", "events", "imports", "import_rejects", "customer_totals", "user_features", "model_snapshots", "predictions", "clv_predictions", "segment_assignments", "recommendations"]

    /// Schema version, row counts and the most recent imports.
    public func status(recent: Int = 5) throws -> WarehouseStatus {
        let version = Int(try db.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations").int64 ?? 0)
        let existing = Set(try db.query("SELECT name FROM sqlite_schema WHERE type = 'table'").compactMap { $0[0].string })
        var counts: [(String, Int)] = []
        for table in Self.countedTables where existing.contains(table) {
            counts.append((table, Int(try db.scalar("SELECT count(*) FROM \(table)").int64 ?? 0)))
        }
        let imports = try db.query("""
            SELECT id, kind, format, file_name, status, started_at, rows_read, rows_loaded, rows_duplicate, rows_rejected
            FROM imports ORDER BY id DESC LIMIT ?
            """, recent).map {
            WarehouseStatus.RecentImport(id: $0[0].int64 ?? 0, kind: $0[1].string ?? "", format: $0[2].string ?? "",
                                         file: $0[3].string ?? "", status: $0[4].string ?? "", startedAt: $0[5].int64 ?? 0,
                                         read: Int($0[6].int64 ?? 0), loaded: Int($0[7].int64 ?? 0),
                                         duplicate: Int($0[8].int64 ?? 0), rejected: Int($0[9].int64 ?? 0))
        }
        return WarehouseStatus(path: path, schemaVersion: version, knownVersion: try SQLCatalog.migrator().latestVersion,
                               tableCounts: counts, recentImports: imports)
    }
}
