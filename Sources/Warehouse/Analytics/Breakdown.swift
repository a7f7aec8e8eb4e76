import SQLiteStore

/// What an analytics answer can be broken down by (`--by`).
public enum Breakdown: String, Sendable, CaseIterable {
    /// One group per `users.country`, each the answer of the same command with `--country`.
    case country
    /// One group per RFM segment at the as-of, each the answer for the customers `rfm --users`
    /// (same as-of, country, currency and zone, no look-back window) puts in that segment.
    case rfmSegment = "rfm-segment"

    /// The group column of machine output.
    public var column: Column {
        switch self {
        case .country: Column("country", key: "country")
        case .rfmSegment: Column("RFM segment", key: "rfm_segment")
        }
    }
}

extension Warehouse {
    /// Every country a customer has, in byte order (the groups of `--by country`).
    public func breakdownCountries() throws -> [String] {
        try db.query("SELECT DISTINCT country FROM users WHERE country IS NOT NULL ORDER BY country").compactMap { $0[0].string }
    }

    /// Customers with no country, who fall in no group of `--by country`.
    public func customersWithoutCountry() throws -> Int {
        Int(try db.scalar("SELECT count(*) FROM users WHERE country IS NULL").int64 ?? 0)
    }
}

extension Warehouse {
    /// Every customer's RFM segment as of `scope`'s as-of, grouped: the groups of
    /// `--by rfm-segment`, in the segments' display order, each with its customers' `users.id`.
    /// The segments are those of `rfm --users` with the same as-of, country, currency and zone,
    /// from every order before the as-of (`since`/`until` select cohorts, not the segments' orders).
    public func breakdownRFMSegments(_ scope: AnalyticsScope) throws -> [(segment: String, users: Set<Int64>)] {
        var whole = scope
        whole.since = nil
        whole.until = nil
        let options = RFMOptions(scope: whole)
        let resolved = try resolve(whole)
        defer { try? endCurrencyFilter() }
        try useSegmentMap(nil)
        let rollup = RFMRollup(map: try segmentMap())
        var groups: [String: (position: Int, users: Set<Int64>)] = [:]
        for customer in try RFMScan(db: db, scope: resolved, bins: options.bins).scores() {
            let (segment, position) = rollup.segment(r: customer.r, f: customer.f)
            groups[segment, default: (position, [])].users.insert(customer.userID)
        }
        return groups.sorted { ($0.value.position, $0.key) < ($1.value.position, $1.key) }.map { ($0.key, $0.value.users) }
    }
}
