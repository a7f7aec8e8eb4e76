import Foundation
import SQLiteStore

/// Keeps `rfm_tile_starts` (migrations 0008 and 0016): where RFM's five tiles start over every
/// customer of the shop, each start a value and the tie key (a shuffle of `users.id`) of the
/// customer there, at the default as-of (midnight after the day of the last order in the stored
/// reporting zone, as `lifecycle rfm` takes it), so that `rfm_summary.sql` and `rfm_users.sql`
/// need not sort the customers to find them. They are taken by running the summary's own text up
/// to its scores (the part both RFM files share) on the fresh totals, so they are the query's
/// tile starts by construction.
enum RFMTileStarts {
    /// The line of `rfm_summary.sql` where the scoring starts; everything before it defines the
    /// customers and their tile starts (`r_cuts`, `f_cuts`, `m_cuts`).
    static let scoresMarker = "-- Scores: against"

    /// Whether there are orders but no starts: a warehouse migrated to 0016, which dropped the
    /// starts kept under the old tie order, until something takes them again.
    static func missing(_ db: Connection) throws -> Bool {
        try db.scalar("SELECT EXISTS (SELECT 1 FROM orders) AND NOT EXISTS (SELECT 1 FROM rfm_tile_starts)").int64 == 1
    }

    /// Replaces the tile starts with those of the totals as they stand (called by
    /// `CustomerTotals.refresh` once the state row describes the new totals).
    static func refresh(_ db: Connection, zone: String?) throws {
        try db.execute("DELETE FROM rfm_tile_starts")
        guard let last = try db.scalar("SELECT max(ordered_at) FROM orders").int64 else { return }
        let reporting = zone.flatMap(TimeZone.init(identifier:)) ?? utcZone
        let asOf = AnalyticsScope.startOfDay(AnalyticsScope.day(of: last, in: reporting) + 1, in: reporting)
        guard let summary = SQLCatalog.query("rfm_summary"), let scores = summary.range(of: scoresMarker) else {
            throw AnalyticsError.missingQuery("rfm_summary")
        }
        var prefix = String(summary[..<scores.lowerBound])
        while let end = prefix.last, end.isWhitespace || end == "," { prefix.removeLast() }
        try db.run("""
            INSERT INTO rfm_tile_starts (measure, as_of, through_order_id, orders_counted, k1, t1, k2, t2, k3, t3, k4, t4)
            \(prefix)
            SELECT x.measure, p.as_of, s.through_order_id, s.orders_counted, x.k1, x.t1, x.k2, x.t2, x.k3, x.t3, x.k4, x.t4
            FROM (SELECT 'R' AS measure, * FROM r_cuts UNION ALL SELECT 'F', * FROM f_cuts UNION ALL SELECT 'M', * FROM m_cuts) x,
                 params p, customer_totals_state s
            WHERE (SELECT totals_from FROM source) IS NOT NULL
            """, named: [":as_of": UTCText.dateTime(asOf)])
    }
}
