import Dispatch
import Foundation
import SQLiteStore

/// One customer's RFM values and scores, as `sql/rfm_users.sql` gives them.
struct RFMScore: Equatable, Sendable {
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
/// the same pass (on both cores), and each measure's quintiles come from selecting the customers
/// at the four tile starts by (value, tie). The SQL files stay the definition: `RFMScanTests` compares both over the
/// parameter matrix.
///
/// Who counts, as in the queries: known users with a purchase before as-of (and at or after
/// `since`), of the country asked, in the currency view in force. Recency: whole days from her
/// last purchase to as-of; frequency: her purchases; monetary: purchases plus returns.
struct RFMScan {
    let db: Connection
    let scope: ResolvedScope
    let bins: RFMBins

    /// Every customer with her values and scores, by user id. The three measures are scored at
    /// once, on the dispatch pool's threads.
    func scores() throws -> [RFMScore] {
        var customers = try fromTotals() ?? fromOrders()
        let measures = RFMMeasure.allCases
        let bins = self.bins
        let read = customers
        let scores = LockedSlots<[UInt8]>(count: measures.count)
        DispatchQueue.concurrentPerform(iterations: measures.count) { index in
            let measure = measures[index]
            scores.set(index, bins.thresholds(measure).map { Self.scores(read, measure, thresholds: $0) }
                       ?? Self.quintiles(read, measure))
        }
        for (measure, column) in zip(measures, scores.values) {
            for customer in customers.indices { customers[customer].set(measure, Int(column[customer])) }
        }
        return customers
    }

    /// Shuffles `users.id` so that ties of a value do not follow import order (tenure): the low
    /// 31 bits times 1327217885 (2^31 / golden ratio, odd) modulo 2^31, the high bits kept; the
    /// queries' "tie" column.
    static func tie(_ userID: Int64) -> Int64 {
        (((userID & 2_147_483_647) &* 1_327_217_885) & 2_147_483_647) | (userID & -2_147_483_648)
    }

    /// A customer's place in one measure's order: the value (−recency for R, so that R 5 is the
    /// most recent), then the tie key. Distinct customers have distinct keys (the tie key is one
    /// to one).
    struct TileKey: Comparable {
        let value: Int64
        let tie: Int64

        static func < (a: TileKey, b: TileKey) -> Bool { (a.value, a.tie) < (b.value, b.tie) }
    }

    /// NTILE(5) of one measure over the customers ordered by (value, tie): over n customers the
    /// first n % 5 tiles hold one more, so tiles 2...5 start at positions b_j = j·(n / 5) +
    /// min(n % 5, j), and a customer's score is 1 + the number of starts at or before her key.
    /// The customers at the four starts are found by selection (quickselect, linear on average)
    /// rather than by sorting everyone. Returns the scores in the customers' order.
    static func quintiles(_ customers: [RFMScore], _ measure: RFMMeasure) -> [UInt8] {
        func key(_ customer: RFMScore) -> TileKey {
            switch measure {
            case .recency: return TileKey(value: -customer.recencyDays, tie: tie(customer.userID))
            case .frequency: return TileKey(value: customer.frequency, tie: tie(customer.userID))
            case .monetary: return TileKey(value: customer.monetaryMicros, tie: tie(customer.userID))
            }
        }
        let places = customers.map(key)
        var keys = places
        let count = keys.count
        let starts = (1...4).map { $0 * (count / 5) + min(count % 5, $0) }.filter { $0 < count }
        // In ascending order, each within what lies above the start before it.
        var lower = 0
        for start in starts {
            select(&keys, start, from: lower, to: count)
            lower = start + 1
        }
        let cuts = starts.map { keys[$0] }
        return places.map { place in
            var score: UInt8 = 1
            for cut in cuts where cut <= place { score += 1 }
            return score
        }
    }

