import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// `Warehouse.forget`: the kept figures afterwards are those a full recomputation gives, a dry
/// run changes nothing, and imports skip the erased customer's rows by the keyed hash.
@Suite struct CustomerErasureTests {
    static let dump = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
        536366,22423,REGENCY CAKESTAND 3 TIER,2,12/1/2010 9:05,11.80,carol@example.com,France
        536367,22423,REGENCY CAKESTAND 3 TIER,1,1/4/2011 9:05,11.80,carol@example.com,France
        C536368,22423,REGENCY CAKESTAND 3 TIER,-1,1/5/2011 9:05,11.80,carol@example.com,France
        536369,85123A,WHITE HANGING HEART T-LIGHT HOLDER,1,2/7/2011 10:00,2.55,12583,France
        536370,85123A,WHITE HANGING HEART T-LIGHT HOLDER,3,3/9/2011 11:00,2.55,12583,France
        536371,85123A,WHITE HANGING HEART T-LIGHT HOLDER,3,3/10/2011 11:00,2.55,,France
        536372,85123A,WHITE HANGING HEART T-LIGHT HOLDER,3,6/9/2011 11:00,2.55,carol@example.com,France

        """

    /// Rows of the tables the import keeps from the orders, as text.
    static func kept(_ db: Connection) throws -> [String] {
        try ["customer_totals", "order_currencies"].flatMap { table in
            try db.query("SELECT * FROM \(table) ORDER BY 1").map { "\(table) \($0.values)" }
        } + db.query("SELECT through_order_id, orders_counted FROM customer_totals_state")
            .map { "state \($0.values)" }
    }

    @Test("after forget, customer totals and currencies equal a full refresh; revenue lost is hers exactly")
    func keptFiguresEqualARecomputation() throws {
        let scratch = try Scratch()
        let file = try scratch.file("orders.csv", Self.dump)
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(file, options: orderOptions(.onlineRetail, zone: utc))
        let revenue = try warehouse.count("SELECT sum(amount_micros) FROM orders")
        let carol = try #require(try warehouse.db.scalar("SELECT id FROM users WHERE external_id = 'carol@example.com'").int64)
        #expect(try warehouse.count("SELECT count(*) FROM customer_totals WHERE user_id = \(carol)") == 1)

        let summary = try warehouse.forget(["carol@example.com"])
        #expect(summary.erased == ["carol@example.com"])
        #expect(summary.rows(of: "orders") == 4 && summary.rows(of: "order_lines") == 4 && summary.rows(of: "customer_totals") == 1)
        // 2 x 11.80 + 11.80 - 11.80 (the return) + 3 x 2.55
        let hers: Int64 = 31_250_000
        #expect(summary.removedAmounts == [ErasureSummary.RemovedAmount(currency: "GBP", orders: 4, micros: hers)])
        #expect(try warehouse.count("SELECT sum(amount_micros) FROM orders") == revenue - Int(hers))

        let afterForget = try Self.kept(warehouse.db)
        try warehouse.db.execute("BEGIN")
        try warehouse.db.execute("DELETE FROM customer_totals_state")
        try CustomerTotals.refresh(warehouse.db)
        let recomputed = try Self.kept(warehouse.db)
        try warehouse.db.execute("ROLLBACK")
        #expect(afterForget == recomputed)
        #expect(!afterForget.joined().contains("carol"))
    }

    @Test("a dry run counts what would go and leaves every table, the key and the log as they were")
    func dryRunChangesNothing() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("orders.csv", Self.dump), options: orderOptions(.onlineRetail, zone: utc))
        let before = try Self.kept(warehouse.db) + [String(try warehouse.count("SELECT count(*) FROM orders"))]
        let summary = try warehouse.forget(["carol@example.com", "17850"], dryRun: true)
        #expect(summary.dryRun && summary.erased == ["carol@example.com", "17850"] && summary.rows(of: "orders") == 5)
        #expect(try Self.kept(warehouse.db) + [String(try warehouse.count("SELECT count(*) FROM orders"))] == before)
        #expect(try warehouse.count("SELECT count(*) FROM privacy_keys") == 0)
        #expect(try warehouse.count("SELECT count(*) FROM erasures") == 0)
    }

    @Test("an erased customer's rows are skipped by the next import and counted as erased; read = loaded + duplicate + rejected + erased")
    func importsSkipErasedCustomers() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let file = try scratch.file("orders.csv", Self.dump)
        _ = try warehouse.importFile(file, options: orderOptions(.onlineRetail, zone: utc))
        _ = try warehouse.forget(["carol@example.com"])
        let again = try warehouse.importFile(file, options: orderOptions(.onlineRetail, zone: utc))
        #expect(again.counts.erased == 4 && again.counts.duplicate == 4 && again.counts.loaded == 0 && again.counts.isBalanced)
        #expect(try warehouse.count("SELECT count(*) FROM users WHERE external_id = 'carol@example.com'") == 0)
        #expect(try warehouse.count("SELECT rows_erased FROM imports WHERE id = ?", again.importID) == 4)
        // A log row names the customer only by its keyed hash, under the warehouse's key.
        let key = try #require(try ErasureKey.stored(warehouse.db))
        #expect(key.count == 32)
        #expect(try warehouse.db.scalar("SELECT customer_hash FROM erasures").string == KeyedHash(key: key).hex("carol@example.com"))
        #expect(try warehouse.db.scalar("SELECT rows_removed FROM erasures").string?.contains("\"orders\": 4") == true)
    }

    @Test("the erasure log and the key cannot be changed or removed")
    func logIsAppendOnly() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("orders.csv", Self.dump), options: orderOptions(.onlineRetail, zone: utc))
        _ = try warehouse.forget(["12583"])
        #expect(throws: SQLiteError.self) { try warehouse.db.execute("DELETE FROM erasures") }
        #expect(throws: SQLiteError.self) { try warehouse.db.execute("UPDATE privacy_keys SET created_at = 0") }
        #expect(throws: SQLiteError.self) { try warehouse.db.execute("DELETE FROM privacy_keys") }
    }

    @Test("other events' properties holding the id as a whole value lose them; LIKE's wildcards in an id match only themselves",
          arguments: [0, QuotedIDRedaction.likePassLimit])
    func otherEventsPropertiesAreMatchedExactly(otherCustomers: Int) throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        // Other customers erased at the same time take the search past the LIKE pass when there are enough.
        let others = (0..<otherCustomers).map { "o\($0),u\($0),2011-01-08T09:00:00Z,view,\n" }.joined()
        let events = """
            event_id,user_id,occurred_at,type,properties
            e1,a_b%c,2011-01-09T09:00:00Z,view,"{""email"":""a_b%c""}"
            e2,,2011-01-09T09:01:00Z,view,"{""ref"":""A_B%C""}"
            e3,,2011-01-09T09:02:00Z,view,"{""ref"":""aXbYYc""}"
            e4,,2011-01-09T09:03:00Z,view,"{""session"":""s-a_b%c-1""}"

            """ + others
        _ = try warehouse.importFile(try scratch.file("events.csv", events), options: ImportOptions(kind: .events, format: .csv))
        let summary = try warehouse.forget(["a_b%c"] + (0..<otherCustomers).map { "u\($0)" })
        #expect(summary.erased.count == 1 + otherCustomers)
        #expect(summary.rows(of: "events") == 1 + otherCustomers && summary.rows(of: "other_events_properties") == 1)
        #expect(try warehouse.db.query("SELECT external_id, properties FROM events ORDER BY external_id").map { "\($0.values)" } == [
            "\([SQLValue.text("e2"), .null])",
            "\([SQLValue.text("e3"), .text("{\"ref\":\"aXbYYc\"}")])",
            "\([SQLValue.text("e4"), .text("{\"session\":\"s-a_b%c-1\"}")])",
        ])
    }
}
