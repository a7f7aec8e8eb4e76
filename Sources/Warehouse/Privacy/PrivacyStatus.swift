import Foundation
import SQLiteStore

/// `lifecycle privacy status`: where personal data sits in the warehouse and the settings that
/// govern it (docs/PRIVACY.md).
public struct PrivacyStatus: Sendable {
    /// One column that holds customer ids, something made from them, or raw text.
    public struct Holding: Sendable, Equatable {
        public let table: String
        public let column: String
        /// What the column holds, in words.
        public let holds: String
        /// Rows where it holds something (non-NULL; raw text: not blanked).
        public let rows: Int
    }

    public let settings: PrivacySettings
    public let holdings: [Holding]
    /// Rejected rows whose raw text was blanked (purged, or never kept under pseudonyms).
    public let rejectsPurged: Int
    /// The table of the erasure log, when this warehouse has one (`lifecycle forget`).
    public let erasureTable: String?
    /// Customers erased (rows of the erasure log); nil without one.
    public let erasures: Int?
}

extension Warehouse {
    /// Counts every column that holds customer ids or raw text. Tables that refer to a customer by
    /// `user_id` are found from the schema, so tables added later are listed too.
    public func privacyStatus() throws -> PrivacyStatus {
        var holdings: [PrivacyStatus.Holding] = []
        func add(_ table: String, _ column: String, _ holds: String, where filter: String) throws {
            let rows = Int(try db.scalar("SELECT count(*) FROM \"\(table)\" WHERE \(filter)").int64 ?? 0)
            holdings.append(PrivacyStatus.Holding(table: table, column: column, holds: holds, rows: rows))
        }
        let settings = try PrivacySettings.read(db)
        let idWords = settings.isPseudonymised ? "customer pseudonym (HMAC-SHA256 of the source id)" : "customer id as the source wrote it"
        try add("users", "external_id", idWords, where: "external_id IS NOT NULL")
        for index in 1...4 {
            try add("rfm_tile_starts", "e\(index)", idWords + " (a customer at an RFM tile start)", where: "e\(index) IS NOT NULL")
        }
        try add("events", "external_id", settings.isPseudonymised ? "keyed content hash of the event record (k:)"
                    : "content hash of the event record, customer id included (h:)",
                where: "external_id LIKE 'h:%' OR external_id LIKE 'k:%'")
        try add("events", "properties", "event properties as the source wrote them (minus keys not kept)", where: "properties IS NOT NULL")
        try add("import_rejects", "raw", "raw text of rejected rows", where: "raw <> ''")
        try add("imports", "file_name", "file names as given on the command line", where: "file_name IS NOT NULL")
        let referring = try db.query("""
            SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p
            WHERE m.type = 'table' AND p.name = 'user_id' ORDER BY m.name
            """).compactMap { $0[0].string }
        for table in referring {
            try add(table, "user_id", "rows of one customer (users.id)", where: "user_id IS NOT NULL")
        }
        let purged = Int(try db.scalar("SELECT count(*) FROM import_rejects WHERE raw_purged_at IS NOT NULL").int64 ?? 0)
        let erasureTable = try db.scalar("""
            SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%erasure%' ORDER BY name LIMIT 1
            """).string
        let erasures = try erasureTable.map { Int(try db.scalar("SELECT count(*) FROM \"\($0)\"").int64 ?? 0) }
        return PrivacyStatus(settings: settings, holdings: holdings, rejectsPurged: purged, erasureTable: erasureTable, erasures: erasures)
    }
}
