import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// A tiny shop whose features are computed by hand below.
/// User A (u1): purchases on Jan 1 (10.00, products P1+P2), Jan 11 (20.00, P1), Jan 31 (30.00, P3),
///              a return on Feb 1 (-5.00), a view and a review (4) in late January.
/// User B (u2): one purchase on Jan 20 (7.50, P2), no events. A guest order (no user) on Jan 25.
let featureFixture = """
    order_id,ordered_at,customer_id,product_id,quantity,unit_price,kind
    1,2011-01-01T10:00:00Z,u1,P1,1,4.00,
    1,2011-01-01T10:00:00Z,u1,P2,2,3.00,
    2,2011-01-11T10:00:00Z,u1,P1,1,20.00,
    3,2011-01-31T10:00:00Z,u1,P3,3,10.00,
    R1,2011-02-01T09:00:00Z,u1,P3,-1,5.00,return
    4,2011-01-20T12:00:00Z,u2,P2,1,7.50,
    G,2011-01-25T12:00:00Z,,P1,1,99.00,

    """

let featureEvents = """
    event_id,user_id,occurred_at,type,product_id,value,properties
    e1,u1,2011-01-28T08:00:00Z,view,P3,,
    e2,u1,2011-01-30T08:00:00Z,review,P1,4,

    """

@Suite struct FeatureTests {
    static let asOf = CalendarDate.instant("2011-02-10")!

