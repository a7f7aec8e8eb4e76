import Foundation
import PostgresStore

/// Rejected rows' raw text on PostgreSQL is kept as on a file (docs/PRIVACY.md): for
/// `privacy_settings.keep_rejects_days` days (migrations/postgres/0010; 30 unless set) after
/// its import started, then blanked by the purge that ends every import and by `lifecycle
/// rejects purge`; file, line and reason stay.
extension PostgresWarehouse {
    /// Days rejected rows keep their raw text.
    public func keepRejectsDays() throws -> Int {
        try Self.keepRejectsDays(db)
    }

    /// Days rejected rows keep their raw text, read on `db`.
    static func keepRejectsDays(_ db: PGConnection) throws -> Int {
        Int(try db.scalar("SELECT keep_rejects_days FROM privacy_settings WHERE id = 1").int64 ?? Int64(PrivacySettings.defaultKeepRejectsDays))
    }

    /// Sets the days rejected rows keep their raw text (0 or more).
    public func setKeepRejectsDays(_ days: Int) throws {
        guard days >= 0 else { throw PrivacyError("keep-rejects-days must be 0 or more (got \(days))") }
        try db.query("UPDATE privacy_settings SET keep_rejects_days = $1 WHERE id = 1", [.integer(Int64(days))])
    }

    /// `lifecycle rejects purge`: blanks the raw text of rejected rows whose import started
    /// `days` days or more before `now` (default: the setting) in one transaction; returns how many.
    public func purgeRejects(olderThanDays days: Int? = nil, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> Int {
        try db.transaction {
            let limit = try days ?? keepRejectsDays()
            guard limit >= 0 else { throw PrivacyError("--older-than-days must be 0 or more (got \(limit))") }
            return try Self.purgeRejects(db, olderThanDays: limit, now: now)
        }
    }

    /// Blanks the raw text of rejects whose import started `days` days or more before `now`;
    /// call inside a transaction. Returns how many were blanked.
    static func purgeRejects(_ db: PGConnection, olderThanDays days: Int, now: Int64) throws -> Int {
        try db.query("""
            UPDATE import_rejects SET raw = '', raw_purged_at = $1
            WHERE raw_purged_at IS NULL AND import_id IN (SELECT id FROM imports WHERE started_at <= $1 - $2 * 86400)
            RETURNING import_id
            """, [.integer(now), .integer(Int64(days))]).count
    }
}
