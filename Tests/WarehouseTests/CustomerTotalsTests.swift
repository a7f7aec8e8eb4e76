import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// `customer_totals` (migration 0007): every orders import leaves them equal to the orders, any
/// other change to an order they count marks them stale, and RFM gives the same answers from
/// them as from the orders.
@Suite struct CustomerTotalsTests {
    /// Rows in which `customer_totals` and a fresh grouping of the orders differ (both ways).
    static func mismatches(_ db: Connection) throws -> Int64 {
        try db.scalar("""
            WITH fresh AS (
                SELECT user_id, min(CASE WHEN kind = 'purchase' THEN ordered_at END), max(CASE WHEN kind = 'purchase' THEN ordered_at END),
                       sum(kind = 'purchase'), sum(kind = 'return'), sum(amount_micros)
                FROM orders WHERE user_id IS NOT NULL AND kind IN ('purchase', 'return')
                GROUP BY user_id HAVING sum(kind = 'purchase') > 0),
            kept AS (
                SELECT user_id, first_purchase_at, last_purchase_at, purchase_orders, return_orders, net_micros FROM customer_totals)
            SELECT (SELECT count(*) FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept))
                 + (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh))
            """).int64 ?? -1
    }

    /// Whether the totals' state row describes the orders there are (what lets RFM read them).
    static func current(_ db: Connection) throws -> Bool {
        try db.scalar("""
            SELECT (SELECT through_order_id FROM customer_totals_state) IS (SELECT max(id) FROM orders)
               AND (SELECT orders_counted FROM customer_totals_state) = (SELECT count(*) FROM orders)
            """).int64 == 1
    }

    static let header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"

    /// January: A buys twice (one invoice of two lines) and returns once; B buys; C only returns
    /// (not a customer); one guest order.
    static let january = header + """
        536001,85123A,HEART HOLDER,2,2011-01-05 10:00:00,1.50,12001,United Kingdom
        536001,71053,LANTERN,1,2011-01-05 10:00:00,10.00,12001,United Kingdom
        536002,84406B,CUPID HEARTS,1,2011-01-06 11:00:00,5.00,12002,United Kingdom
        C536003,84029G,HOT WATER BOTTLE,-1,2011-01-07 12:00:00,4.00,12003,United Kingdom
        536004,22752,BABY BLANKET,1,2011-01-08 13:00:00,7.00,,United Kingdom
        C536006,85123A,HEART HOLDER,-1,2011-01-20 09:00:00,1.50,12001,United Kingdom

        """

    /// February: new invoices only (A again, and a new customer D).
    static let february = header + """
        536101,21730,GLASS LANTERN,1,2011-02-02 10:00:00,20.00,12001,United Kingdom
        536102,22633,HAND WARMER,3,2011-02-03 10:00:00,2.00,12004,France

        """

    /// March: January's 536001 again with a third line (a merge into a counted order), and B.
    static let march = header + """
        536001,71053,LANTERN,1,2011-01-05 10:00:00,10.00,12001,United Kingdom
        536001,85123A,HEART HOLDER,2,2011-01-05 10:00:00,1.50,12001,United Kingdom
        536001,22111,SCOTTIE DOG,1,2011-01-05 10:00:00,3.00,12001,United Kingdom
        536201,22112,CHOCOLATE BOX,1,2011-03-01 10:00:00,1.00,12002,United Kingdom

        """

    /// (purchase orders, return orders, net micros, last purchase) of one customer.
    static func totals(_ db: Connection, _ customer: String) throws -> [Int64]? {
        try db.query("""
            SELECT purchase_orders, return_orders, net_micros, last_purchase_at FROM customer_totals
            WHERE user_id = (SELECT id FROM users WHERE external_id = ?)
            """, customer).first.map { $0.values.compactMap(\.int64) }
    }

    @Test func everyOrdersImportLeavesTheTotalsEqualToTheOrders() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        // One row per batch: invoice 536001 spans two batches, an update of an order the totals
        // do not count yet, which must not make them stale.
        _ = try warehouse.importFile(try scratch.file("jan.csv", Self.january), options: orderOptions(.onlineRetail, batchSize: 1))
        #expect(try Self.current(warehouse.db))
        #expect(try Self.mismatches(warehouse.db) == 0)
        #expect(try Self.totals(warehouse.db, "12001") == [1, 1, 11_500_000, AnalyticsFixture.at("2011-01-05 10:00")])
        #expect(try Self.totals(warehouse.db, "12003") == nil)   // returns only: not a customer

