import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// What migration 0008 keeps with `customer_totals`: the whole shop's RFM tile starts (read by
/// RFM). Every refresh leaves them equal to what the orders say, the queries read them exactly
/// when they answer the question, and the answers are those of the queries working from the
/// orders. (The customers' purchase months 0008 also kept are gone: migration 0019.)
@Suite struct KeptAnswersTests {
    /// Migration 0019 drops the purchase months and their origin and zone from a warehouse that
    /// had them; imports and retention work without them, the scan equal to the query.
    @Test func migration0019DropsThePurchaseMonthsAndRetentionStaysTheSame() throws {
        let scratch = try Scratch()
        let sample = try SampleGenerator(.init(users: 600, seed: 12)).write(to: scratch.directory.appendingPathComponent("sample"))
        let path = scratch.path("old.db")
        let all = try SQLCatalog.migrator()
        let old = try Connection(path: path)
        try Migrator(migrations: Array(all.migrations.prefix(18))).migrate(old)
        #expect(try old.scalar("SELECT count(*) FROM pragma_table_info('customer_totals') WHERE name = 'purchase_months'").int64 == 1)

        let warehouse = try Warehouse(path: path)
        _ = try warehouse.importFile(sample.ordersFile.path, options: orderOptions(.onlineRetail))
        let columns = try warehouse.db.query("""
            SELECT name FROM pragma_table_info('customer_totals') UNION ALL SELECT name FROM pragma_table_info('customer_totals_state')
            """).compactMap { $0[0].string }
        #expect(!columns.contains { $0.hasPrefix("purchase_months") })
        #expect(columns.contains("net_micros") && columns.contains("through_order_id"))
        let triangle = try warehouse.retention(RetentionOptions())
        #expect(triangle.cohorts.count >= 12)
        let (scan, query) = try RetentionScanTests.bothWays(warehouse, RetentionOptions())
        #expect(!scan.isEmpty && scan == query)
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
        #expect(try warehouse.status().kept == .init(current: true, tileStartsAsOf: nil))
        _ = try warehouse.importFile(try scratch.file("jan.csv", CustomerTotalsTests.january), options: orderOptions(.onlineRetail))
        #expect(try warehouse.status().kept == .init(current: true, tileStartsAsOf: AnalyticsFixture.at("2011-01-21")))
        try warehouse.setReportingTimeZone(TimeZone(identifier: "America/New_York"))
        #expect(try warehouse.status().kept == .init(current: true, tileStartsAsOf: AnalyticsFixture.at("2011-01-21 05:00")))
        try warehouse.db.execute("UPDATE orders SET kind = kind WHERE external_id = '536002'")
        #expect(try warehouse.status().kept == .init(current: false, tileStartsAsOf: nil))
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

    /// A warehouse whose tile starts are missing (as one migrated to 0008 before its next import)
    /// gets them at the next refresh although no order changed.
    @Test func theNextRefreshFillsWhatAMigratedWarehouseLacks() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let db = warehouse.db
        _ = try warehouse.importFile(try scratch.file("jan.csv", CustomerTotalsTests.january), options: orderOptions(.onlineRetail))
        let starts = try db.query("SELECT * FROM rfm_tile_starts ORDER BY measure")
        try db.execute("DELETE FROM rfm_tile_starts")
        try CustomerTotals.refresh(db)
        #expect(try db.query("SELECT * FROM rfm_tile_starts ORDER BY measure").map(\.values) == starts.map(\.values))
        #expect(starts.count == 3)
    }
}
