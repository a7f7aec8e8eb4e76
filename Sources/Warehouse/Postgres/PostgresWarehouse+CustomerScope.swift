import PostgresStore

/// The customers of `--country`, `--since` and `--until` on PostgreSQL, by SQLite's rules
/// (`Warehouse.customers(in:asOf:)`): the first purchase of each customer is found on her worker,
/// orders joined to users on the customer, so only the ids in scope come back.
extension PostgresWarehouse: CustomerDirectory {
    /// `users.id` of every customer in `scope` with a first purchase before `asOf` (nil when the
    /// scope is everyone). Refuses a country no customer has (naming the nearest), a window that
    /// holds nothing before as-of, and a scope no customer falls in.
    public func customers(in scope: CustomerScope, asOf: Int64) throws -> Set<Int64>? {
        if scope.isEveryone { return nil }
        try checkCountry(scope.country)
        try Warehouse.checkWindow(since: scope.since, until: scope.until, asOf: asOf, zone: try reportingTimeZone())
        var ids = Set<Int64>()
        try db.forEachRow("""
            SELECT o.customer_key FROM orders o JOIN users u ON u.id = o.customer_key
            WHERE o.user_id IS NOT NULL AND o.kind = 'purchase' AND (CAST(:country AS text) IS NULL OR u.country = CAST(:country AS text))
            GROUP BY o.customer_key
            HAVING min(o.ordered_at) >= coalesce(CAST(:since AS bigint), min(o.ordered_at)) AND min(o.ordered_at) < CAST(:end AS bigint)
            """, named: ["country": scope.country.map(PGValue.text) ?? .null, "since": scope.since.map(PGValue.integer) ?? .null,
                         "end": .integer(min(scope.until ?? asOf, asOf))]) { row in
            if let id = row[0].int64 { ids.insert(id) }
        }
        if ids.isEmpty { throw AnalyticsError.noCustomers(scope.text(in: try reportingTimeZone())) }
        return ids
    }
}