        _ = try warehouse.importFile(try scratch.file("feb.csv", Self.february), options: orderOptions(.onlineRetail, batchSize: 1))
        #expect(try Self.current(warehouse.db))
        #expect(try Self.mismatches(warehouse.db) == 0)
        #expect(try Self.totals(warehouse.db, "12001") == [2, 1, 31_500_000, AnalyticsFixture.at("2011-02-02 10:00")])

        _ = try warehouse.importFile(try scratch.file("mar.csv", Self.march), options: orderOptions(.onlineRetail))
        #expect(try Self.current(warehouse.db))
        #expect(try Self.mismatches(warehouse.db) == 0)
        #expect(try Self.totals(warehouse.db, "12001") == [2, 1, 34_500_000, AnalyticsFixture.at("2011-02-02 10:00")])
        #expect(try Self.totals(warehouse.db, "12002") == [2, 0, 6_000_000, AnalyticsFixture.at("2011-03-01 10:00")])
    }

    @Test func whileCurrentOnlyTheCustomersOfNewerOrdersAreRecomputed() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("jan.csv", Self.january), options: orderOptions(.onlineRetail))
        let db = warehouse.db
        func add(_ ref: String, _ customer: String, _ day: String, _ micros: Int64) throws {
            try db.run("""
                INSERT INTO orders (external_id, user_id, ordered_at, kind, currency, amount_micros, import_id)
                SELECT ?, id, unixepoch(?), 'purchase', 'GBP', ?, 1 FROM users WHERE external_id = ?
                """, ref, day, micros, customer)
        }
        // Thirty more orders of D: seven times the orders counted, so this refresh rebuilds all.
        try db.execute("INSERT INTO users (external_id, import_id) VALUES ('12004', 1)")
        for day in 1...30 { try add("d-\(day)", "12004", "2011-03-\(String(format: "%02d", day))", 1_000_000) }
        try CustomerTotals.refresh(db)
        #expect(try Self.current(db) && Self.mismatches(db) == 0)
        #expect(try Self.totals(db, "12004") == [30, 0, 30_000_000, AnalyticsFixture.at("2011-03-30")])

        // Two new orders (of 37): for A, and for C, who only had a return so far. Only A and C
        // are recomputed, which a row of B's altered behind the refresh's back shows.
        try add("hand-1", "12001", "2011-04-01", 2_500_000)
        try add("hand-2", "12003", "2011-04-02", 9_000_000)
        try db.execute("UPDATE customer_totals SET net_micros = -1 WHERE user_id = (SELECT id FROM users WHERE external_id = '12002')")
        #expect(try !Self.current(db))
        try CustomerTotals.refresh(db)
        #expect(try Self.current(db))
        #expect(try Self.totals(db, "12001") == [2, 1, 14_000_000, AnalyticsFixture.at("2011-04-01")])
        #expect(try Self.totals(db, "12003") == [1, 1, 5_000_000, AnalyticsFixture.at("2011-04-02")])
        #expect(try Self.totals(db, "12002")?[2] == -1)
        #expect(try Self.mismatches(db) == 2)   // B's altered row and her true one
    }

    @Test func changesToCountedOrdersMakeTheTotalsStaleAndRFMReadsTheOrders() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("jan.csv", Self.january), options: orderOptions(.onlineRetail))
        let db = warehouse.db
        func monetary(_ customer: String) throws -> Int64? {
            try warehouse.rfmUsers(RFMOptions()).users.first { $0.externalID == customer }?.monetaryMicros
        }
        #expect(try monetary("12002") == 5_000_000)

        try db.execute("UPDATE orders SET amount_micros = amount_micros + 1000000 WHERE external_id = '536002'")
        #expect(try db.scalar("SELECT count(*) FROM customer_totals_state").int64 == 0)
        #expect(try monetary("12002") == 6_000_000)

        try CustomerTotals.refresh(db)   // stale: rebuilt whole
        #expect(try Self.current(db) && Self.mismatches(db) == 0)
        #expect(try monetary("12002") == 6_000_000)

        // Deleting B's only order (id 2, in the middle) makes them stale as well.
        let gap = try #require(try db.scalar("SELECT id FROM orders WHERE external_id = '536002'").int64)
        try db.execute("""
            DELETE FROM order_lines WHERE order_id = \(gap);
            DELETE FROM orders WHERE id = \(gap);
            """)
        #expect(try db.scalar("SELECT count(*) FROM customer_totals_state").int64 == 0)
        #expect(try monetary("12002") == nil)

        try CustomerTotals.refresh(db)
        #expect(try Self.current(db))
        // An order inserted by hand below the mark, into the gap, leaves the largest id as it was
        // but not the number of orders: RFM reads the orders, and the refresh rebuilds.
        try db.run("""
            INSERT INTO orders (id, external_id, user_id, ordered_at, kind, currency, amount_micros, import_id)
            SELECT ?, 'hand', id, unixepoch('2011-01-09'), 'return', 'GBP', -500000, 1 FROM users WHERE external_id = '12001'
            """, gap)
        #expect(try !Self.current(db))
        #expect(try monetary("12001") == 11_000_000)   // 13.00 - 1.50 - 0.50
        try CustomerTotals.refresh(db)
        #expect(try Self.current(db) && Self.mismatches(db) == 0)
        #expect(try monetary("12001") == 11_000_000)
    }

    /// With the totals current, RFM at the default as-of takes the customers from them (a value
    /// changed in the totals behind the import's back shows), and with a look-back window from
    /// the orders.
    @Test func rfmReadsTheTotalsOnlyWhenTheyCanAnswer() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("jan.csv", Self.january), options: orderOptions(.onlineRetail))
        try warehouse.db.execute("UPDATE customer_totals SET net_micros = 99000000 WHERE user_id = (SELECT id FROM users WHERE external_id = '12002')")
        func monetary(_ scope: AnalyticsScope) throws -> Int64? {
            try warehouse.rfmUsers(RFMOptions(scope: scope)).users.first { $0.externalID == "12002" }?.monetaryMicros
        }
        #expect(try monetary(AnalyticsScope()) == 99_000_000)
        #expect(try monetary(AnalyticsFixture.scope(since: "2011-01-01")) == 5_000_000)
        #expect(try monetary(AnalyticsFixture.scope(asOf: "2011-01-07")) == 5_000_000)
    }

    /// RFM with the totals current and with them stale: the same summary and the same users, for
    /// the whole shop, one country and fixed bins (read from the totals), and for an earlier
    /// as-of and a look-back window (which the totals cannot answer, so both group the orders).
    @Test func rfmFromTheTotalsEqualsRFMFromTheOrders() throws {
        let scratch = try Scratch()
        let sample = try SampleGenerator(.init(users: 1_500, seed: 11)).write(to: scratch.directory.appendingPathComponent("sample"))
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(sample.ordersFile.path, options: orderOptions(.onlineRetail))
        #expect(try Self.current(warehouse.db))
        var bins = RFMBins()
        try bins.read("frequency=1,2,4,8")
        let questions = [RFMOptions(), RFMOptions(scope: AnalyticsScope(country: "Germany")), RFMOptions(bins: bins),
                         RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-09-01")),
                         RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-12-31", since: "2011-06-01"))]
        let fromTotals = try questions.map { (try warehouse.rfmSummary($0), try warehouse.rfmUsers($0).users) }
        try warehouse.db.execute("DELETE FROM customer_totals_state")
        let fromOrders = try questions.map { (try warehouse.rfmSummary($0), try warehouse.rfmUsers($0).users) }
        #expect(fromTotals[0].0.customers > 1_000)
        #expect(fromTotals[1].0.customers > 0 && fromTotals[1].0.customers < fromTotals[0].0.customers)
        for (fast, slow) in zip(fromTotals, fromOrders) {
            #expect(fast.0 == slow.0)
            #expect(fast.1 == slow.1)
        }
    }
}
