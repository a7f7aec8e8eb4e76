import SQLiteStore

/// Keeps `customer_totals` (migration 0007) and the orders' currencies (`order_currencies`,
/// migration 0012) in step with the orders. The orders import calls it
/// in the transaction that finishes the import, so the orders and what is kept from them commit
/// together; a killed import leaves them behind the orders, which the questions notice (the
/// largest order id or the number of orders differs from the state row) and answer from the
/// orders until a run finishes.
enum CustomerTotals {
    /// Whether the totals count every order there is: the state row names the largest order id
    /// and the number of orders (any other change to a counted order deletes the row). Reads
    /// `main.orders`, whatever currency view is in force.
    static func areCurrent(_ db: Connection) throws -> Bool {
        try db.scalar("""
            SELECT (SELECT through_order_id FROM customer_totals_state) IS (SELECT max(id) FROM main.orders)
               AND (SELECT orders_counted FROM customer_totals_state) = (SELECT count(*) FROM main.orders)
            """).int64 == 1
    }

    /// Brings the totals up to every order. While the orders they count are unchanged (the state
    /// row is there, and the orders up to its id are still as many), only the customers of the
    /// newer orders are recomputed, unless
    /// those are over a quarter of all orders (recomputing customers one by one costs about
    /// three times as much per order as one grouping pass: 0.63 s against 0.23 s for 860,000
    /// orders); otherwise (a merge or a hand edit changed a counted order, an order was inserted
    /// below the mark) all are rebuilt.
    static func refresh(_ db: Connection) throws {
        let last = try db.scalar("SELECT max(id) FROM orders").int64
        let total = try db.scalar("SELECT count(*) FROM orders").int64 ?? 0
        let state = try db.query("SELECT through_order_id, orders_counted FROM customer_totals_state").first
        let through = state?["through_order_id"].int64 ?? 0
        let newer = try db.scalar("SELECT count(*) FROM orders WHERE id > ?", through).int64 ?? 0
        let unchanged = state.map { $0["orders_counted"].int64 == total - newer } ?? false
        if unchanged && newer == 0 { return }
        try refreshCurrencies(db, newerThan: unchanged ? through : nil)
        if unchanged && newer * 4 <= total {
            let customers = "o.user_id IN (SELECT user_id FROM orders WHERE id > ?1 AND user_id IS NOT NULL)"
            try db.run("DELETE FROM customer_totals AS o WHERE \(customers)", through)
            try db.run(insert(where: customers), through)
        } else {
            try db.run("DELETE FROM customer_totals")
            try db.run(insert(where: "o.user_id IS NOT NULL"))
        }
        try db.run("""
            INSERT INTO customer_totals_state (id, through_order_id, orders_counted, refreshed_at) VALUES (1, ?, ?, unixepoch())
            ON CONFLICT (id) DO UPDATE SET through_order_id = excluded.through_order_id,
                orders_counted = excluded.orders_counted, refreshed_at = excluded.refreshed_at
            """, last, total)
    }

    /// Adds the orders after `newerThan` to `order_currencies`, or counts every order again when
    /// the kept counts cannot be trusted (`nil`). The orders are counted as they stream by id, in
    /// a dictionary of the few currencies: SQLite's GROUP BY on an unindexed column would sort
    /// every order first (about 40 MB of sorter memory at 860,000 orders).
    private static func refreshCurrencies(_ db: Connection, newerThan through: Int64?) throws {
        let scan = try db.prepare("SELECT currency FROM orders WHERE id > ?")
        scan.bind(int64: through ?? 0, at: 1)
        var counts: [String: Int64] = [:]
        while try scan.step() { counts[scan.text(at: 0), default: 0] += 1 }
        scan.reset()
        if through == nil { try db.run("DELETE FROM order_currencies") }
        for (currency, orders) in counts {
            try db.run("""
                INSERT INTO order_currencies (currency, orders) VALUES (?, ?)
                ON CONFLICT (currency) DO UPDATE SET orders = orders + excluded.orders
                """, currency, orders)
        }
    }

    /// The totals of the customers `filter` selects, grouped over `orders_by_user` as it streams
    /// (no sort).
    private static func insert(where filter: String) -> String {
        """
        INSERT INTO customer_totals (user_id, first_purchase_at, last_purchase_at, purchase_orders, return_orders, net_micros)
        SELECT o.user_id, min(CASE WHEN o.kind = 'purchase' THEN o.ordered_at END),
               max(CASE WHEN o.kind = 'purchase' THEN o.ordered_at END),
               sum(o.kind = 'purchase'), sum(o.kind = 'return'), sum(o.amount_micros)
        FROM orders o
        WHERE \(filter) AND o.kind IN ('purchase', 'return')
        GROUP BY o.user_id
        HAVING sum(o.kind = 'purchase') > 0
        """
    }
}
