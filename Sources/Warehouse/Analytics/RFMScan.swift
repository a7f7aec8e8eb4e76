import SQLiteStore

/// One customer's RFM values and scores, as `sql/rfm_users.sql` gives them.
struct RFMScore: Equatable {
    let userID: Int64
    let recencyDays: Int64
    let frequency: Int64
    let monetaryMicros: Int64
    var r = 0, f = 0, m = 0
}

/// RFM computed in Swift, the rows of `sql/rfm_summary.sql` and `sql/rfm_users.sql` without their
/// sorts: SQLite groups every customer's orders in one pass over `orders_by_user` but then needs
/// a histogram and a sorted pick per tile start and measure, which cost 0.5–0.9 s at 5M lines
/// away from the default as-of (docs/BENCHMARKS.md). Here the customers' values are gathered in
/// the same pass, and each measure's quintiles come from one in-memory sort of the customers by
/// (value, tie). The SQL files stay the definition: `RFMScanTests` compares both over the
/// parameter matrix.
///
/// Who counts, as in the queries: known users with a purchase before as-of (and at or after
/// `since`), of the country asked, in the currency view in force. Recency: whole days from her
/// last purchase to as-of; frequency: her purchases; monetary: purchases plus returns.
struct RFMScan {
    let db: Connection
    let scope: ResolvedScope
    let bins: RFMBins

    /// Every customer with her values and scores, by user id.
    func scores() throws -> [RFMScore] {
        var customers = try fromTotals() ?? fromOrders()
        for measure in RFMMeasure.allCases {
            if let thresholds = bins.thresholds(measure) {
                Self.score(&customers, measure, thresholds: thresholds)
            } else {
                Self.scoreByQuintiles(&customers, measure)
            }
        }
        return customers
    }

    /// Shuffles `users.id` so that ties of a value do not follow import order (tenure): the low
    /// 31 bits times 1327217885 (2^31 / golden ratio, odd) modulo 2^31, the high bits kept; the
    /// queries' "tie" column.
    static func tie(_ userID: Int64) -> Int64 {
        (((userID & 2_147_483_647) &* 1_327_217_885) & 2_147_483_647) | (userID & -2_147_483_648)
    }

    /// NTILE(5) of one measure over the customers ordered by (value, tie), R ascending in
    /// −recency: over n customers the first n % 5 tiles hold one more.
    static func scoreByQuintiles(_ customers: inout [RFMScore], _ measure: RFMMeasure) {
        let keys: [(value: Int64, tie: Int64, index: Int32)] = customers.indices.map { index in
            let customer = customers[index]
            let value: Int64
            switch measure {
            case .recency: value = -customer.recencyDays
            case .frequency: value = customer.frequency
            case .monetary: value = customer.monetaryMicros
            }
            return (value, tie(customer.userID), Int32(index))
        }.sorted { ($0.value, $0.tie) < ($1.value, $1.tie) }
        let count = keys.count, share = count / 5, extra = count % 5
        var position = 0
        for tile in 1...5 {
            let size = share + (tile <= extra ? 1 : 0)
            for entry in keys[position..<position + size] { customers[Int(entry.index)].set(measure, tile) }
            position += size
        }
    }

    /// Scores against four fixed ascending thresholds: recency up to the 1st is R 5 and over the
    /// 4th R 1; frequency and monetary up to the 1st score 1 and over the 4th 5.
    static func score(_ customers: inout [RFMScore], _ measure: RFMMeasure, thresholds: [Int64]) {
        for index in customers.indices {
            let customer = customers[index]
            switch measure {
            case .recency: customers[index].r = 5 - thresholds.filter { customer.recencyDays > $0 }.count
            case .frequency: customers[index].f = 1 + thresholds.filter { customer.frequency > $0 }.count
            case .monetary: customers[index].m = 1 + thresholds.filter { customer.monetaryMicros > $0 }.count
            }
        }
    }

