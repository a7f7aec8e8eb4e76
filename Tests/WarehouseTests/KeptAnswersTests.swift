import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// What migration 0008 keeps with `customer_totals`: each customer's purchase months (read by
/// monthly retention) and the whole shop's RFM tile starts (read by RFM). Every refresh leaves
/// them equal to what the orders say, the queries read them exactly when they answer the
/// question, and the answers are those of the queries working from the orders.
@Suite struct KeptAnswersTests {
    /// Each customer's purchase months worked out here, with Foundation's calendar in `zone`:
    /// bit k for the month k months after the first purchase month of any customer; nil when a
    /// month is over 62 months after it.
    static func expectedMonths(_ db: Connection, zone: TimeZone) throws -> [String: Int64?] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        func month(_ instant: Int64) -> Int {
            let parts = calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: TimeInterval(instant)))
            return (parts.year ?? 0) * 12 + (parts.month ?? 0) - 1
        }
        let purchases = try db.query("""
            SELECT u.external_id, o.ordered_at FROM orders o JOIN users u ON u.id = o.user_id WHERE o.kind = 'purchase'
            """).map { ($0.text("external_id"), month($0.int("ordered_at"))) }
        guard let origin = purchases.map(\.1).min() else { return [:] }
        var months: [String: Int64?] = [:]
        for (customer, month) in purchases {
            let bit = month - origin
            let mask = months[customer] ?? 0
            months[customer] = .some(bit > 62 ? nil : mask.map { $0 | (Int64(1) << Int64(bit)) })
        }
        return months
    }

    /// The purchase months kept in `customer_totals`, by customer.
    static func keptMonths(_ db: Connection) throws -> [String: Int64?] {
        var months: [String: Int64?] = [:]
        for row in try db.query("""
            SELECT u.external_id, t.purchase_months FROM customer_totals t JOIN users u ON u.id = t.user_id
            """) { months[row.text("external_id")] = row.optionalInt("purchase_months") }
        return months
    }

    /// Late-month orders: 12005's purchase on 1 March 02:00 London is still February in New York.
    static let marchEdge = CustomerTotalsTests.header + """
        536301,22113,GREY HEART,1,2011-03-01 02:00:00,4.00,12005,United States
        536302,22114,HOT WATER BOTTLE,1,2011-04-15 12:00:00,6.00,12005,United States

        """

    /// Five years on: 12006 buys in the 63rd month after January 2011 (the last a mask holds),
    /// 12007 in the 64th (too late: no mask).
    static let fiveYearsOn = CustomerTotalsTests.header + """
        536401,22115,TEA COSY,1,2016-03-31 23:30:00,3.00,12006,United Kingdom
        536402,22116,EGG CUP,1,2016-04-01 12:00:00,2.00,12007,United Kingdom

        """

    @Test func everyRefreshKeepsThePurchaseMonthsOfTheReportingZone() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let db = warehouse.db
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        // One import rebuilding all, one adding customers incrementally, one merging into a
        // counted order (a rebuild), one with a customer near a month's end, one at the masks' end.
        for (name, text) in [("jan.csv", CustomerTotalsTests.january), ("feb.csv", CustomerTotalsTests.february),
                             ("mar.csv", CustomerTotalsTests.march), ("edge.csv", Self.marchEdge), ("later.csv", Self.fiveYearsOn)] {
            _ = try warehouse.importFile(try scratch.file(name, text), options: orderOptions(.onlineRetail))
            #expect(try Self.keptMonths(db) == Self.expectedMonths(db, zone: utcZone), "after \(name)")
        }
        #expect(try Self.keptMonths(db)["12001"] == 0b11)   // January and February
        #expect(try Self.keptMonths(db)["12005"] == 0b1100)
        #expect(try Self.keptMonths(db)["12006"] == Int64(1) << 62)   // 2016-03-31 22:30 UTC: March
        #expect(try Self.keptMonths(db)["12007"] == .some(nil))

        // A new reporting zone takes the months again in it, in the same transaction.
        try warehouse.setReportingTimeZone(newYork)
        #expect(try db.scalar("SELECT purchase_months_zone FROM customer_totals_state").string == "America/New_York")
        #expect(try Self.keptMonths(db) == Self.expectedMonths(db, zone: newYork))
        #expect(try Self.keptMonths(db)["12005"] == 0b1010)   // February and April there
        try warehouse.setReportingTimeZone(nil)
        #expect(try Self.keptMonths(db)["12005"] == 0b1100)
    }

    /// Retention questions answered with the kept months and without them (as a warehouse
    /// migrated to 0008 before its next import): the same triangles, in UTC and in a reporting
    /// zone, and also for the questions the months cannot answer.
    @Test func retentionFromTheKeptMonthsEqualsRetentionFromTheOrders() throws {
        let scratch = try Scratch()
        let sample = try SampleGenerator(.init(users: 1_500, seed: 12)).write(to: scratch.directory.appendingPathComponent("sample"))
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(sample.ordersFile.path, options: orderOptions(.onlineRetail))
        let questions = [RetentionOptions(), RetentionOptions(scope: AnalyticsScope(country: "Germany")),
                         RetentionOptions(cohort: .recurring), RetentionOptions(mode: .unbounded, maxOffset: 4),
                         RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2012-03-01", since: "2011-03-01", until: "2011-09-01")),
                         RetentionOptions(period: .week), RetentionOptions(metric: .revenue),
                         RetentionOptions(scope: AnalyticsFixture.scope(zone: "Asia/Tokyo")),
                         RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-10-01"))]
        for zone in [nil, TimeZone(identifier: "Asia/Tokyo")] {
            try warehouse.setReportingTimeZone(zone)
            #expect(try Self.keptMonths(warehouse.db) == Self.expectedMonths(warehouse.db, zone: zone ?? utcZone))
            let kept = try questions.map { try warehouse.retention($0) }
            try warehouse.db.execute("UPDATE customer_totals_state SET purchase_months_origin = NULL")
            let scanned = try questions.map { try warehouse.retention($0) }
            #expect(kept[0].cohorts.count >= 12)
            for (fast, slow) in zip(kept, scanned) { #expect(fast == slow) }
        }
    }

    /// The kept months are read exactly when they answer: a bit set by hand shows in the default
    /// monthly triangle (and a country's), not in weeks, another zone, an earlier as-of, or once
    /// an order changed.
    @Test func retentionReadsTheKeptMonthsOnlyWhenTheyAnswer() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("jan.csv", CustomerTotalsTests.january), options: orderOptions(.onlineRetail))
        _ = try warehouse.importFile(try scratch.file("feb.csv", CustomerTotalsTests.february), options: orderOptions(.onlineRetail))
        let weeks = try warehouse.retention(RetentionOptions(period: .week))
        // 12002 bought in January only; the kept months now say January and February.
        try warehouse.db.execute("""
            UPDATE customer_totals SET purchase_months = 3 WHERE user_id = (SELECT id FROM users WHERE external_id = '12002')
            """)
        func februaryOfJanuary(_ options: RetentionOptions) throws -> Int64? {
            try warehouse.retention(options).cohorts.first?.cells.first { $0.k == 1 }?.value
        }
        #expect(try februaryOfJanuary(RetentionOptions()) == 2)   // 12001 and, by hand, 12002
        #expect(try februaryOfJanuary(RetentionOptions(scope: AnalyticsScope(country: "United Kingdom"))) == 2)
        #expect(try februaryOfJanuary(RetentionOptions(scope: AnalyticsFixture.scope(zone: "Europe/Paris"))) == 1)
        #expect(try februaryOfJanuary(RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2012-06-01"))) == 2)
        #expect(try februaryOfJanuary(RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-02-03"))) == 1)
        #expect(try warehouse.retention(RetentionOptions(period: .week)) == weeks)
        // Even with the origin set to the first week's number, weeks are not read from months.
        try warehouse.db.execute("""
            UPDATE customer_totals_state SET purchase_months_origin =
                (SELECT (min(ordered_at) / 86400 + 3) / 7 FROM orders WHERE kind = 'purchase' AND user_id IS NOT NULL)
            """)
        #expect(try warehouse.retention(RetentionOptions(period: .week)) == weeks)
        try warehouse.db.execute("UPDATE orders SET amount_micros = amount_micros WHERE external_id = '536002'")
        #expect(try februaryOfJanuary(RetentionOptions()) == 1)
    }

    /// RFM with the kept tile starts and without them: the same summary and users for the whole
    /// shop (at the default as-of and a whole number of days later, in UTC and in a reporting
    /// zone), and for the questions they cannot answer (a country, an as-of at another time of
    /// day, fixed bins for one measure).
    @Test func rfmFromTheKeptTileStartsEqualsRFMComputed() throws {
        let scratch = try Scratch()
        let sample = try SampleGenerator(.init(users: 1_500, seed: 13)).write(to: scratch.directory.appendingPathComponent("sample"))
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(sample.ordersFile.path, options: orderOptions(.onlineRetail))
        var bins = RFMBins()
        try bins.read("monetary=10,50,100,500")
        let questions = [RFMOptions(), RFMOptions(scope: AnalyticsFixture.scope(asOf: "2012-02-01")),
                         RFMOptions(scope: AnalyticsScope(asOf: AnalyticsFixture.at("2012-02-01 13:30"))),
                         RFMOptions(scope: AnalyticsScope(country: "Germany")), RFMOptions(bins: bins)]
        for zone in [nil, TimeZone(identifier: "America/New_York")] {
            try warehouse.setReportingTimeZone(zone)
            #expect(try warehouse.db.scalar("SELECT count(*) FROM rfm_tile_starts").int64 == 3)
            let kept = try questions.map { (try warehouse.rfmSummary($0), try warehouse.rfmUsers($0).users) }
            try warehouse.db.execute("DELETE FROM rfm_tile_starts")
            let computed = try questions.map { (try warehouse.rfmSummary($0), try warehouse.rfmUsers($0).users) }
            #expect(kept[0].0.customers > 1_000)
            for (fast, slow) in zip(kept, computed) {
                #expect(fast.0 == slow.0)
                #expect(fast.1 == slow.1)
            }
        }
    }

    /// The kept tile starts are read exactly when they apply: F's starts moved by hand to the
    /// lowest customer put everyone in F 5 for the whole shop, and change nothing for a country
    /// or an as-of at another time of day.
    @Test func rfmReadsTheKeptTileStartsOnlyWhenTheyApply() throws {
        let scratch = try Scratch()
        let sample = try SampleGenerator(.init(users: 300, seed: 14)).write(to: scratch.directory.appendingPathComponent("sample"))
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(sample.ordersFile.path, options: orderOptions(.onlineRetail))
        func fScores(_ scope: AnalyticsScope) throws -> Set<Int> { Set(try warehouse.rfmUsers(RFMOptions(scope: scope)).users.map(\.f)) }
        func moveTheFStarts() throws {
            try warehouse.db.execute("UPDATE rfm_tile_starts SET k1 = 0, t1 = 0, k2 = 0, t2 = 0, k3 = 0, t3 = 0, k4 = 0, t4 = 0 WHERE measure = 'F'")
        }
        try moveTheFStarts()
        #expect(try fScores(AnalyticsScope()) == [5])
        #expect(try fScores(AnalyticsFixture.scope(asOf: "2012-03-01")) == [5])
        #expect(try fScores(AnalyticsScope(country: "United Kingdom")) == [1, 2, 3, 4, 5])
        #expect(try fScores(AnalyticsScope(asOf: AnalyticsFixture.at("2012-03-01 06:00"))) == [1, 2, 3, 4, 5])
        // In New York the default as-of is a New York midnight, and the starts are taken at it.
        try warehouse.setReportingTimeZone(TimeZone(identifier: "America/New_York"))
        #expect(try fScores(AnalyticsScope()) == [1, 2, 3, 4, 5])
        try moveTheFStarts()
        #expect(try fScores(AnalyticsScope()) == [5])
        #expect(try fScores(AnalyticsFixture.scope(asOf: "2012-03-01")) == [1, 2, 3, 4, 5])
    }

    /// `lifecycle status` tells whether the totals are current and what is kept with them.
    @Test func statusSaysWhetherTheTotalsAreCurrentAndWhatIsKept() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        // No orders: the totals count all of them, and there is nothing else to keep.
        #expect(try warehouse.status().kept == .init(current: true, purchaseMonthsZone: nil, tileStartsAsOf: nil))
        _ = try warehouse.importFile(try scratch.file("jan.csv", CustomerTotalsTests.january), options: orderOptions(.onlineRetail))
        #expect(try warehouse.status().kept == .init(current: true, purchaseMonthsZone: "UTC",
                                                     tileStartsAsOf: AnalyticsFixture.at("2011-01-21")))
        try warehouse.setReportingTimeZone(TimeZone(identifier: "America/New_York"))
        #expect(try warehouse.status().kept == .init(current: true, purchaseMonthsZone: "America/New_York",
                                                     tileStartsAsOf: AnalyticsFixture.at("2011-01-21 05:00")))
        try warehouse.db.execute("UPDATE orders SET kind = kind WHERE external_id = '536002'")
        #expect(try warehouse.status().kept == .init(current: false, purchaseMonthsZone: nil, tileStartsAsOf: nil))
    }

    /// Migration 0016 drops the tile starts kept under the old tie order (they named customers
    /// by external id); RFM finds the starts itself meanwhile, and the next orders import takes
    /// them again although it adds no order.
    @Test func tileStartsDroppedByMigration0016AreTakenAgainByTheNextImport() throws {
        let scratch = try Scratch()
        let old = try Connection(path: scratch.path("old.db"))
        let all = try SQLCatalog.migrator()
        try Migrator(migrations: Array(all.migrations.prefix(15))).migrate(old)
        try old.execute("INSERT INTO rfm_tile_starts (measure, as_of, orders_counted, k1, e1) VALUES ('F', 0, 0, 1, '12001')")
        try Migrator(migrations: Array(all.migrations.prefix(16))).migrate(old)
        #expect(try old.scalar("SELECT count(*) FROM rfm_tile_starts").int64 == 0)
        let columns = try old.query("SELECT name FROM pragma_table_info('rfm_tile_starts') WHERE name GLOB '[et][1-4]'").compactMap { $0[0].string }
        #expect(columns == ["t1", "t2", "t3", "t4"])

        let warehouse = try scratch.warehouse()
        let file = try scratch.file("jan.csv", CustomerTotalsTests.january)
        _ = try warehouse.importFile(file, options: orderOptions(.onlineRetail))
        let starts = try warehouse.db.query("SELECT * FROM rfm_tile_starts ORDER BY measure").map(\.values)
        let scores = try warehouse.rfmUsers(RFMOptions()).users
        try warehouse.db.execute("DELETE FROM rfm_tile_starts")
        #expect(try warehouse.rfmUsers(RFMOptions()).users == scores)
        #expect(try warehouse.importFile(file, options: orderOptions(.onlineRetail)).counts.loaded == 0)
        #expect(starts.count == 3)
        #expect(try warehouse.db.query("SELECT * FROM rfm_tile_starts ORDER BY measure").map(\.values) == starts)
    }

    /// A warehouse migrated to 0008 has neither months nor tile starts until its next refresh,
    /// which fills both although no order changed.
    @Test func theNextRefreshFillsWhatAMigratedWarehouseLacks() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let db = warehouse.db
        _ = try warehouse.importFile(try scratch.file("jan.csv", CustomerTotalsTests.january), options: orderOptions(.onlineRetail))
        let starts = try db.query("SELECT * FROM rfm_tile_starts ORDER BY measure")
        try db.execute("""
            UPDATE customer_totals SET purchase_months = NULL;
            UPDATE customer_totals_state SET purchase_months_origin = NULL;
            DELETE FROM rfm_tile_starts;
            """)
        try CustomerTotals.refresh(db)
        #expect(try Self.keptMonths(db) == Self.expectedMonths(db, zone: utcZone))
        #expect(try db.query("SELECT * FROM rfm_tile_starts ORDER BY measure").map(\.values) == starts.map(\.values))
        #expect(starts.count == 3)
    }
}
