import SQLiteStore

extension Warehouse {
    /// Every currency of the orders with its number of orders, by code. Read from
    /// `order_currencies` (migration 0012) while `customer_totals_state` describes the orders,
    /// else counted from the orders. Ends a currency put in force by a question (`useCurrency`).
    public func orderCurrencies() throws -> [CurrencyCount] {
        try endCurrencyFilter()
        let sql = try CustomerTotals.areCurrent(db) ? "SELECT currency, orders FROM order_currencies ORDER BY currency"
            : "SELECT currency, count(*) AS orders FROM main.orders GROUP BY currency ORDER BY currency"
        return try db.query(sql).map { CurrencyCount(currency: $0.text("currency"), orders: Int($0.int("orders"))) }
    }

    /// Decides the one currency a question adds up, and puts it in force on this connection
    /// until `endCurrencyFilter()`; returns it (nil: no orders, or several for a question that
    /// adds no money, `addsMoney` false, which then reads every order).
    ///
    /// With one currency in the warehouse nothing changes: the queries read the orders as
    /// always. With several, `requested` (any case) must be one of them, or, when none is
    /// requested, the question's scope (`sql/order_currencies.sql`: customers' purchases and
    /// returns before as-of, from `since`, of `country`) must hold exactly one; otherwise
    /// `CurrencyError.several` lists the scope's currencies. The chosen currency is put in force
    /// by a TEMP view named `orders` that shadows the table with that currency's orders, so
    /// every query of `sql/`, and the Swift scans, read only them, unchanged. The answers kept
    /// by the import (the customer totals) are then used only when
    /// they count every order of that view, that is when no other currency has an order.
    func useCurrency(_ requested: String?, asOf: Int64?, since: Int64?, country: String?, addsMoney: Bool = true) throws -> String? {
        let present = try orderCurrencies()
        if let requested {
            guard let code = CurrencyCode.normalized(requested) else { throw CurrencyError.notACode(requested) }
            guard present.contains(where: { $0.currency == code }) else { throw CurrencyError.absent(code, present: present) }
            if present.count > 1 { try filterOrders(to: code) }
            return code
        }
        guard present.count > 1 else { return present.first?.currency }
        guard addsMoney else { return nil }
        var parameters = QueryParameters()
        parameters.set(instant: ":as_of", asOf)
        parameters.set(instant: ":since", since)
        parameters.set(":country", country)
        let scoped = try NamedQuery("order_currencies").rows(in: db, parameters)
            .map { CurrencyCount(currency: $0.text("currency"), orders: Int($0.int("orders"))) }
        guard scoped.count == 1, let only = scoped.first else { throw CurrencyError.several(scoped.isEmpty ? present : scoped) }
        try filterOrders(to: only.currency)
        return only.currency
    }

    /// Whether a currency view is in force on this connection (only part of the orders is read).
    func currencyFilterInForce() throws -> Bool {
        try db.scalar("SELECT count(*) FROM temp.sqlite_schema WHERE type = 'view' AND name = 'orders'").int64 ?? 0 > 0
    }

    /// Ends a question's currency: the table `orders` is read (and written) again.
    public func endCurrencyFilter() throws {
        try db.execute("DROP VIEW IF EXISTS temp.orders")
    }

    /// `code` is a validated ISO 4217 code (three letters A-Z), so it is safe as a literal.
    private func filterOrders(to code: String) throws {
        precondition(code.utf8.count == 3 && code.utf8.allSatisfy { (65...90).contains($0) }, "a validated currency code")
        try db.execute("CREATE TEMP VIEW orders AS SELECT * FROM main.orders WHERE currency = '\(code)'")
    }
}

extension Warehouse {
    /// Throws `CurrencyError.several` when the customers' orders before `asOf` are in several
    /// currencies. User features (`user_features`) add up every order of a user and are stored
    /// per as-of without a currency, so they, and the churn model built on them, are computed
    /// only where the orders they sum are in one currency.
    public func requireOneCurrency(before asOf: Int64) throws {
        defer { try? endCurrencyFilter() }
        _ = try useCurrency(nil, asOf: asOf, since: nil, country: nil)
    }
}
