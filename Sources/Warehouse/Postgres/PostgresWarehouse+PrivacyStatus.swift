import Foundation
import PostgresStore

/// `lifecycle privacy status` on the server: the file's columns and words
/// (`PrivacyStatus.assembled`), plus the natural-key lookups the server keeps beside its
/// distributed tables, which hold the same ids. The server keeps no pseudonyms, property filter
/// or erasure log yet (`privacy pseudonymise`, `keep-properties` and `forget` run on files only),
/// so its settings are ids as written, every property key kept, and its rejects' retention.
extension PostgresWarehouse {
    /// Counts every column that holds customer ids or raw text; tables with a `user_id` column
    /// are found from the catalogue, so tables added later are listed too.
    public func privacyStatus() throws -> PrivacyStatus {
        let settings = PrivacySettings(keyFingerprint: nil, pseudonymisedAt: nil, keepProperties: nil,
                                       keepRejectsDays: try Self.keepRejectsDays(db))
        let referring = try db.query("""
            SELECT c.table_name::text FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND c.column_name = 'user_id' AND t.table_type = 'BASE TABLE'
            ORDER BY c.table_name COLLATE "C"
            """).compactMap { $0[0].string }
        return try PrivacyStatus.assembled(
            settings: settings, lookupKeys: true, tablesWithUserID: referring,
            rejectsPurged: Int(try db.scalar("SELECT count(*) FROM import_rejects WHERE raw_purged_at IS NOT NULL").int64 ?? 0),
            erasures: 0) { table, condition in
                Int(try db.scalar("SELECT count(*) FROM \"\(table)\" WHERE \(condition)").int64 ?? 0)
            }
    }
}
