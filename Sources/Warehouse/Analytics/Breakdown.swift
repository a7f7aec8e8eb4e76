import SQLiteStore

/// What an analytics answer can be broken down by (`--by`).
public enum Breakdown: String, Sendable, CaseIterable {
    /// One group per `users.country`, each the answer of the same command with `--country`.
    case country

    /// The group column of machine output.
    public var column: Column { Column(rawValue, key: rawValue) }
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
