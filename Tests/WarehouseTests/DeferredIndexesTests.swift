import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// An orders import into a warehouse without orders, and an events import into one without
/// events, build their table's customer (and product) indexes after the rows
/// (`DeferredIndexes`): the batches commit without them, the import ends with them as the
/// migrations define them, a failed or killed one leaves nothing missing for long, and no answer
/// depends on whether they are there.
@Suite struct DeferredIndexesTests {
    /// The deferred indexes' SQL as stored, by name; a missing one is absent.
    static func indexes(_ db: Connection) throws -> [String: String] {
        let rows = try db.query("""
            SELECT name, sql FROM sqlite_master WHERE type = 'index'
            AND name IN ('orders_by_user', 'events_by_user', 'events_by_product')
            """)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0].string ?? "", $0[1].string ?? "") })
    }

    static func sample(_ scratch: Scratch, users: Int = 300) throws -> GeneratedSample {
        try SampleGenerator(.init(users: users, seed: 42)).write(to: scratch.directory.appendingPathComponent("sample"))
    }

    static func orders(batchSize: Int = 500, strict: Bool = false) -> ImportOptions {
        var options = ImportOptions(kind: .orders, format: .onlineRetail, timeZone: london)
        options.batchSize = batchSize
        options.strict = strict
        return options
    }

    static func events(batchSize: Int = 500) -> ImportOptions {
        var options = ImportOptions(kind: .events, format: .csv)
        options.batchSize = batchSize
        return options
    }

    @Test("a first orders import and a first events import commit their batches without their deferred indexes and end with the migrations' ones; a second keeps them throughout")
    func firstImportsBuildTheIndexesAfterTheirRows() throws {
        let scratch = try Scratch()
        let migrated = try Self.indexes(try scratch.warehouse("fresh.db").db)
        #expect(migrated.count == 3)
        let files = try Self.sample(scratch)
        let warehouse = try scratch.warehouse()
        let observer = try Connection(path: scratch.path("test.db"), mode: .readOnly)
        /// The deferred indexes another connection saw after each chunk the import handled.
        func importing(_ file: String, _ options: ImportOptions) throws -> (ImportSummary, [Set<String>]) {
            var seen: [Set<String>] = []
            let summary = try warehouse.importFile(file, options: options) { _ in seen.append(Set((try? Self.indexes(observer))?.keys.map { $0 } ?? [])) }
            return (summary, seen)
        }

        let (orders, duringOrders) = try importing(files.ordersFile.path, Self.orders())
        #expect(orders.counts.loaded > 2_000)
        #expect(!duringOrders.isEmpty && duringOrders.allSatisfy { $0 == ["events_by_user", "events_by_product"] }, "\(duringOrders)")
        let (events, duringEvents) = try importing(files.eventsFile.path, Self.events())
        #expect(events.counts.loaded > 2_000)
        #expect(!duringEvents.isEmpty && duringEvents.allSatisfy { $0 == ["orders_by_user"] }, "\(duringEvents)")
        #expect(try Self.indexes(warehouse.db) == migrated)
        #expect(try CustomerTotals.areCurrent(warehouse.db))

        // The same files again into the warehouse that now holds both: the indexes stay.
        let (again, duringAgain) = try importing(files.ordersFile.path, Self.orders())
        let (eventsAgain, duringEventsAgain) = try importing(files.eventsFile.path, Self.events())
        #expect(again.counts.duplicate == orders.counts.loaded && eventsAgain.counts.duplicate == events.counts.loaded)
        #expect(!(duringAgain + duringEventsAgain).isEmpty && (duringAgain + duringEventsAgain).allSatisfy { $0.count == 3 })
    }

    @Test("an import that fails after dropping the index builds it before it returns")
    func failedImportRestoresTheIndex() throws {
        let scratch = try Scratch()
        let lines = try String(contentsOfFile: try Self.sample(scratch).ordersFile.path, encoding: .utf8)
        let bad = try scratch.file("bad.csv", lines + "X1,85123A,BAD,6,not a date,2.55,17850,United Kingdom\n")
        let warehouse = try scratch.warehouse()
        #expect(throws: ImportError.self) { try warehouse.importFile(bad, options: Self.orders(strict: true)) }
        #expect(try warehouse.db.scalar("SELECT count(*) FROM orders").int64 == 0)
        #expect(try Self.indexes(warehouse.db)["orders_by_user"] != nil)
    }

    @Test("opening for writing builds the indexes a killed bulk import left missing; opening for reading changes nothing")
    func writableOpenRestoresTheIndexes() throws {
        let scratch = try Scratch()
        let path = scratch.path("test.db")
        let migrated = try Self.indexes(try scratch.warehouse().db)
        // As kills mid-import leave them.
        try Connection(path: path).execute("DROP INDEX orders_by_user; DROP INDEX events_by_user; DROP INDEX events_by_product")
        _ = try Warehouse.openForReading(path: path)
        #expect(try Self.indexes(try Connection(path: path)).isEmpty)
        _ = try Warehouse.openForWriting(path: path, command: "test")
        #expect(try Self.indexes(try Connection(path: path)) == migrated)
    }

    @Test("RFM, retention (of orders and of events) and activity give the same answers without the deferred indexes, as a reader during a first import sees the warehouse")
    func answersDoNotDependOnTheIndexes() throws {
        let scratch = try Scratch()
        let warehouse = try twoCurrencyWarehouse(scratch, users: 600)
        let scopes = [AnalyticsScope(), AnalyticsFixture.scope(asOf: "2011-07-01"), AnalyticsFixture.scope(since: "2011-02-01", until: "2011-08-15"),
                      AnalyticsFixture.scope(country: "Germany")]
        func answers() throws -> [String] {
            var out: [String] = []
            for scope in scopes {
                var scoped = scope
                scoped.currency = "GBP"
                out.append("\(try warehouse.rfmSummary(RFMOptions(scope: scoped), method: .scan))")
                out.append("\(try warehouse.rfmUsers(RFMOptions(scope: scoped), segment: nil, method: .scan).users)")
                for period in Period.allCases {
                    for activity in ActivitySource.allCases {
                        var rows: [RetentionRow] = []
                        try warehouse.retentionRows(RetentionOptions(scope: scoped, period: period, activity: activity), method: .scan) { rows.append($0) }
                        out.append("\(rows)")
                    }
                    out.append("\(try warehouse.activityPeriods(ActivityOptions(scope: scoped, period: period, activity: .both), method: .scan).1)")
                }
                try warehouse.endCurrencyFilter()
            }
            return out
        }
        let withIndexes = try answers()
        try warehouse.db.execute("DROP INDEX orders_by_user; DROP INDEX events_by_user; DROP INDEX events_by_product")
        let without = try answers()
        #expect(withIndexes.count == 4 * (2 + 3 * (ActivitySource.allCases.count + 1)))
        for (index, (a, b)) in zip(withIndexes, without).enumerated() { #expect(a == b, "answer \(index) differs without the indexes") }
    }
}
