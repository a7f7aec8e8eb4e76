import Foundation
import Testing
import SQLiteStore
@testable import Warehouse

/// An Online Retail dump with a winter invoice (London = UTC), a summer one (London = UTC+1) and
/// a return: six lines, net 17.40 + 20.34 + 23.60 + 40.68 - 5.10 = 96.92.
let identityFixture = """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.90,17850,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom
556001,22423,REGENCY CAKESTAND 3 TIER,2,6/8/2011 12:05,11.80,12583,France
556001,71053,WHITE METAL LANTERN,6,6/8/2011 12:05,3.39,12583,France
556001,71053,WHITE METAL LANTERN,6,6/8/2011 12:05,3.39,12583,France
C556002,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-2,6/8/2011 13:00,2.55,17850,United Kingdom

"""

/// The same records in the Online Retail II layout, which writes its dates another way.
let identityFixtureII = """
Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.90,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
556001,22423,REGENCY CAKESTAND 3 TIER,2,2011-06-08 12:05:00,11.80,12583.0,France
556001,71053,WHITE METAL LANTERN,6,2011-06-08 12:05:00,3.39,12583.0,France
556001,71053,WHITE METAL LANTERN,6,2011-06-08 12:05:00,3.39,12583.0,France
C556002,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-2,2011-06-08 13:00:00,2.55,17850.0,United Kingdom

"""

let newYork = TimeZone(identifier: "America/New_York")!

/// What the warehouse holds, for comparing states: lines, orders and the net revenue.
struct WarehouseTally: Equatable {
    let lines: Int
    let orders: Int
    let netMicros: Int64

    init(lines: Int, orders: Int, netMicros: Int64) {
        self.lines = lines
        self.orders = orders
        self.netMicros = netMicros
    }

    init(_ warehouse: Warehouse) throws {
        lines = try warehouse.count("SELECT count(*) FROM order_lines")
        orders = try warehouse.count("SELECT count(*) FROM orders")
        netMicros = try warehouse.db.scalar("SELECT coalesce(sum(amount_micros), 0) FROM orders").int64 ?? -1
    }
}

@Suite struct ImportIdentityTests {
    @Test("a date window only filters records: the same file again with another --dates-between is not refused and loads what the first window left out")
    func anotherDateWindowIsNotRefused() throws {
        let scratch = try Scratch()
        let file = try scratch.file("orders.csv", identityFixture)
        let warehouse = try scratch.warehouse()
        var winterOnly = orderOptions(.onlineRetail, zone: london)
        winterOnly.dateWindow = DateWindow(parsing: "2010-01-01..2011-01-01")
        let first = try warehouse.importFile(file, options: winterOnly)
        #expect(first.counts.loaded == 2 && first.counts.rejected == 4)
        let second = try warehouse.importFile(file, options: orderOptions(.onlineRetail, zone: london))
        #expect(second.counts.loaded == 4 && second.counts.duplicate == 2 && second.counts.rejected == 0)
        #expect(try WarehouseTally(warehouse) == WarehouseTally(lines: 6, orders: 3, netMicros: 96_920_000))
    }

    @Test("the issue's sequence: the same file again with --timezone UTC, then New York and USD, is refused naming import 1 and the options, and nothing changes")
    func reimportWithOtherOptionsIsRefused() throws {
        let scratch = try Scratch()
        let file = try scratch.file("orders.csv", identityFixture)
        let warehouse = try scratch.warehouse()
        let first = try warehouse.importFile(file, options: orderOptions(.onlineRetail, zone: london))
        #expect(first.counts.loaded == 6)
        let tally = try WarehouseTally(warehouse)
        #expect(tally == WarehouseTally(lines: 6, orders: 3, netMicros: 96_920_000))

        let utcError = #expect(throws: ImportError.self) {
            try warehouse.importFile(file, options: orderOptions(.onlineRetail, zone: utc))
        }
        #expect(utcError?.description.contains("import 1") == true)
        // Foundation names the UTC zone GMT.
        #expect(utcError?.description.contains("--timezone Europe/London in import 1, GMT now") == true)
        #expect(try WarehouseTally(warehouse) == tally)

