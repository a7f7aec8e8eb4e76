import Foundation
import SQLiteStore

/// Keeps `rfm_tile_starts` (migration 0008): where RFM's five tiles start over every customer
/// of the shop, at the default as-of (midnight after the day of the last order in the stored
/// reporting zone, as `lifecycle rfm` takes it), so that `rfm_summary.sql` and `rfm_users.sql`
/// need not sort the customers to find them. They are taken by running the summary's own text
/// up to its scores (the part both RFM files share) on the fresh totals, so they are the query's
/// tile starts by construction.
enum RFMTileStarts {
    /// The line of `rfm_summary.sql` where the scoring starts; everything before it defines the
    /// customers and their tile starts (`r_cuts`, `f_cuts`, `m_cuts`).
    static let scoresMarker = "-- Scores: against"

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
            INSERT INTO rfm_tile_starts (measure, as_of, through_order_id, orders_counted, k1, e1, k2, e2, k3, e3, k4, e4)
            \(prefix)
            SELECT x.measure, p.as_of, s.through_order_id, s.orders_counted, x.k1, x.e1, x.k2, x.e2, x.k3, x.e3, x.k4, x.e4
            FROM (SELECT 'R' AS measure, * FROM r_cuts UNION ALL SELECT 'F', * FROM f_cuts UNION ALL SELECT 'M', * FROM m_cuts) x,
                 params p, customer_totals_state s
            WHERE (SELECT totals_from FROM source) IS NOT NULL
            """, named: [":as_of": UTCText.dateTime(asOf)])
    }
}
