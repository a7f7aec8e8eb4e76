import PostgresStore

/// `--by country` and `--by rfm-segment` on PostgreSQL: the same groups as on a file, so
/// `retention --by` and `rfm --by` are answered by the same breakdown code on both engines.
extension PostgresWarehouse {
    /// Every country a customer has, in byte order (`COLLATE "C"`, SQLite's order).
    public func breakdownCountries() throws -> [String] {
        try db.query("SELECT DISTINCT country COLLATE \"C\" AS country FROM users WHERE country IS NOT NULL ORDER BY 1")
            .compactMap { $0[0].string }
    }

    /// Customers with no country, who fall in no group of `--by country`.
    public func customersWithoutCountry() throws -> Int {
        Int(try db.scalar("SELECT count(*) FROM users WHERE country IS NULL").int64 ?? 0)
    }

    /// Every customer's RFM segment as of `scope`'s as-of, grouped in the segments' display order
    /// (`sql/postgres/rfm_users.sql`, from every order before the as-of, as on a file).
    public func breakdownRFMSegments(_ scope: AnalyticsScope) throws -> [(segment: String, users: Set<Int64>)] {
        var whole = scope
        whole.since = nil
        whole.until = nil
        var parameters = rfmParameters(try resolve(whole), RFMOptions(scope: whole))
        parameters["segment"] = .null
        var groups: [String: (position: Int64, users: Set<Int64>)] = [:]
        for row in try postgresQuery("rfm_users", parameters) {
            guard let user = row["user_id"].int64, let segment = row["segment"].string else { continue }
            groups[segment, default: (row["segment_position"].int64 ?? 999, [])].users.insert(user)
        }
        return groups.sorted { ($0.value.position, $0.key) < ($1.value.position, $1.key) }.map { ($0.key, $0.value.users) }
    }
}
