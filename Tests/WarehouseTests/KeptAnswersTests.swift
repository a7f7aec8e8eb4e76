import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// What the orders import keeps beside the orders: `customer_totals`, which answer RFM at the
/// default as-of exactly as the orders do. What migration 0008 kept with them for single
/// questions is gone: the purchase months (migration 0019) and the RFM tile starts (0020).
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

    /// Migration 0020 drops the RFM tile starts from a warehouse that had them; RFM finds the
    /// tiles itself, the scan equal to the query, and imports no longer keep them.
    @Test func migration0020DropsTheTileStartsAndRFMStaysTheSame() throws {
        let scratch = try Scratch()
        let sample = try SampleGenerator(.init(users: 600, seed: 12)).write(to: scratch.directory.appendingPathComponent("sample"))
        let path = scratch.path("old.db")
        let all = try SQLCatalog.migrator()
        let old = try Connection(path: path)
        try Migrator(migrations: Array(all.migrations.prefix(19))).migrate(old)
        try old.execute("INSERT INTO rfm_tile_starts (measure, as_of, orders_counted, k1, t1) VALUES ('F', 0, 0, 1, 1)")

        let warehouse = try Warehouse(path: path)
        #expect(try warehouse.db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'rfm_tile_starts'").int64 == 0)
        _ = try warehouse.importFile(sample.ordersFile.path, options: orderOptions(.onlineRetail))
        let scan = try warehouse.rfmSummary(RFMOptions(), method: .scan)
        #expect(scan.customers > 300)
        #expect(scan == (try warehouse.rfmSummary(RFMOptions(), method: .query)))
    }

    /// RFM from the kept totals and from the orders: the same summary and customers at the
    /// default as-of, in UTC and in a reporting zone, and for a country (the totals answer while
    /// they count every order; removing their state makes RFM group the orders).
    @Test func rfmFromTheTotalsEqualsRFMFromTheOrders() throws {
        let scratch = try Scratch()
        let sample = try SampleGenerator(.init(users: 1_500, seed: 13)).write(to: scratch.directory.appendingPathComponent("sample"))
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(sample.ordersFile.path, options: orderOptions(.onlineRetail))
        let questions = [RFMOptions(), RFMOptions(scope: AnalyticsScope(country: "Germany"))]
        for zone in [nil, TimeZone(identifier: "America/New_York")] {
            try warehouse.setReportingTimeZone(zone)
            #expect(try warehouse.status().kept.current)
            let kept = try questions.map { (try warehouse.rfmSummary($0), try warehouse.rfmUsers($0).users) }
            try warehouse.db.execute("SAVEPOINT stale; DELETE FROM customer_totals_state")
            #expect(try !warehouse.status().kept.current)
            let grouped = try questions.map { (try warehouse.rfmSummary($0), try warehouse.rfmUsers($0).users) }
            try warehouse.db.execute("ROLLBACK TO stale; RELEASE stale")
            #expect(kept[0].0.customers > 1_000)
            for (fromTotals, fromOrders) in zip(kept, grouped) {
                #expect(fromTotals.0 == fromOrders.0)
                #expect(fromTotals.1 == fromOrders.1)
            }
        }
    }

    /// `lifecycle status` tells whether the totals are current.
    @Test func statusSaysWhetherTheTotalsAreCurrent() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        // No orders: the totals count all of them.
        #expect(try warehouse.status().kept == .init(current: true))
        _ = try warehouse.importFile(try scratch.file("jan.csv", CustomerTotalsTests.january), options: orderOptions(.onlineRetail))
        #expect(try warehouse.status().kept == .init(current: true))
        try warehouse.db.execute("UPDATE orders SET kind = kind WHERE external_id = '536002'")
        #expect(try warehouse.status().kept == .init(current: false))
    }
}