        let newYorkError = #expect(throws: ImportError.self) {
            try warehouse.importFile(file, options: orderOptions(.onlineRetail, zone: newYork, currency: "USD"))
        }
        #expect(newYorkError?.description.contains("--timezone Europe/London in import 1, America/New_York now") == true)
        #expect(newYorkError?.description.contains("--currency not given in import 1, USD now") == true)
        #expect(try WarehouseTally(warehouse) == tally)

        // The same options again: every line a duplicate, as before.
        let again = try warehouse.importFile(file, options: orderOptions(.onlineRetail, zone: london))
        #expect(again.counts.duplicate == 6)
        #expect(try WarehouseTally(warehouse) == tally)
    }

    @Test("a line's key is the same whatever --timezone converted its time, and in either Online Retail layout")
    func lineKeysDoNotDependOnOptions() throws {
        let scratch = try Scratch()
        var keys: [[Int64]] = []
        for (index, (text, zone)) in [(identityFixture, london), (identityFixture, utc), (identityFixtureII, newYork)].enumerated() {
            let file = try scratch.file("orders\(index).csv", text)
            let warehouse = try scratch.warehouse("w\(index).db")
            _ = try warehouse.importFile(file, options: orderOptions(.onlineRetail, zone: zone))
            keys.append(try warehouse.db.query("SELECT line_key FROM order_lines ORDER BY line_key, occurrence").map { $0[0].int64 ?? 0 })
        }
        #expect(keys[0].count == 6)
        #expect(keys[0] == keys[1])
        #expect(keys[0] == keys[2])
    }

    @Test("another dump naming stored orders, read in another zone, has those rows rejected naming the earlier import; counts reconcile")
    func rowsOfStoredOrdersWithAnotherZoneAreRejected() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("or.csv", identityFixture), options: orderOptions(.onlineRetail, zone: london))
        let tally = try WarehouseTally(warehouse)
        let other = try scratch.file("or2.csv", identityFixtureII)
        let summary = try warehouse.importFile(other, options: orderOptions(.onlineRetail, zone: utc))
        #expect(summary.counts.read == 6)
        #expect(summary.counts.rejected == 6)
        #expect(summary.counts.loaded == 0)
        #expect(summary.counts.isBalanced)
        #expect(try WarehouseTally(warehouse) == tally)
        let rejects = try warehouse.rejects(importID: summary.importID)
        #expect(rejects.first?.line == 2)
        #expect(rejects.first?.reason == "order '536365' was stored by import 1 with --timezone Europe/London; this import reads its time in GMT, "
                + "which would give it another instant: undo import 1 or import with --timezone Europe/London")

        // In the zone of import 1, the other layout's rows are the same lines.
        let same = try warehouse.importFile(other, options: orderOptions(.onlineRetail, zone: london))
        #expect(same.counts.duplicate == 6)
        #expect(try WarehouseTally(warehouse) == tally)
    }

    @Test("a row naming a stored order in another currency is rejected naming the earlier import")
    func rowsOfStoredOrdersInAnotherCurrencyAreRejected() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("or.csv", identityFixture), options: orderOptions(.onlineRetail, zone: london))
        let summary = try warehouse.importFile(try scratch.file("or2.csv", identityFixtureII),
                                               options: orderOptions(.onlineRetail, zone: london, currency: "USD"))
        #expect(summary.counts.rejected == 6)
        #expect(try warehouse.rejects(importID: summary.importID).first?.reason.hasPrefix(
            "order '536365' is stored in GBP by import 1; this row is in USD") == true)
        #expect(try warehouse.count("SELECT count(*) FROM order_lines") == 6)
    }

    @Test("a conflict's reason quotes at most 80 characters of the order id")
    func conflictReasonsQuoteLittleInput() throws {
        // (A currency column's text is checked as an ISO 4217 code before this check, so only
        // codes reach it; the order id is the long part.)
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let order = String(repeating: "X", count: 300)
        let header = "order_id,ordered_at,product_id,quantity,unit_price,currency\n"
        _ = try warehouse.importFile(try scratch.file("a.csv", header + "\(order),2024-03-01T10:00:00Z,S1,1,1.00,EUR\n"),
                                     options: orderOptions(.csv, zone: nil))
        let summary = try warehouse.importFile(try scratch.file("b.csv", header + "\(order),2024-03-01T10:00:00Z,S2,1,1.00,USD\n"),
                                               options: orderOptions(.csv, zone: nil))
        #expect(summary.counts.rejected == 1)
        let reason = try #require(try warehouse.rejects(importID: summary.importID).first?.reason)
        #expect(reason.hasPrefix("order '\(String(repeating: "X", count: 80))…' is stored in EUR by import 1; this row is in USD"))
        #expect(reason.utf8.count < 300)
    }

    @Test("orders created before migration 0011 keep their instant-keyed lines: re-importing them adds nothing")
    func instantKeyedOrdersStayDeduplicated() throws {
        let scratch = try Scratch()
        let file = try scratch.file("or.csv", identityFixture)
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(file, options: orderOptions(.onlineRetail, zone: london))
        // Make the warehouse look like one filled before 0011: its import keyed lines by instant.
        try warehouse.db.execute("UPDATE imports SET line_keys = 'instant'")
        let lines = try warehouse.db.query("""
            SELECT l.id, p.external_id, l.description, l.quantity, l.unit_price_micros, l.amount_micros, l.line_at
            FROM order_lines l JOIN products p ON p.id = l.product_id
            """)
        for line in lines {
            var hash = StableHash()
            hash.add(line[1].string); hash.add(line[2].string); hash.add(line[3].int64); hash.add(line[4].int64)
            hash.add(line[5].int64); hash.add(line[6].int64)
            try warehouse.db.run("UPDATE order_lines SET line_key = ? WHERE id = ?", hash.value, line[0].int64 ?? 0)
        }
        let tally = try WarehouseTally(warehouse)
        let other = try scratch.file("or2.csv", identityFixtureII)
        let summary = try warehouse.importFile(other, options: orderOptions(.onlineRetail, zone: london))
        #expect(summary.counts.duplicate == 6)
        #expect(try WarehouseTally(warehouse) == tally)
    }
}