    /// The customers from `customer_totals` (migration 0007, one row each) when they answer: they
    /// count every order there is (the largest id and the number of orders are those they were
    /// made from), and every order counts here (as-of after the last order, no `since`, no
    /// currency left out). Nil otherwise.
    private func fromTotals() throws -> [RFMScore]? {
        guard scope.since == nil, !scope.currencyFiltered else { return nil }
        let current = try db.scalar("""
            SELECT (SELECT through_order_id FROM customer_totals_state) IS (SELECT max(id) FROM main.orders)
               AND (SELECT orders_counted FROM customer_totals_state) = (SELECT count(*) FROM main.orders)
               AND ? > (SELECT max(ordered_at) FROM main.orders)
            """, scope.asOf).int64
        guard current == 1 else { return nil }
        let statement = try db.prepare("""
            SELECT user_id, last_purchase_at, purchase_orders, net_micros FROM customer_totals
            \(scope.country == nil ? "" : "WHERE user_id IN (SELECT id FROM users WHERE country = ?)") ORDER BY user_id
            """).bind(scope.country.map { [$0] } ?? [])
        var customers: [RFMScore] = []
        while try statement.step() {
            customers.append(RFMScore(userID: statement.int64(at: 0), recencyDays: (scope.asOf - statement.int64(at: 1)) / 86_400,
                                      frequency: statement.int64(at: 2), monetaryMicros: statement.int64(at: 3)))
        }
        return customers
    }

    /// The customers grouped from their orders as they stream from `orders_by_user` in user
    /// order: no sort. With a country, SQLite walks the index from one of its customers to the next.
    private func fromOrders() throws -> [RFMScore] {
        var filters = ""
        var values: [any SQLBindable] = [scope.asOf]
        if let since = scope.since {
            filters += " AND +ordered_at >= ?"
            values.append(since)
        }
        if let country = scope.country {
            filters += " AND user_id IN (SELECT id FROM users WHERE country = ?)"
            values.append(country)
        }
        let statement = try db.prepare("""
            SELECT user_id, ordered_at, kind = 'purchase', amount_micros FROM orders
            WHERE user_id IS NOT NULL AND kind IN ('purchase', 'return') AND +ordered_at < ?\(filters)
            ORDER BY user_id
            """).bind(values)
        var customers: [RFMScore] = []
        var user = Int64.min, lastPurchase = Int64.min, purchases: Int64 = 0, net: Int64 = 0
        func finish() {
            guard purchases > 0 else { return }
            customers.append(RFMScore(userID: user, recencyDays: (scope.asOf - lastPurchase) / 86_400,
                                      frequency: purchases, monetaryMicros: net))
        }
        while try statement.step() {
            let next = statement.int64(at: 0)
            if next != user {
                finish()
                user = next
                lastPurchase = Int64.min
                purchases = 0
                net = 0
            }
            if statement.int64(at: 2) == 1 {
                purchases += 1
                lastPurchase = max(lastPurchase, statement.int64(at: 1))
            }
            let (sum, overflow) = net.addingReportingOverflow(statement.int64(at: 3))
            if overflow { throw AnalyticsError.amountOverflow("the net revenue of user id \(user)") }
            net = sum
        }
        finish()
        return customers
    }
}

extension RFMScore {
    /// The score of one measure.
    func score(_ measure: RFMMeasure) -> Int {
        switch measure {
        case .recency: return r
        case .frequency: return f
        case .monetary: return m
        }
    }

    /// The value one measure is scored on, as the summary's ranges read it (recency in days).
    func value(_ measure: RFMMeasure) -> Int64 {
        switch measure {
        case .recency: return recencyDays
        case .frequency: return frequency
        case .monetary: return monetaryMicros
        }
    }

    mutating func set(_ measure: RFMMeasure, _ score: Int) {
        switch measure {
        case .recency: r = score
        case .frequency: f = score
        case .monetary: m = score
        }
    }
}
