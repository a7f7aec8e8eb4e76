import SQLiteStore

/// The point-in-time features of `sql/user_features.sql`, computed in one pass over each table
/// instead of by that query: per-user totals in an array indexed by user id, so nothing is sorted
/// or grouped by SQLite.
///
/// The query joins 5M order lines to their orders by user and groups events by user; SQLite does
/// that with random lookups or sorts of millions of rows (docs/BENCHMARKS.md). Here orders are read
/// in the covering index's (user, time) order, and order lines and events in table order, each once.
/// Only facts strictly before `asOf` count: orders and events are filtered on time, and lines
/// count only when their order is a purchase before `asOf`.
struct FeatureScan {
    let db: Connection
    let asOf: Int64
    private(set) var tallies: [UserFeatureTally]
    /// The user of each purchase order before the as-of, indexed by order id (-1: none).
    private var purchaseUser: [Int32]

    /// An empty scan sized for the warehouse's largest user and order ids.
    init(db: Connection, asOf: Int64) throws {
        let maxUser = try Self.largestID(in: "users", db: db)
        let maxOrder = try Self.largestID(in: "orders", db: db)
        _ = try Self.largestID(in: "products", db: db)   // product ids fill the low half of the pairs
        self.db = db
        self.asOf = asOf
        tallies = Array(repeating: UserFeatureTally(), count: Int(maxUser) + 1)
        purchaseUser = Array(repeating: -1, count: Int(maxOrder) + 1)
    }

    /// The largest id of `table` (0 when empty), checked to fit the scan's 32-bit slots.
    private static func largestID(in table: String, db: Connection) throws -> Int64 {
        let row = try db.query("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM \(table)")[0]
        guard let low = row.values[0].int64, let high = row.values[1].int64, low >= 0, high < Int64(Int32.max) else {
            throw FeatureBuildError(description: "features: \(table) ids must lie in 0..<2^31")
        }
        return high
    }

    /// Reads orders, then order lines, then events.
    mutating func run() throws {
        try scanOrders()
        try countDistinctProducts()
        try scanEvents()
    }

    /// Purchases and returns of known users, in (user, time) order from `orders_by_user`.
    private mutating func scanOrders() throws {
        let statement = try db.prepare("""
            SELECT user_id, ordered_at, kind = 'purchase', amount_micros, id FROM orders
            WHERE user_id IS NOT NULL AND ordered_at < ? AND kind IN ('purchase', 'return')
            ORDER BY user_id, ordered_at
            """)
        try statement.bind([asOf])
        while try statement.step() {
            let user = Int(statement.int64(at: 0))
            if statement.int64(at: 2) == 1 {
                try tallies[user].addPurchase(at: statement.int64(at: 1), amountMicros: statement.int64(at: 3), asOf: asOf)
                purchaseUser[Int(statement.int64(at: 4))] = Int32(user)
            } else {
                try tallies[user].addReturn(amountMicros: statement.int64(at: 3))
            }
        }
    }

    /// Distinct products per user over the lines of her purchase orders: one scan of the lines in
    /// table order collects (user, product) pairs, which are then sorted in place and counted once
    /// each.
    private mutating func countDistinctProducts() throws {
        let statement = try db.prepare("SELECT order_id, product_id FROM order_lines WHERE product_id IS NOT NULL")
        var pairs: [Int64] = []
        // The largest line id bounds the number of lines: one allocation instead of doublings.
        pairs.reserveCapacity(Int(try db.scalar("SELECT coalesce(max(id), 0) FROM order_lines").int64 ?? 0))
        while try statement.step() {
            let order = Int(statement.int64(at: 0))
            guard order < purchaseUser.count, purchaseUser[order] >= 0 else { continue }
            pairs.append(Int64(purchaseUser[order]) << 32 | statement.int64(at: 1))
        }
        Self.sortInPlace(&pairs)
        var previous: Int64 = -1
        for pair in pairs where pair != previous {
            tallies[Int(pair >> 32)].distinctProducts += 1
            previous = pair
        }
    }

    /// Sorts non-negative `pairs` without a buffer of their size (`Array.sort` takes one of half
    /// the array: 110 MB more peak memory with a million users): an in-place partition on the top
    /// 8 bits of the largest value's width into at most 256 runs (a counting sort's cycle
    /// permutation: each swap puts one value in its run), then each small run sorted on its own.
    static func sortInPlace(_ pairs: inout [Int64]) {
        guard let largest = pairs.max(), largest > 0 else { return }
        let shift = max(0, Int64.bitWidth - largest.leadingZeroBitCount - 8)
        let bucket = { (value: Int64) in Int(value >> shift) }
        var starts = [Int](repeating: 0, count: 257)
        for value in pairs { starts[bucket(value) + 1] += 1 }
        for index in 1...256 { starts[index] += starts[index - 1] }
        var next = starts
        for run in 0..<256 {
            while next[run] < starts[run + 1] {
                let owner = bucket(pairs[next[run]])
                if owner == run {
                    next[run] += 1
                } else {
                    pairs.swapAt(next[run], next[owner])
                    next[owner] += 1
                }
            }
        }
        for run in 0..<256 where starts[run + 1] - starts[run] > 1 { pairs[starts[run]..<starts[run + 1]].sort() }
    }

    /// Events of customers in table order; review values are then added in (user, time, id)
    /// order, the order in which the query's `avg` sees them.
    private mutating func scanEvents() throws {
        let statement = try db.prepare("""
            SELECT user_id, occurred_at, CASE type WHEN 'view' THEN \(FeatureEventType.view)
                WHEN 'add_to_cart' THEN \(FeatureEventType.addToCart) WHEN 'purchase' THEN \(FeatureEventType.purchase)
                WHEN 'review' THEN \(FeatureEventType.review) ELSE \(FeatureEventType.other) END, value_micros, id
            FROM events NOT INDEXED WHERE user_id IS NOT NULL AND occurred_at < ?
            """)
        try statement.bind([asOf])
        var reviews: [(user: Int, at: Int64, id: Int64, valueMicros: Int64)] = []
        while try statement.step() {
            let user = Int(statement.int64(at: 0))
            guard user < tallies.count, tallies[user].isCustomer else { continue }
            let type = statement.int64(at: 2), instant = statement.int64(at: 1)
            tallies[user].addEvent(type: type, at: instant, asOf: asOf)
            if type == FeatureEventType.review, !statement.isNull(at: 3) {
                reviews.append((user, instant, statement.int64(at: 4), statement.int64(at: 3)))
            }
        }
        reviews.sort { ($0.user, $0.at, $0.id) < ($1.user, $1.at, $1.id) }
        for review in reviews { tallies[review.user].addReview(valueMicros: review.valueMicros) }
    }
}
