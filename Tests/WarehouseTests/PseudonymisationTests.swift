import Foundation
import Testing
@testable import Warehouse

/// Customer ids stored as HMAC-SHA256 pseudonyms (docs/PRIVACY.md): at import, or by rewriting
/// an existing warehouse in one transaction; the key is checked by its fingerprint.
@Suite struct PseudonymisationTests {
    static let key = try! PseudonymKey(bytes: Array("0123456789abcdef0123456789abcdef".utf8))
    static let otherKey = try! PseudonymKey(bytes: Array("fedcba9876543210fedcba9876543210".utf8))

    static let orders = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,carol@example.com,United Kingdom
        536366,71053,WHITE METAL LANTERN,6,12/1/2010 8:28,3.39,17850,United Kingdom
        536367,71053,WHITE METAL LANTERN,x,12/1/2010 8:29,3.39,carol@example.com,United Kingdom

        """
    /// No event_id column: events are keyed by a hash of their content, customer id included.
    static let events = """
        user_id,occurred_at,type,properties
        carol@example.com,2010-12-02T10:00:00Z,view,"{""page"":""/"",""email"":""carol@example.com""}"
        17850,2010-12-02T11:00:00Z,view,
        carol@example.com,not a time,view,

        """
    static let users = "user_id,signed_up_at,country\ncarol@example.com,2010-11-01T00:00:00Z,United Kingdom\n17850,,France\n"

    private func importAll(_ warehouse: Warehouse, _ scratch: Scratch, key: PseudonymKey?) throws -> [ImportSummary] {
        var ordersOptions = ImportOptions(kind: .orders, format: .onlineRetail, timeZone: london)
        var eventsOptions = ImportOptions(kind: .events, format: .csv)
        var usersOptions = ImportOptions(kind: .users, format: .csv)
        ordersOptions.pseudonymKey = key
        eventsOptions.pseudonymKey = key
        usersOptions.pseudonymKey = key
        // Properties are free text that pseudonymisation does not reach: keeping only `page` drops the e-mail.
        eventsOptions.keepProperties = PropertyFilter(keep: ["page"])
        return [try warehouse.importFile(try scratch.file("orders.csv", Self.orders), options: ordersOptions),
                try warehouse.importFile(try scratch.file("events.csv", Self.events), options: eventsOptions),
                try warehouse.importFile(try scratch.file("users.csv", Self.users), options: usersOptions)]
    }

    /// Every text value of every table, to look for a source id anywhere.
    private func everyText(_ warehouse: Warehouse) throws -> String {
        var texts: [String] = []
        let tables = try warehouse.db.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0[0].string }
        for table in tables {
            for row in try warehouse.db.query("SELECT * FROM \"\(table)\"") {
                for value in row.values { if let text = value.string { texts.append(text) } }
            }
        }
        return texts.joined(separator: "\n")
    }

    @Test func importsIntoAPseudonymisedWarehouseStoreNoSourceId() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.pseudonymise(key: Self.key)
        let summaries = try importAll(warehouse, scratch, key: Self.key)
        #expect(summaries.map(\.counts.loaded) == [2, 2, 2])
        #expect(summaries.map(\.counts.rejected) == [1, 1, 0])
        let stored = Set(try warehouse.customerIDs().values)
        #expect(stored == [Self.key.pseudonym(of: "carol@example.com"), Self.key.pseudonym(of: "17850")])
        let everything = try everyText(warehouse)
        #expect(!everything.contains("carol@example.com"))
        #expect(!everything.contains("17850"))
        #expect(try warehouse.count("SELECT count(*) FROM events WHERE external_id LIKE 'k:%'") == 2)
        #expect(try warehouse.count("SELECT count(*) FROM import_rejects WHERE raw = '' AND raw_purged_at IS NOT NULL") == 2)
        #expect(try warehouse.rejects(importID: summaries[0].importID).map(\.line) == [4])
        // The same files again: every row is recognised.
        let again = try importAll(warehouse, scratch, key: Self.key)
        #expect(again.map(\.counts.loaded) == [0, 0, 0])
        #expect(again.map(\.counts.duplicate) == [2, 2, 2])
    }

    @Test func importsWithoutTheKeyOrWithAnotherAreRefused() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.pseudonymise(key: Self.key)
        let file = try scratch.file("users.csv", Self.users)
        #expect(throws: ImportError.self) { try warehouse.importFile(file, options: ImportOptions(kind: .users, format: .csv)) }
        var wrong = ImportOptions(kind: .users, format: .csv)
        wrong.pseudonymKey = Self.otherKey
        do {
            _ = try warehouse.importFile(file, options: wrong)
            Issue.record("an import with another key was accepted")
        } catch let error as ImportError {
            #expect(error.description.contains("not the one this warehouse's pseudonyms were made with"))
        }
        #expect(try warehouse.count("SELECT count(*) FROM users") == 0)
        #expect(try warehouse.count("SELECT count(*) FROM imports") == 0)
        // A key for a warehouse that stores ids as written is refused too.
        let clear = try scratch.warehouse("clear.db")
        #expect(throws: ImportError.self) { try clear.importFile(file, options: wrong) }
    }

    @Test func shortKeysAreRefused() {
        #expect(throws: PrivacyError.self) { try PseudonymKey(bytes: Array(repeating: 7, count: 31)) }
        #expect(throws: Never.self) { try PseudonymKey(bytes: Array(repeating: 7, count: 32)) }
    }

    @Test func anExistingWarehouseIsRewrittenAndKeepsRecognisingItsRows() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try importAll(warehouse, scratch, key: nil)
        let idsBefore = try warehouse.customerIDs()
        let summary = try warehouse.pseudonymise(key: Self.key)
        #expect(summary == PseudonymisationSummary(users: 2, events: 2, cdnowOrders: 0, rejectsBlanked: 2, fileNamesDropped: 3))
        // Same rows, same internal ids, pseudonymous external ids.
        let idsAfter = try warehouse.customerIDs()
        #expect(idsAfter == idsBefore.mapValues { Self.key.pseudonym(of: $0) })
        let everything = try everyText(warehouse)
        #expect(!everything.contains("carol@example.com"))
        #expect(!everything.contains("17850"))
        // Re-importing the source files adds nothing: events keyed by content hash map to the same rows.
        let again = try importAll(warehouse, scratch, key: Self.key)
        #expect(again.map(\.counts.loaded) == [0, 0, 0])
        #expect(try warehouse.count("SELECT count(*) FROM users") == 2)
        #expect(try warehouse.count("SELECT count(*) FROM events") == 2)
        // Twice is refused, and nothing changes.
        #expect(throws: PrivacyError.self) { try warehouse.pseudonymise(key: Self.key) }
        #expect(try warehouse.customerIDs() == idsAfter)
    }

    /// The rewrite is one transaction: when it fails part way (here a stored id that already is
    /// another customer's pseudonym), nothing of it stays.
    @Test func aFailedRewriteLeavesTheWarehouseAsItWas() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let users = "user_id,country\nbob,Italy\ncarol,France\n\(Self.key.pseudonym(of: "carol")),Spain\n"
        _ = try warehouse.importFile(try scratch.file("u.csv", users), options: ImportOptions(kind: .users, format: .csv))
        let before = try warehouse.customerIDs()
        #expect(throws: (any Error).self) { try warehouse.pseudonymise(key: Self.key) }
        #expect(try warehouse.customerIDs() == before)
        #expect(try warehouse.privacySettings().isPseudonymised == false)
    }

    /// CDNOW rows have no order id: theirs is made of customer, date and position, so it holds the customer id.
    @Test func cdnowOrderIdsCarryThePseudonym() throws {
        let scratch = try Scratch()
        let file = try scratch.file("cdnow.txt", "00001  19970101  1  11.77\n00001  19970101  2  20.00\n00002  19970112  1  12.00\n")
        var options = ImportOptions(kind: .orders, format: .cdnow, timeZone: utc)
        let clear = try scratch.warehouse("clear.db")
        _ = try clear.importFile(file, options: options)
        #expect(try clear.count("SELECT count(*) FROM orders WHERE external_id LIKE '00001:%'") == 2)
        let summary = try clear.pseudonymise(key: Self.key)
        #expect(summary.cdnowOrders == 3)
        // Order ids are not what the totals count: they stay current.
        #expect(try clear.count("SELECT count(*) FROM customer_totals_state") == 1)
        let prefix = Self.key.pseudonym(of: "00001") + ":19970101:"
        #expect(try clear.db.query("SELECT external_id FROM orders ORDER BY id").map { $0[0].string } == [prefix + "1", prefix + "2",
                                                                                                          Self.key.pseudonym(of: "00002") + ":19970112:1"])
        options.pseudonymKey = Self.key
        #expect(try clear.importFile(file, options: options).counts.duplicate == 3)
        // Imported into a pseudonymised warehouse from the start: the same ids.
        let pseudonymised = try scratch.warehouse("p.db")
        _ = try pseudonymised.pseudonymise(key: Self.key)
        _ = try pseudonymised.importFile(file, options: options)
        let ids = { (w: Warehouse) in try w.db.query("SELECT external_id FROM orders ORDER BY external_id").map { $0[0].string ?? "" } }
        #expect(try ids(pseudonymised) == ids(clear))
    }

    @Test func revealFindsTheSourceIdAmongCandidates() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.pseudonymise(key: Self.key)
        let pseudonym = Self.key.pseudonym(of: "carol@example.com")
        #expect(try warehouse.reveal(pseudonym: pseudonym, key: Self.key, candidates: ["17850", "carol@example.com", "bob"]) == ["carol@example.com"])
        #expect(try warehouse.reveal(pseudonym: pseudonym, key: Self.key, candidates: ["17850"]).isEmpty)
        #expect(throws: PrivacyError.self) { try warehouse.reveal(pseudonym: pseudonym, key: Self.otherKey, candidates: ["carol@example.com"]) }
    }
}