@Suite struct ImportIdentityMigrationTests {
    @Test("the identity migration marks existing imports' lines as keyed by instant, new imports as written, and leaves old snapshots without lineage")
    func existingImportsKeepInstantKeys() throws {
        let scratch = try Scratch()
        let path = scratch.path("old.db")
        let all = try SQLCatalog.migrator().migrations
        let ours = try #require(all.first { $0.name == "import_identity_and_undo" }).version
        do {
            let db = try Connection(path: path)
            try Migrator(migrations: all.filter { $0.version < ours }).migrate(db)
            try db.execute("INSERT INTO imports (id, kind, format, file_name, status, started_at) VALUES (1, 'orders', 'csv', 'f', 'finished', 0)")
        }
        let warehouse = try Warehouse(path: path)
        #expect(try warehouse.db.scalar("SELECT line_keys FROM imports WHERE id = 1").string == "instant")
        let summary = try warehouse.importFile(try scratch.file("or.csv", identityFixture), options: orderOptions(.onlineRetail))
        #expect(try warehouse.db.scalar("SELECT line_keys FROM imports WHERE id = ?", summary.importID).string == "as_written")
        #expect(try warehouse.db.scalar("SELECT undone_at_utc FROM imports_v WHERE id = 1") == .null)
    }
}
