import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// Where `forget` reaches beyond a stored id: source ids in a pseudonymised warehouse, ids
/// whose data has not arrived yet, anonymous events that name an erased id in their
/// properties, and rejected rows matched by whole field only (docs/PRIVACY.md).
@Suite struct ErasureReachTests {
    static let key = try! PseudonymKey(bytes: Array("0123456789abcdef0123456789abcdef".utf8))
    static let otherKey = try! PseudonymKey(bytes: Array("fedcba9876543210fedcba9876543210".utf8))

    static let orders = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,carol@example.com,United Kingdom
        536366,71053,WHITE METAL LANTERN,6,12/1/2010 8:28,3.39,17850,United Kingdom
        536367,71053,WHITE METAL LANTERN,2,12/2/2010 8:28,3.39,carol@example.com,United Kingdom

        """
    static let events = """
        event_id,user_id,occurred_at,type,properties
        e1,carol@example.com,2010-12-02T10:00:00Z,view,
        e2,,2010-12-02T11:00:00Z,view,"{""referred_by"":""carol@example.com"",""page"":""/""}"
        e3,,2010-12-02T12:00:00Z,view,"{""page"":""/carol""}"

        """

    /// Every text value of every table, to look for an id anywhere.
    static func everyText(_ db: Connection) throws -> String {
        var texts: [String] = []
        for table in try db.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap({ $0[0].string }) {
            for row in try db.query("SELECT * FROM \"\(table)\"") {
                for value in row.values { if let text = value.string { texts.append(text) } }
            }
        }
        return texts.joined(separator: "\n")
    }

    private func importBoth(_ warehouse: Warehouse, _ scratch: Scratch, key: PseudonymKey? = nil) throws -> [ImportSummary] {
        var ordersOptions = orderOptions(.onlineRetail, zone: utc)
        var eventsOptions = ImportOptions(kind: .events, format: .csv)
        ordersOptions.pseudonymKey = key
        eventsOptions.pseudonymKey = key
        return [try warehouse.importFile(try scratch.file("orders.csv", Self.orders), options: ordersOptions),
                try warehouse.importFile(try scratch.file("events.csv", Self.events), options: eventsOptions)]
    }

    @Test("in a pseudonymised warehouse, forget with the key erases a source id as its pseudonym; a wrong key is refused")
    func sourceIdsAreErasedThroughTheKey() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.pseudonymise(key: Self.key)
        _ = try importBoth(warehouse, scratch, key: Self.key)
        let pseudonym = Self.key.pseudonym(of: "carol@example.com")
        #expect(throws: PrivacyError.self) { try warehouse.forget(["carol@example.com"], key: Self.otherKey) }
        let summary = try warehouse.forget(["carol@example.com"], key: Self.key)
        #expect(summary.erased == ["carol@example.com"] && summary.notFound.isEmpty)
        #expect(summary.rows(of: "orders") == 2 && summary.rows(of: "events") == 1 && summary.rows(of: "users") == 1)
        let erasureKey = try #require(try ErasureKey.stored(warehouse.db))
        #expect(try warehouse.db.scalar("SELECT customer_hash FROM erasures").string == KeyedHash(key: erasureKey).hex(pseudonym))
        let again = try importBoth(warehouse, scratch, key: Self.key)
        #expect(again.map(\.counts.erased) == [2, 1] && again.allSatisfy(\.counts.isBalanced))
        #expect(again.map(\.counts.loaded) == [0, 0])
        let everything = try Self.everyText(warehouse.db)
        #expect(!everything.contains(pseudonym))
        #expect(!everything.lowercased().contains("carol@example.com"))
        // Without a key, the id is taken as stored: the pseudonym itself.
        #expect(try warehouse.forget([pseudonym]).alreadyErased == [pseudonym])
    }

    @Test("forget --log-absent logs an id with no data yet, so a later import skips her; without it the id is not found and not logged")
    func absentIdsCanBeLogged() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let plain = try warehouse.forget(["carol@example.com"])
        #expect(plain.notFound == ["carol@example.com"] && plain.loggedAbsent.isEmpty)
        #expect(try warehouse.count("SELECT count(*) FROM erasures") == 0)
        let dry = try warehouse.forget(["carol@example.com"], dryRun: true, logAbsent: true)
        #expect(dry.loggedAbsent == ["carol@example.com"] && dry.notFound.isEmpty)
        #expect(try warehouse.count("SELECT count(*) FROM erasures") == 0)
        let logged = try warehouse.forget(["carol@example.com"], logAbsent: true)
        #expect(logged.loggedAbsent == ["carol@example.com"] && logged.notFound.isEmpty && logged.erased.isEmpty)
        #expect(try warehouse.db.scalar("SELECT rows_removed FROM erasures").string == "{}")
        let later = try importBoth(warehouse, scratch)
        #expect(later.map(\.counts.erased) == [2, 1] && later.map(\.counts.loaded) == [1, 2])
        #expect(try warehouse.count("SELECT count(*) FROM users WHERE external_id = 'carol@example.com'") == 0)
        #expect(try warehouse.forget(["carol@example.com"], logAbsent: true).alreadyErased == ["carol@example.com"])
        #expect(try warehouse.count("SELECT count(*) FROM erasures") == 1)
    }

    @Test("a later import drops the properties of events that name an erased id as a whole value, and counts their keys")
    func laterEventsNamingAnErasedIdLoseTheirProperties() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.forget(["carol@example.com"], logAbsent: true)
        let summaries = try importBoth(warehouse, scratch)
        #expect(summaries[1].counts.erased == 1 && summaries[1].counts.loaded == 2 && summaries[1].counts.propertyKeysDropped == 2)
        #expect(try warehouse.db.query("SELECT external_id, properties FROM events ORDER BY external_id").map { "\($0.values)" } == [
            "\([SQLValue.text("e2"), .null])",
            "\([SQLValue.text("e3"), .text("{\"page\":\"/carol\"}")])",
        ])
        #expect(!(try Self.everyText(warehouse.db)).contains("carol@example.com"))
    }

    @Test("a short id blanks only rejected rows that hold it as a whole field")
    func shortIdsMatchRejectsByWholeField() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let dump = """
            InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
            536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,12,United Kingdom
            536366,71053,WHITE METAL LANTERN,many,12/1/2010 8:28,3.39,12,United Kingdom
            536367,71053,WHITE METAL LANTERN,lots,12/2/2010 8:28,3.39,17850,United Kingdom
            536368,A12,WHITE METAL LANTERN,few,12/2/2010 8:28,3.39,17850,United Kingdom

            """
        let summary = try warehouse.importFile(try scratch.file("orders.csv", dump), options: orderOptions(.onlineRetail, zone: utc))
        #expect(summary.counts.rejected == 3)
        let erased = try warehouse.forget(["12"])
        #expect(erased.rows(of: "import_rejects") == 1)
        #expect(try warehouse.db.query("SELECT line, raw FROM import_rejects ORDER BY line").map { "\($0.values)" } == [
            "\([SQLValue.integer(3), .text("")])",
            "\([SQLValue.integer(4), .text("536367,71053,WHITE METAL LANTERN,lots,12/2/2010 8:28,3.39,17850,United Kingdom")])",
            "\([SQLValue.integer(5), .text("536368,A12,WHITE METAL LANTERN,few,12/2/2010 8:28,3.39,17850,United Kingdom")])",
        ])
    }
}
