import Foundation
import SQLiteStore

/// What `lifecycle status` shows: schema version, row counts, recent imports.
public struct WarehouseStatus: Sendable {
    public struct RecentImport: Sendable {
        public let id: Int64
        public let kind: String
        public let format: String
        public let file: String
        /// `running`, `finished` or `failed` as stored, or `interrupted`: stored as `running` by a
        /// process that no longer exists (killed, or unable to record its failure, e.g. on a full
        /// disk). Re-running the same import resumes it.
        public let status: String
        public let startedAt: Int64
        public let read: Int, loaded: Int, duplicate: Int, rejected: Int
        /// Rows skipped because their customer was erased (migration 0014).
        public var erased = 0
    }

    /// What the orders import keeps for RFM (migration 0007).
    public struct KeptAnswers: Sendable, Equatable {
        /// Whether `customer_totals` count every order there is; when not, RFM reads the orders
        /// until the next orders import rebuilds them.
        public let current: Bool
    }

    public let path: String
    public let schemaVersion: Int
    public let knownVersion: Int
    public let tableCounts: [(table: String, rows: Int)]
    public let kept: KeptAnswers
    /// The currencies of the orders with their order counts (`orderCurrencies`).
    public let currencies: [CurrencyCount]
    public let recentImports: [RecentImport]
    /// The engine when it is not the SQLite file: "PostgreSQL 15.18, Citus 13.2-1 with 2 workers".
    public var engine: String? = nil
}

extension Warehouse {
    /// Tables whose row counts `status` reports, in this order.
    public static let countedTables = ["users", "products", "orders", "order_lines", "events", "imports", "import_rejects", "customer_totals", "user_features", "model_snapshots", "predictions", "clv_predictions", "segment_assignments", "recommendations", "erasures"]

    /// Schema version, row counts and the most recent imports.
    public func status(recent: Int = 5) throws -> WarehouseStatus {
        let version = Int(try db.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations").int64 ?? 0)
        let existing = Set(try db.query("SELECT name FROM sqlite_schema WHERE type = 'table'").compactMap { $0[0].string })
        var counts: [(String, Int)] = []
        for table in Self.countedTables where existing.contains(table) {
            counts.append((table, Int(try db.scalar("SELECT count(*) FROM \(table)").int64 ?? 0)))
        }
        let imports = try db.query("""
            SELECT id, kind, format, file_name, CASE WHEN undone_at IS NOT NULL THEN 'undone' ELSE status END, started_at,
                rows_read, rows_loaded, rows_duplicate, rows_rejected, pid, rows_erased
            FROM imports ORDER BY id DESC LIMIT ?
            """, recent).map {
            let stored = $0[4].string ?? ""
            let status = stored == "running" && !Self.processExists($0[10].int64) ? "interrupted" : stored
            return WarehouseStatus.RecentImport(id: $0[0].int64 ?? 0, kind: $0[1].string ?? "", format: $0[2].string ?? "",
                                         file: $0[3].string ?? "", status: status, startedAt: $0[5].int64 ?? 0,
                                         read: Int($0[6].int64 ?? 0), loaded: Int($0[7].int64 ?? 0),
                                         duplicate: Int($0[8].int64 ?? 0), rejected: Int($0[9].int64 ?? 0),
                                         erased: Int($0[11].int64 ?? 0))
        }
        return WarehouseStatus(path: path, schemaVersion: version, knownVersion: try SQLCatalog.migrator().latestVersion,
                               tableCounts: counts, kept: try keptAnswers(), currencies: try orderCurrencies(), recentImports: imports)
    }

    /// Whether a process with this id exists (one of another user counts: signalling it is refused, not unknown).
    static func processExists(_ pid: Int64?) -> Bool {
        guard let pid, pid > 0, pid <= Int64(Int32.max) else { return false }
        return kill(pid_t(pid), 0) == 0 || errno == EPERM
    }

    /// Whether the totals are current: the same test the questions make.
    func keptAnswers() throws -> WarehouseStatus.KeptAnswers {
        WarehouseStatus.KeptAnswers(current: try CustomerTotals.areCurrent(db))
    }
}
