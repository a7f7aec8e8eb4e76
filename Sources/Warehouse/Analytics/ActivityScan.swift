import SQLiteStore

/// Activity and lifecycle per period computed in one pass over the orders and the events in
/// (user, time) order: the rows of `sql/activity.sql` without its groupings, windows and sorts of
/// every active user-day (docs/BENCHMARKS.md). Each customer's orders and events are read
/// together from the covering indexes `orders_by_user` and `events_by_user`, her active days
/// gathered, and her periods, lifecycle states, rolling-WAU days, orders, revenue and first
/// purchase added to the period tallies at once. `sql/activity.sql` stays the definition: the
/// tests compare both over the parameter matrix.
struct ActivityScan {
    let db: Connection
    let options: ActivityOptions
    let scope: ResolvedScope

    /// The query's periods, in order.
    func periods() throws -> [ActivityPeriod] {
        let numbering = try PeriodNumbering(options.period, db: db)
        var tally = ActivityTally(numbering: numbering, endDay: numbering.day(of: scope.asOf - 1) + 1)
        let orders = try UserRows(try ordersStatement())
        let events = options.activity == .orders ? nil : try UserRows(try eventsStatement())
        let ordersAreActivity = options.activity != .events
        var days: [Int64] = []
        while let user = [orders.user, events?.user].compactMap({ $0 }).min() {
            days.removeAll(keepingCapacity: true)
            var firstPurchase = true
            while orders.user == user {
                let day = numbering.day(of: orders.statement.int64(at: 1))
                let purchase = orders.statement.int64(at: 2) == 1
                try tally.addOrder(day: day, purchase: purchase, amount: orders.statement.int64(at: 3), first: purchase && firstPurchase)
                if purchase {
                    firstPurchase = false
                    if ordersAreActivity { days.append(day) }
                }
                try orders.advance()
            }
            if let events {
                while events.user == user {
                    days.append(numbering.day(of: events.statement.int64(at: 1)))
                    try events.advance()
                }
            }
            tally.addCustomer(activeDays: &days)
        }
        return tally.periods(asOf: scope.asOf, since: scope.since, until: scope.until)
    }

    /// (user, instant, is purchase, amount) of purchases and returns of known customers before
    /// as-of, in (user, time) order.
    private func ordersStatement() throws -> Statement {
        try db.prepare("""
            SELECT user_id, ordered_at, kind = 'purchase', amount_micros FROM orders
            WHERE user_id IS NOT NULL AND kind IN ('purchase', 'return') AND +ordered_at < ?\(scope.countryCondition.sql)
            ORDER BY user_id, ordered_at
            """).bind([scope.asOf] + scope.countryCondition.values)
    }

    /// (user, instant) of known users' events before as-of, in (user, time) order.
    private func eventsStatement() throws -> Statement {
        try db.prepare("""
            SELECT user_id, occurred_at FROM events
            WHERE user_id IS NOT NULL AND +occurred_at < ?\(scope.countryCondition.sql)
            ORDER BY user_id, occurred_at
            """).bind([scope.asOf] + scope.countryCondition.values)
    }
}

/// A statement stepping rows whose first column is a user id, in user order: the user of the
/// current row, nil once the rows are done.
final class UserRows {
    let statement: Statement
    private(set) var user: Int64?

    init(_ statement: Statement) throws {
        self.statement = statement
        try advance()
    }

    /// Steps to the next row.
    func advance() throws {
        user = try statement.step() ? statement.int64(at: 0) : nil
    }
}