    func warehouseWithFixture(_ scratch: Scratch) throws -> Warehouse {
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("orders.csv", featureFixture),
                                     options: ImportOptions(kind: .orders, format: .csv, currency: "GBP"))
        _ = try warehouse.importFile(try scratch.file("events.csv", featureEvents), options: ImportOptions(kind: .events, format: .csv))
        return warehouse
    }

    func row(_ warehouse: Warehouse, _ user: String, asOf: Int64 = FeatureTests.asOf) throws -> [String: Any] {
        let rows = try warehouse.db.query("""
            SELECT f.* FROM user_features f JOIN users u ON u.id = f.user_id WHERE u.external_id = ? AND f.as_of = ?
            """, user, asOf)
        guard let row = rows.first else { return [:] }
        var result: [String: Any] = [:]
        for (index, name) in row.columns.enumerated() {
            switch row.values[index] {
            case .integer(let v): result[name] = v
            case .real(let v): result[name] = v
            case .text(let v): result[name] = v
            default: break
            }
        }
        return result
    }

    @Test func featuresMatchHandComputedValues() throws {
        let scratch = try Scratch()
        let warehouse = try warehouseWithFixture(scratch)
        let build = try warehouse.buildFeatures(asOf: Self.asOf)
        #expect(build.users == 2)  // the guest order has no user
        let a = try row(warehouse, "u1")
        // Last purchase Jan 31 10:00 → Feb 10 00:00 is 9 days 14 hours.
        #expect(a["recency_days"] as? Double == 9 + 14.0 / 24)
        #expect(a["frequency"] as? Int64 == 3)
        #expect(a["monetary_micros"] as? Int64 == 55_000_000)          // 10 + 20 + 30 − 5
        #expect(a["avg_order_value_micros"] as? Int64 == 20_000_000)   // 60 / 3
        #expect(a["tenure_days"] as? Double == 39 + 14.0 / 24)
        #expect(a["orders_30d"] as? Int64 == 2)                        // Jan 11 (30 days before Feb 10 is Jan 11 00:00) and Jan 31
        #expect(a["revenue_30d_micros"] as? Int64 == 50_000_000)
        #expect(a["orders_365d"] as? Int64 == 3)
        #expect(a["mean_days_between_orders"] as? Double == 15)          // gaps 10 and 20 days
        #expect(a["sd_days_between_orders"] as? Double == 5)
        #expect(a["returns_count"] as? Int64 == 1)
        #expect(a["return_share"] as? Double == 1.0 / 3)
        #expect(a["distinct_products"] as? Int64 == 3)
        #expect(a["views_30d"] as? Int64 == 1)
        #expect(a["reviews_30d"] as? Int64 == 1)
        #expect(a["avg_review_score"] as? Double == 4)
        #expect(a["days_since_last_event"] as? Double == 10 + 16.0 / 24)
        let b = try row(warehouse, "u2")
        #expect(b["frequency"] as? Int64 == 1)
        #expect(b["mean_days_between_orders"] == nil)                    // one purchase: no gap
        #expect(b["days_since_last_event"] == nil)
        #expect(b["views_30d"] as? Int64 == 0)
    }

    @Test func laterFactsNeverMoveEarlierFeatures() throws {
        let scratch = try Scratch()
        let warehouse = try warehouseWithFixture(scratch)
        let early = CalendarDate.instant("2011-01-31")!   // before user A's Jan 31 10:00 purchase
        try warehouse.buildFeatures(asOf: early)
        let before = try warehouse.db.query("SELECT * FROM user_features WHERE as_of = ? ORDER BY user_id", early).map(\.values)
        #expect(try row(warehouse, "u1", asOf: early)["frequency"] as? Int64 == 2)
        // New facts after the as-of: an order exactly at the as-of instant, a later one, and a later event.
        _ = try warehouse.importFile(try scratch.file("later.csv", """
            order_id,ordered_at,customer_id,product_id,quantity,unit_price
            9,2011-01-31T00:00:00Z,u1,P9,1,1000.00
            10,2011-03-01T00:00:00Z,u2,P9,1,1000.00

            """), options: ImportOptions(kind: .orders, format: .csv, currency: "GBP"))
        _ = try warehouse.importFile(try scratch.file("later-events.csv", """
            event_id,user_id,occurred_at,type,product_id,value,properties
            e9,u2,2011-01-31T00:00:00Z,review,P9,1,

            """), options: ImportOptions(kind: .events, format: .csv))
        try warehouse.buildFeatures(asOf: early)
        let after = try warehouse.db.query("SELECT * FROM user_features WHERE as_of = ? ORDER BY user_id", early).map(\.values)
        #expect(before == after)
        // A later as-of does see them.
        try warehouse.buildFeatures(asOf: Self.asOf)
        #expect(try row(warehouse, "u1")["frequency"] as? Int64 == 4)
    }

    @Test func rebuildingIsIdempotentAndSchedulesStepByMonth() throws {
        let scratch = try Scratch()
        let warehouse = try warehouseWithFixture(scratch)
        let builds = try warehouse.buildFeatures(from: CalendarDate.instant("2011-01-15")!, to: CalendarDate.instant("2011-03-15")!, every: .month)
        #expect(builds.map { CalendarDate.day($0.asOf) } == ["2011-01-15", "2011-02-15", "2011-03-15"])
        #expect(builds.map(\.users) == [1, 2, 2])
        let count = try warehouse.count("SELECT count(*) FROM user_features")
        _ = try warehouse.buildFeatures(from: CalendarDate.instant("2011-01-15")!, to: CalendarDate.instant("2011-03-15")!, every: .month)
        #expect(try warehouse.count("SELECT count(*) FROM user_features") == count)
        #expect(try warehouse.count("SELECT count(*) FROM feature_builds") == 3)
    }

    @Test func calendarDates() {
        #expect(CalendarDate.instant("2011-06-01") == 1_306_886_400)
        #expect(CalendarDate.day(1_306_886_400) == "2011-06-01")
        #expect(CalendarDate.advance(CalendarDate.instant("2011-01-31")!, by: .month) == CalendarDate.instant("2011-02-28"))
        // Steps count from the start, so the 31st comes back after a short month.
        #expect(CalendarDate.advance(CalendarDate.instant("2011-01-31")!, by: .month, count: 2) == CalendarDate.instant("2011-03-31"))
        #expect(CalendarDate.advance(CalendarDate.instant("2011-11-30")!, by: .month, count: 3) == CalendarDate.instant("2012-02-29"))
        #expect(CalendarDate.instant("June") == nil)
    }
}

