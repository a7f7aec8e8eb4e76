/// Who the customers are, on either engine: their external ids, which of them a
/// `--country`/`--since`/`--until` scope holds, and the default as-of after their last order. Scoring and the segment report pick their
/// customers through this (`Warehouse.customers(in:asOf:)`, `PostgresWarehouse.customers(in:asOf:)`
/// apply the same rules).
public protocol CustomerDirectory: ReportingZoneReader {
    /// `users.id` of every customer in `scope` with a first purchase before `asOf`; nil when the
    /// scope is everyone. Refuses an unknown country (naming the nearest), a window that holds
    /// nothing before as-of, and a scope no customer falls in.
    func customers(in scope: CustomerScope, asOf: Int64) throws -> Set<Int64>?
    /// Every user's external id by `users.id`.
    func customerIDs() throws -> [Int64: String]
    /// Midnight UTC after the last order (in `currency`; nil: every order); nil without orders.
    func dayAfterLastOrder(currency: String?) throws -> Int64?
}

extension Warehouse: CustomerDirectory {}
