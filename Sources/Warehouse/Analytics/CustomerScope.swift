import Foundation

/// The customers a command about customers (`segments`, `score`, `clv summary`) is limited to:
/// those of a country whose first purchase falls in a window. The same options as the questions'
/// (`--country`, `--since`, `--until`), read and checked the same way; `--since/--until` pick the
/// first-purchase cohort as `retention` does, to the instant rather than the period, and never
/// change the facts a model sees (every customer keeps all her purchases before the as-of).
public struct CustomerScope: Sendable, Equatable {
    /// Only customers of this country (`users.country`).
    public var country: String?
    /// Only customers whose first purchase is at or after this instant (Unix seconds UTC).
    public var since: Int64?
    /// Only customers whose first purchase is before this instant.
    public var until: Int64?

    public init(country: String? = nil, since: Int64? = nil, until: Int64? = nil) {
        self.country = country
        self.since = since
        self.until = until
    }

    /// Whether the scope is every customer.
    public var isEveryone: Bool { country == nil && since == nil && until == nil }

    /// The scope as the `parameters` of an answer: `since`, `until` (ISO 8601 instants or null)
    /// and `country` (null when not given), as the questions name theirs.
    public var answerParameters: [JSONMember] {
        [JSONMember("since", cell: .instantOrNull(since)), JSONMember("until", cell: .instantOrNull(until)),
         JSONMember("country", cell: .textOrNull(country))]
    }

    /// The scope as people read it: "of 'France', first purchase from 2011-01-01 before 2011-04-01".
    public func text(in zone: TimeZone) -> String {
        var parts: [String] = []
        if let country { parts.append("of '\(country)'") }
        if since != nil || until != nil {
            parts.append("first purchase" + (since.map { " from " + LocalText.instant($0, in: zone) } ?? "")
                         + (until.map { " before " + LocalText.instant($0, in: zone) } ?? ""))
        }
        return parts.joined(separator: ", ")
    }
}

extension Warehouse {
    /// `users.id` of every customer in `scope` with a first purchase before `asOf` (nil when the
    /// scope is everyone). Refuses what `resolve` refuses: a country no customer has (naming the
    /// nearest), `--since` not before as-of, `--until` not after `--since`; and a scope no
    /// customer falls in, which would otherwise answer nothing.
    public func customers(in scope: CustomerScope, asOf: Int64) throws -> Set<Int64>? {
        if scope.isEveryone { return nil }
        try checkCountry(scope.country)
        try Self.checkWindow(since: scope.since, until: scope.until, asOf: asOf, zone: try reportingTimeZone())
        let end = min(scope.until ?? asOf, asOf)
        let rows = try db.query("""
            SELECT o.user_id FROM orders o JOIN users u ON u.id = o.user_id
            WHERE o.kind = 'purchase' AND (?1 IS NULL OR u.country = ?1)
            GROUP BY o.user_id HAVING min(o.ordered_at) >= coalesce(?2, min(o.ordered_at)) AND min(o.ordered_at) < ?3
            """, scope.country, scope.since, end)
        let ids = Set(rows.compactMap { $0[0].int64 })
        if ids.isEmpty { throw AnalyticsError.noCustomers(scope.text(in: try reportingTimeZone())) }
        return ids
    }
}
