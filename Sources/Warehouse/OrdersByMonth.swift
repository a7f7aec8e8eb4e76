import SQLiteStore

/// One calendar month (UTC) of orders.
public struct MonthlyOrders: Sendable, Equatable {
    public let month: String
    public let purchases: Int
    public let customers: Int
    public let netMicros: Int64
}

extension Warehouse {
    /// Purchases, customers and net revenue per month, from `sql/orders_by_month.sql`; the
    /// orders from `since` must be in one currency (`useCurrency`), as the revenue adds them up.
    public func ordersByMonth(since: Int64 = 0) throws -> [MonthlyOrders] {
        guard let sql = SQLCatalog.query("orders_by_month") else { preconditionFailure("sql/orders_by_month.sql is embedded at build time") }
        _ = try useCurrency(nil, asOf: nil, since: since, country: nil)
        defer { try? endCurrencyFilter() }
        return try db.query(sql, named: [":since": since]).map {
            MonthlyOrders(month: $0[0].string ?? "", purchases: Int($0[1].int64 ?? 0), customers: Int($0[2].int64 ?? 0),
                          netMicros: $0[3].int64 ?? 0)
        }
    }
}
