import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// An orders import into a warehouse without orders builds `orders_by_user` after its rows
/// (`DeferredUserIndex`): its batches commit without the index, it ends with the index as the
/// migrations define it, a failed or killed one leaves nothing missing for long, and no answer
/// depends on whether the index is there.
@Suite struct DeferredUserIndexTests {
    /// The index's SQL as stored, or nil when the warehouse has no such index.
    static func indexSQL(_ db: Connection) throws -> String? {
        let rows = try db.query("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'orders_by_user'")
        return rows.first?[0].string
    }

    static func sample(_ scratch: Scratch, users: Int = 300) throws -> String {
        var configuration = SampleGenerator.Configuration(users: users, seed: 42)
        configuration.includeEvents = false
        return try SampleGenerator(configuration).write(to: scratch.directory.appendingPathComponent("sample")).ordersFile.path
    }

    static func options(batchSize: Int = 500, strict: Bool = false) -> ImportOptions {
        var options = ImportOptions(kind: .orders, format: .onlineRetail, timeZone: london)
        options.batchSize = batchSize
        options.strict = strict
        return options
    }

    @Test("a first orders import commits its batches without orders_by_user and ends with the migrations' index; a second keeps it throughout")
    func firstImportBuildsTheIndexAfterItsRows() throws {
        let scratch = try Scratch()
        let migrated = try #require(try Self.indexSQL(try scratch.warehouse("fresh.db").db))
        let file = try Self.sample(scratch)
        let warehouse = try scratch.warehouse()
        let observer = try Connection(path: scratch.path("test.db"), mode: .readOnly)
        var committedWithIndex: [Bool] = []
        let first = try warehouse.importFile(file, options: Self.options()) { _ in
            committedWithIndex.append((try? Self.indexSQL(observer)) != nil)
        }
        #expect(first.counts.loaded > 2_000)
        #expect(!committedWithIndex.isEmpty && committedWithIndex.allSatisfy { !$0 }, "batches committed with the index: \(committedWithIndex)")
        #expect(try Self.indexSQL(warehouse.db) == migrated)
        #expect(try CustomerTotals.areCurrent(warehouse.db))

        // The same file again into the warehouse that now holds orders: the index stays.
        committedWithIndex = []
        let second = try warehouse.importFile(file, options: Self.options()) { _ in
            committedWithIndex.append((try? Self.indexSQL(observer)) != nil)
        }
        #expect(second.counts.duplicate == first.counts.loaded)
        #expect(!committedWithIndex.isEmpty && committedWithIndex.allSatisfy { $0 })
    }

    @Test("an import that fails after dropping the index builds it before it returns")
    func failedImportRestoresTheIndex() throws {
        let scratch = try Scratch()
        let lines = try String(contentsOfFile: try Self.sample(scratch), encoding: .utf8)
        let bad = try scratch.file("bad.csv", lines + "X1,85123A,BAD,6,not a date,2.55,17850,United Kingdom\n")
        let warehouse = try scratch.warehouse()
        #expect(throws: ImportError.self) { try warehouse.importFile(bad, options: Self.options(strict: true)) }
        #expect(try warehouse.db.scalar("SELECT count(*) FROM orders").int64 == 0)
        #expect(try Self.indexSQL(warehouse.db) != nil)
    }

    @Test("opening for writing builds the index a killed bulk import left missing; opening for reading changes nothing")
    func writableOpenRestoresTheIndex() throws {
        let scratch = try Scratch()
        let path = scratch.path("test.db")
        do {
            let warehouse = try scratch.warehouse()
            _ = try warehouse.importFile(try Self.sample(scratch), options: Self.options())
        }
        let migrated = try Self.indexSQL(try Connection(path: path))
        try Connection(path: path).execute("DROP INDEX orders_by_user")  // as a kill mid-import leaves it
        _ = try Warehouse.openForReading(path: path)
        #expect(try Self.indexSQL(try Connection(path: path)) == nil)
        _ = try Warehouse.openForWriting(path: path, command: "test")
        #expect(try Self.indexSQL(try Connection(path: path)) == migrated)
    }

    @Test("RFM, retention and activity give the same answers without orders_by_user, as a reader during a first import sees the warehouse")
    func answersDoNotDependOnTheIndex() throws {
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
                    var rows: [RetentionRow] = []
                    try warehouse.retentionRows(RetentionOptions(scope: scoped, period: period), method: .scan) { rows.append($0) }
                    out.append("\(rows)")
                    out.append("\(try warehouse.activityPeriods(ActivityOptions(scope: scoped, period: period), method: .scan).1)")
                }
                try warehouse.endCurrencyFilter()
            }
            return out
        }
        let withIndex = try answers()
        try warehouse.db.execute("DROP INDEX orders_by_user")
        let without = try answers()
        #expect(withIndex.count == 4 * 8)
        for (index, (a, b)) in zip(withIndex, without).enumerated() { #expect(a == b, "answer \(index) differs without the index") }
    }
}
