import SQLiteStore

/// Cohort retention computed in one pass over the activity in (user, time) order, the rows of
/// `sql/retention.sql` without its sorts: the query groups every customer-period, numbers them
/// with window functions and joins cohorts to periods, which SQLite does by sorting millions of
/// rows on one core (docs/BENCHMARKS.md). Here each customer's periods are gathered while her rows
/// are read from the covering index `orders_by_user` (or `events_by_user`) and added at once to
/// her cohorts' cells. `sql/retention.sql` stays the definition: the tests compare both over the
/// parameter matrix.
///
/// What counts, as in the query: purchases and returns of known customers before as-of (returns
/// reduce revenue and are no activity), or their events (of one type if asked); periods in the
/// reporting zone in force on the connection; the orders of the currency view in force.
struct RetentionScan {
    let db: Connection
    let options: RetentionOptions
    let scope: ResolvedScope

    /// The query's rows, handed to `body` one by one: every cohort with a member, offsets k = 0 up
    /// to the period before as-of, ordered by cohort and k, within since/until and the largest
    /// offset asked. Revenue is summed only for the revenue metric (0 otherwise), so no other
    /// question can fail on its overflow.
    func forEachRow(_ body: (RetentionRow) throws -> Void) throws {
        let numbering = try PeriodNumbering(options.period, db: db)
        var tally = RetentionTally(cohort: options.cohort)
        let table = options.activity == .orders ? "orders" : "events"
        // A country or a group of customers is walked to in the index, on one connection.
        let parallel = scope.country == nil && options.users == nil
        for part in try UserRanges.map(db, table: table, parallel: parallel, { connection, users in
            try self.tally(connection, users: users, numbering)
        }) {
            try tally.merge(part)
        }
        try tally.forEachRow(numbering: numbering, lastPeriod: numbering.number(of: scope.asOf - 1),
                             asOfPeriod: numbering.number(of: scope.asOf),
                             sincePeriod: scope.since.map { numbering.number(of: $0) },
                             untilPeriod: scope.until.map { numbering.number(of: $0 - 1) },
                             maxOffset: options.maxOffset.map(Int64.init), body)
    }

    /// The counts of the customers whose `users.id` lies in `users` (nil: all), read on
    /// `connection` in user order.
    private func tally(_ connection: Connection, users: (lower: Int64, upper: Int64)?, _ numbering: PeriodNumbering) throws -> RetentionTally {
        var tally = RetentionTally(cohort: options.cohort)
        var periods = CustomerPeriods()
        let statement = try activityStatement(connection, users: users)
        let sumsRevenue = options.metric == .revenue
        var user = Int64.min
        while try statement.step() {
            let next = statement.int64(at: 0)
            if next != user {
                if user != Int64.min { try tally.add(&periods) }
                periods.removeAll()
                user = next
            }
            try periods.add(period: numbering.number(of: statement.int64(at: 1)),
                        purchases: statement.int64(at: 2), amount: sumsRevenue ? statement.int64(at: 3) : 0)
        }
        if user != Int64.min { try tally.add(&periods) }
        return tally
    }

    /// (user, instant, purchases, amount) of the activity, in user order: a purchase counts 1 and
    /// its amount, a return 0 and its (negative) amount, an event 1 and 0. With a country or a
    /// group of users, only their rows are read: SQLite walks the index from one customer to the
    /// next instead of reading every row. The currency is asked for by name, as a connection
    /// other than the warehouse's has no currency view.
    private func activityStatement(_ connection: Connection, users: (lower: Int64, upper: Int64)?) throws -> Statement {
        var customers = UserRanges.condition(users).sql
        var values: [any SQLBindable] = [scope.asOf] + UserRanges.condition(users).values
        customers += scope.countryCondition.sql
        values += scope.countryCondition.values
        if let users = options.users {
            customers += " AND user_id IN (SELECT value FROM json_each(?))"
            values.append("[" + users.sorted().map(String.init).joined(separator: ",") + "]")
        }
        switch options.activity {
        case .orders:
            customers += scope.currencyCondition.sql
            values += scope.currencyCondition.values
            return try connection.prepare("""
                SELECT user_id, ordered_at, kind = 'purchase', amount_micros FROM orders
                WHERE user_id IS NOT NULL AND kind IN ('purchase', 'return') AND +ordered_at < ?\(customers)
                ORDER BY user_id, ordered_at
                """).bind(values)
        case .events:
            values.append(options.eventType)
            values.append(options.eventType)
            return try connection.prepare("""
                SELECT user_id, occurred_at, 1, 0 FROM events
                WHERE user_id IS NOT NULL AND +occurred_at < ?\(customers) AND (? IS NULL OR type = ?)
                ORDER BY user_id, occurred_at
                """).bind(values)
        }
    }
}

/// One customer's activity by period while her rows are read: periods ascending, each with its
/// purchases and net amount.
struct CustomerPeriods {
    private(set) var numbers: [Int64] = []
    private(set) var purchases: [Int64] = []
    private(set) var amounts: [Int64] = []
    /// Whether a row came with an earlier period than the one before (a clock change).
    private var unordered = false

    mutating func removeAll() {
        numbers.removeAll(keepingCapacity: true)
        purchases.removeAll(keepingCapacity: true)
        amounts.removeAll(keepingCapacity: true)
        unordered = false
    }

    /// Adds one row. Rows come in time order, so periods almost always do too; a clock turned
    /// back over midnight can bring an earlier one, which `ordered()` sorts in.
    mutating func add(period: Int64, purchases count: Int64, amount: Int64) throws {
        if let last = numbers.last, last == period, !unordered {
            purchases[purchases.count - 1] += count
            amounts[amounts.count - 1] = try RetentionTally.add(amounts[amounts.count - 1], amount)
            return
        }
        if let last = numbers.last, period < last { unordered = true }
        numbers.append(period)
        purchases.append(count)
        amounts.append(amount)
    }

    /// Makes the periods ascending and distinct (only needed after an unordered row).
    mutating func ordered() throws {
        guard unordered else { return }
        let order = numbers.indices.sorted { numbers[$0] < numbers[$1] }
        var n: [Int64] = [], p: [Int64] = [], a: [Int64] = []
        for index in order {
            if let last = n.last, last == numbers[index] {
                p[p.count - 1] += purchases[index]
                a[a.count - 1] = try RetentionTally.add(a[a.count - 1], amounts[index])
            } else {
                n.append(numbers[index]); p.append(purchases[index]); a.append(amounts[index])
            }
        }
        numbers = n; purchases = p; amounts = a
        unordered = false
    }
}
