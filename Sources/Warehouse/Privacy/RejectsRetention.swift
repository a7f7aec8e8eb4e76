import Foundation
import SQLiteStore

/// Rejected rows' raw text is kept for a number of days (docs/PRIVACY.md): then it is blanked
/// (`raw = ''`, `raw_purged_at` set), while the file, line and reason stay. A reject's age is its
/// import's start.
enum RejectsRetention {
    /// Blanks the raw text of rejects whose import started `days` days or more before `now` (0: every reject, even of an import started this second); returns how many.
    static func purge(_ db: Connection, olderThanDays days: Int, now: Int64) throws -> Int {
        try db.run("""
            UPDATE import_rejects SET raw = '', raw_purged_at = ?1
            WHERE raw_purged_at IS NULL AND import_id IN (SELECT id FROM imports WHERE started_at <= ?1 - ?2 * 86400)
            """, now, days)
        return db.changes
    }
}

extension Warehouse {
    /// `lifecycle rejects purge`: blanks the raw text of rejected rows older than `days` (default:
    /// the warehouse setting) in one transaction; returns how many rows were blanked.
    public func purgeRejects(olderThanDays days: Int? = nil, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> Int {
        try db.transaction(.immediate) {
            let limit = try days ?? PrivacySettings.read(db).keepRejectsDays
            guard limit >= 0 else { throw PrivacyError("--older-than-days must be 0 or more (got \(limit))") }
            return try RejectsRetention.purge(db, olderThanDays: limit, now: now)
        }
    }
}
