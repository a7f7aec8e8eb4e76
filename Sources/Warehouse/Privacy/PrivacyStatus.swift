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
        /// Rows where it holds something (non-NULL; raw text: not blanked; file names: a name, not
        /// `-` for standard input or a marker put in place of one).
        public let rows: Int
    }

    public let settings: PrivacySettings
    public let holdings: [Holding]
    /// Rejected rows whose raw text was blanked (purged, or never kept under pseudonyms).
    public let rejectsPurged: Int
    /// Customers erased (rows of the erasure log `erasures`, migration 0014; `lifecycle forget`).
    public let erasures: Int
}

extension PrivacyStatus {
    /// The status of a warehouse with `settings`, every holding counted by `count(table,
    /// condition)`: the columns that hold ids or raw text, the natural-key lookups a server keeps
    /// beside its distributed tables (`lookupKeys`: user_keys, order_keys, event_keys, which hold
    /// the same ids), and every table in `tablesWithUserID`.
    static func assembled(settings: PrivacySettings, lookupKeys: Bool, tablesWithUserID: [String], rejectsPurged: Int, erasures: Int,
                          count: (_ table: String, _ condition: String) throws -> Int) throws -> PrivacyStatus {
        var holdings: [Holding] = []
        func add(_ table: String, _ column: String, _ holds: String, where condition: String) throws {
            holdings.append(Holding(table: table, column: column, holds: holds, rows: try count(table, condition)))
        }
        let idWords = settings.isPseudonymised ? "pseudonym" : "id as written"
        let cdnow = "import_id IN (SELECT id FROM imports WHERE format = 'cdnow')"
        let cdnowWords = "CDNOW order id: customer:date:position (\(idWords))"
        let hashed = "external_id LIKE 'h:%' OR external_id LIKE 'k:%'"
        let hashWords = settings.isPseudonymised ? "keyed hash of the record (k:)" : "hash of the record, customer id included (h:)"
        try add("users", "external_id", "customer \(idWords)", where: "external_id IS NOT NULL")
        if lookupKeys { try add("user_keys", "external_id", "customer \(idWords) (the lookup that keeps ids unique)", where: "external_id IS NOT NULL") }
        try add("orders", "external_id", cdnowWords, where: cdnow)
        if lookupKeys {
            try add("order_keys", "external_id", cdnowWords + " (lookup)",
                    where: "external_id IN (SELECT external_id FROM orders WHERE \(cdnow))")
        }
        try add("events", "external_id", hashWords, where: hashed)
        if lookupKeys { try add("event_keys", "external_id", hashWords + " (lookup)", where: hashed) }
        try add("events", "properties", "properties as written, minus keys not kept", where: "properties IS NOT NULL")
        try add("import_rejects", "raw", "raw text of a rejected row", where: "raw <> ''")
        try add("imports", "file_name", settings.isPseudonymised ? "file name: not kept when pseudonymised" : "file name without its directories",
                where: "file_name NOT IN ('-', '\(ImportFileName.notKept)', '\(QuotedIDRedaction.redacted)')")
        for table in tablesWithUserID {
            try add(table, "user_id", "a customer's rows (users.id)", where: "user_id IS NOT NULL")
        }
        return PrivacyStatus(settings: settings, holdings: holdings, rejectsPurged: rejectsPurged, erasures: erasures)
    }
}

extension Warehouse {
    /// Counts every column that holds customer ids or raw text. Tables that refer to a customer by
    /// `user_id` are found from the schema, so tables added later are listed too.
    public func privacyStatus() throws -> PrivacyStatus {
        let referring = try db.query("""
            SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p
            WHERE m.type = 'table' AND p.name = 'user_id' ORDER BY m.name
            """).compactMap { $0[0].string }
        return try PrivacyStatus.assembled(
            settings: try PrivacySettings.read(db), lookupKeys: false, tablesWithUserID: referring,
            rejectsPurged: Int(try db.scalar("SELECT count(*) FROM import_rejects WHERE raw_purged_at IS NOT NULL").int64 ?? 0),
            erasures: Int(try db.scalar("SELECT count(*) FROM erasures").int64 ?? 0)) { table, condition in
                Int(try db.scalar("SELECT count(*) FROM \"\(table)\" WHERE \(condition)").int64 ?? 0)
            }
    }
}
