import Foundation
import SQLiteStore

/// How each customer's months with a purchase are kept in `customer_totals.purchase_months`
/// (migration 0008): bit k stands for the month `origin + k`, months numbered and taken in the
/// reporting time zone exactly as `sql/retention.sql` numbers them, so that monthly retention
/// can read one integer per customer instead of every order.
struct PurchaseMonths {
    /// The highest bit used: retention's bit-mask path takes spans of up to 62 months after the
    /// origin; a customer with a later month gets NULL (the query then never reads the masks).
    static let bits = 62

    /// The stored reporting zone's name (`main.reporting_offsets`), nil for UTC.
    let zone: String?
    /// The month of the first purchase of any known user, nil when there is none.
    let origin: Int64?

    /// The first instant past the months a mask holds: the start of month `origin + bits + 1`
    /// in the zone. A customer with a purchase at or after it gets NULL.
    let end: Int64?

    /// The origin as an SQL literal.
    var originSQL: String { origin.map(String.init) ?? "NULL" }
    /// The end as an SQL literal.
    var endSQL: String { end.map(String.init) ?? "NULL" }

    /// The month number of the instant `expression` (Unix seconds UTC) in the stored reporting
    /// zone: retention.sql's civil-from-days month of the day after the zone's offset. In UTC the
    /// day is written into the arithmetic (a subquery per order to name it cost the full rebuild
    /// 0.14 s at 860,000 orders); with a zone, a subquery names it so the offset is looked up once.
    func monthSQL(of expression: String) -> String {
        guard zone != nil else { return Self.month(ofDay: "(\(expression) / 86400)") }
        return """
            (SELECT \(Self.month(ofDay: "d")) FROM (SELECT (\(expression) + coalesce((SELECT z.offset_seconds FROM main.reporting_offsets z
                 WHERE z.starts_at <= \(expression) ORDER BY z.starts_at DESC LIMIT 1), 0)) / 86400 AS d))
            """
    }

    /// The month number of the day number `day` (days since 1970-01-01).
    static func month(ofDay day: String) -> String {
        "((4 * (\(day) + 671) + 3) / 1461 * 12 + (5 * (\(day) + 671 - 1461 * ((4 * (\(day) + 671) + 3) / 1461) / 4) + 2) / 153)"
    }

    /// The zone stored now and the origin of the orders stored now.
    static func current(_ db: Connection) throws -> PurchaseMonths {
        let zone = try db.scalar("SELECT zone FROM main.reporting_offsets LIMIT 1").string
        let months = PurchaseMonths(zone: zone, origin: nil, end: nil)
        guard let origin = try db.scalar("""
            SELECT \(months.monthSQL(of: "first")) FROM (SELECT min(ordered_at) AS first FROM orders
                                                      WHERE user_id IS NOT NULL AND kind = 'purchase') WHERE first IS NOT NULL
            """).int64 else { return months }
        // Month numbers count from March 1968: month m is (m + 23618) / 12, (m + 23618) % 12 + 1.
        let past = origin + Int64(bits) + 1 + 23618
        let firstDay = CivilTime(year: Int(past / 12), month: Int(past % 12) + 1, day: 1).daysSinceEpoch
        let end = AnalyticsScope.startOfDay(firstDay, in: zone.flatMap(TimeZone.init(identifier:)) ?? utcZone)
        return PurchaseMonths(zone: zone, origin: origin, end: end)
    }
}