    /// Rearranges `keys[lower..<upper]` so that position `k` holds the key that sorting would put
    /// there, smaller keys before it and larger after (Hoare's selection, median-of-three pivot).
    static func select(_ keys: inout [TileKey], _ k: Int, from lower: Int, to upper: Int) {
        var low = lower, high = upper - 1
        while low < high {
            let middle = low + (high - low) / 2
            if keys[middle] < keys[low] { keys.swapAt(middle, low) }
            if keys[high] < keys[low] { keys.swapAt(high, low) }
            if keys[high] < keys[middle] { keys.swapAt(high, middle) }
            let pivot = keys[middle]
            var i = low, j = high
            while i <= j {
                while keys[i] < pivot { i += 1 }
                while pivot < keys[j] { j -= 1 }
                if i <= j {
                    keys.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return }
        }
    }

    /// Scores against four fixed ascending thresholds: recency up to the 1st is R 5 and over the
    /// 4th R 1; frequency and monetary up to the 1st score 1 and over the 4th 5. Returns the
    /// scores in the customers' order.
    static func scores(_ customers: [RFMScore], _ measure: RFMMeasure, thresholds: [Int64]) -> [UInt8] {
        customers.map { customer in
            let value = customer.value(measure)
            var over: UInt8 = 0
            for threshold in thresholds where value > threshold { over += 1 }
            return measure == .recency ? 5 - over : 1 + over
        }
    }

    /// The customers from `customer_totals` (migration 0007, one row each) when they answer: they
    /// count every order there is (the largest id and the number of orders are those they were
    /// made from), and every order counts here (as-of after the last order, no `since`, no
    /// currency left out). Nil otherwise.
    private func fromTotals() throws -> [RFMScore]? {
        guard scope.since == nil, !scope.currencyFiltered, try CustomerTotals.areCurrent(db),
              try db.scalar("SELECT ? > (SELECT max(ordered_at) FROM main.orders)", scope.asOf).int64 == 1 else { return nil }
        let statement = try db.prepare("""
            SELECT user_id, last_purchase_at, purchase_orders, net_micros FROM customer_totals
            WHERE user_id IS NOT NULL\(scope.countryCondition.sql) ORDER BY user_id
            """).bind(scope.countryCondition.values)
        var customers: [RFMScore] = []
        while try statement.step() {
            customers.append(RFMScore(userID: statement.int64(at: 0), recencyDays: (scope.asOf - statement.int64(at: 1)) / 86_400,
                                      frequency: statement.int64(at: 2), monetaryMicros: statement.int64(at: 3)))
        }
        return customers
    }

    /// The customers grouped from their orders as they stream from `orders_by_user` in user
    /// order: no sort, on both cores (`UserRanges`). With a country, SQLite walks the index from
    /// one of its customers to the next, on one connection.
    private func fromOrders() throws -> [RFMScore] {
        try UserRanges.map(db, table: "orders", parallel: scope.country == nil) { connection, users in
            try group(connection, users: users)
        }.flatMap { $0 }
    }

    /// The customers whose `users.id` lies in `users` (lower bound included, upper excluded; nil:
    /// all), grouped from their orders read on `connection`. The currency is asked for by name, as
    /// a connection other than the warehouse's has no currency view.
    private func group(_ connection: Connection, users: (lower: Int64, upper: Int64)?) throws -> [RFMScore] {
        var filters = "", values: [any SQLBindable] = [scope.asOf]
        if let since = scope.since {
            filters += " AND +ordered_at >= ?"
            values.append(since)
        }
        for condition in [UserRanges.condition(users), scope.currencyCondition, scope.countryCondition] {
            filters += condition.sql
            values += condition.values
        }
        let statement = try connection.prepare("""
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
    /// The value one measure is scored on (recency in days).
    func value(_ measure: RFMMeasure) -> Int64 {
        switch measure {
        case .recency: return recencyDays
        case .frequency: return frequency
        case .monetary: return monetaryMicros
        }
    }

    /// Sets the score of one measure.
    mutating func set(_ measure: RFMMeasure, _ score: Int) {
        switch measure {
        case .recency: r = score
        case .frequency: f = score
        case .monetary: m = score
        }
    }
}

/// One value per slot, set by concurrent work under a lock.
private final class LockedSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// The values, once every slot is set.
    var values: [T] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