/// The feature build computes `sql/user_features.sql` by streaming over the tables; these tests
/// hold it to the query's exact values (reals bit for bit), on cases the hand-computed shop
/// above does not reach and on a generated shop.
@Suite struct FeatureScanConformanceTests {
    /// The rows the build stored for `asOf`, without the as_of column, in user order.
    func built(_ warehouse: Warehouse, asOf: Int64) throws -> [[SQLValue]] {
        try warehouse.buildFeatures(asOf: asOf)
        return try warehouse.db.query("SELECT * FROM user_features WHERE as_of = ? ORDER BY user_id", asOf).map { Array($0.values.dropFirst()) }
    }

    /// The rows `sql/user_features.sql` gives for `asOf`, run as the sqlite3 shell would.
    func queried(_ warehouse: Warehouse, asOf: Int64) throws -> [[SQLValue]] {
        let query = try #require(SQLCatalog.query("user_features"))
        return try warehouse.db.query(query, named: [":as_of": asOf]).map(\.values)
    }

    @Test func linesWithoutProductsEventsWithoutPurchasesAndValuelessReviews() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        // u3 buys with an amount and no product (as CDNOW rows do); u4 has events but never buys;
        // u5 buys once and reviews: once without a value, then 0.3, 0.2, 0.1 stored newest first,
        // whose float sum depends on the order (the query's avg adds them oldest first).
        _ = try warehouse.importFile(try scratch.file("orders.csv", """
            order_id,ordered_at,customer_id,amount
            1,2011-01-03T10:00:00Z,u3,12.00
            2,2011-01-05T10:00:00Z,u3,8.00
            3,2011-01-05T10:00:00Z,u5,3.00

            """), options: ImportOptions(kind: .orders, format: .csv, currency: "USD"))
        _ = try warehouse.importFile(try scratch.file("events.csv", """
            event_id,user_id,occurred_at,type,product_id,value,properties
            e1,u4,2011-01-04T08:00:00Z,view,P1,,
            e2,u5,2011-01-06T08:00:00Z,review,P1,,
            e3,u5,2011-01-08T08:00:00Z,review,P1,0.3,
            e4,u5,2011-01-07T08:00:00Z,review,P1,0.2,
            e5,u5,2011-01-06T09:00:00Z,review,P1,0.1,
            e6,u5,2011-01-06T09:00:00Z,signup,,,

            """), options: ImportOptions(kind: .events, format: .csv))
        let asOf = CalendarDate.instant("2011-01-10")!
        let rows = try built(warehouse, asOf: asOf)
        #expect(rows.count == 2)   // u3 and u5; u4 never bought
        #expect(rows.last?[22] == .real((0.1 + 0.2 + 0.3) / 3))   // avg_review_score
        #expect(rows == (try queried(warehouse, asOf: asOf)))
    }

    @Test func pairsAreSortedInPlace() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 300, 5_000] {
            var pairs = (0..<count).map { _ in Int64.random(in: 0...(Int64(1) << 50), using: &generator) }
            if count == 300 { pairs = pairs.map { $0 % 7 } }   // few distinct values
            let sorted = pairs.sorted()
            FeatureScan.sortInPlace(&pairs)
            #expect(pairs == sorted)
        }
    }

    @Test func generatedShopMatchesTheQueryAtSeveralAsOfs() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 1_000)
        for day in ["2010-12-15", "2011-06-01", "2011-12-24"] {
            let asOf = try #require(CalendarDate.instant(day))
            let rows = try built(warehouse, asOf: asOf)
            #expect(!rows.isEmpty)
            #expect(rows == (try queried(warehouse, asOf: asOf)), "as of \(day)")
        }
    }
}
