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

    /// The origin as an SQL literal.
    var originSQL: String { origin.map(String.init) ?? "NULL" }

    /// The month number of the instant `expression` (Unix seconds UTC) in the stored reporting
    /// zone: retention.sql's civil-from-days month, on the day after the zone's offset.
    func monthSQL(of expression: String) -> String {
        let offset = zone == nil ? "0" : """
            coalesce((SELECT z.offset_seconds FROM main.reporting_offsets z WHERE z.starts_at <= \(expression)
                      ORDER BY z.starts_at DESC LIMIT 1), 0)
            """
        return """
            (SELECT (4 * (d + 671) + 3) / 1461 * 12 + (5 * (d + 671 - 1461 * ((4 * (d + 671) + 3) / 1461) / 4) + 2) / 153
             FROM (SELECT (\(expression) + \(offset)) / 86400 AS d))
            """
    }

    /// The zone stored now and the origin of the orders stored now.
    static func current(_ db: Connection) throws -> PurchaseMonths {
        let zone = try db.scalar("SELECT zone FROM main.reporting_offsets LIMIT 1").string
        let months = PurchaseMonths(zone: zone, origin: nil)
        let origin = try db.scalar("""
            SELECT \(months.monthSQL(of: "first")) FROM (SELECT min(ordered_at) AS first FROM orders
                                                      WHERE user_id IS NOT NULL AND kind = 'purchase') WHERE first IS NOT NULL
            """).int64
        return PurchaseMonths(zone: zone, origin: origin)
    }
}
