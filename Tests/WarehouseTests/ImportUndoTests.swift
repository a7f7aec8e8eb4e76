import Foundation
import Testing
import SQLiteStore
@testable import Warehouse

/// A second dump: a new order (new customer 99999, new product 99999X and a known one), a line
/// added to import 1's invoice 536365 at an earlier minute (moving the order's time), and a line
/// import 1 already holds (a duplicate, which undo must leave alone).
let laterDumpFixture = """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
600001,99999X,NEW LAMP,1,7/1/2011 9:00,25.00,99999,Germany
600001,71053,WHITE METAL LANTERN,2,7/1/2011 9:00,3.39,99999,Germany
536365,22423,REGENCY CAKESTAND 3 TIER,1,12/1/2010 8:00,11.80,17850,United Kingdom
556001,22423,REGENCY CAKESTAND 3 TIER,2,6/8/2011 12:05,11.80,12583,France

"""

/// Every row of the tables an import changes and of what is kept from them, as text, for
/// comparing two states exactly (the totals' refresh time aside).
func warehouseDump(_ warehouse: Warehouse) throws -> [String] {
    let tables = ["users", "products", "orders", "order_lines", "events", "customer_totals", "order_currencies"]
    var rows: [String] = []
    for table in tables {
        rows += try warehouse.db.query("SELECT * FROM \(table) ORDER BY 1").map { "\(table): \($0.values)" }
    }
    rows += try warehouse.db.query("SELECT through_order_id, orders_counted FROM customer_totals_state")
        .map { "state: \($0.values)" }
    return rows
}

@Suite struct ImportUndoTests {
    @Test("undo restores the exact state before the import, including lines it added to earlier orders and their totals and time")
    func undoRestoresThePriorState() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("a.csv", identityFixture), options: orderOptions(.onlineRetail))
        let before = try warehouseDump(warehouse)
        let later = try scratch.file("b.csv", laterDumpFixture)
        let second = try warehouse.importFile(later, options: orderOptions(.onlineRetail))
        #expect(second.counts.loaded == 3)
        #expect(second.counts.duplicate == 1)
        #expect(try warehouse.db.scalar("SELECT ordered_at_utc FROM orders_v WHERE order_ref = '536365'").string == "2010-12-01T08:00:00Z")
        #expect(try warehouseDump(warehouse) != before)

        let summary = try warehouse.undoImport(second.importID)
        #expect(summary == UndoSummary(importID: 2, kind: "orders", file: "b.csv", dryRun: false, orders: 1, lines: 3, ordersRestored: 1,
                                       events: 0, users: 1, products: 1, usersKept: 0, productsKept: 0))
        #expect(try warehouseDump(warehouse) == before)
        #expect(try warehouse.listImports().map(\.status) == ["finished", "undone"])

        // Undone, the file can be imported again, with the same result as the first time.
        let again = try warehouse.importFile(later, options: orderOptions(.onlineRetail))
        #expect(again.counts.loaded == 3)
        #expect(try warehouse.count("SELECT count(*) FROM order_lines") == 9)
    }

    @Test("a dry run reports what undo would remove and changes nothing")
    func dryRunChangesNothing() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("a.csv", identityFixture), options: orderOptions(.onlineRetail))
        let second = try warehouse.importFile(try scratch.file("b.csv", laterDumpFixture), options: orderOptions(.onlineRetail))
        let imported = try warehouseDump(warehouse)
        let dry = try warehouse.undoImport(second.importID, dryRun: true)
        #expect(dry.dryRun)
        #expect(dry.lines == 3)
        #expect(dry.orders == 1)
        #expect(try warehouseDump(warehouse) == imported)
        #expect(try warehouse.listImports().map(\.status) == ["finished", "finished"])
    }

    @Test("a model trained after the import refuses its undo, naming the snapshot; one trained before does not")
    func undoIsRefusedByALaterModel() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("a.csv", identityFixture), options: orderOptions(.onlineRetail))
        _ = try warehouse.saveSnapshot(try RegistryFixtures.draft("churn"))
        #expect(try warehouse.db.scalar("SELECT trained_through_import FROM model_snapshots").int64 == 1)
        let second = try warehouse.importFile(try scratch.file("b.csv", laterDumpFixture), options: orderOptions(.onlineRetail))
        let before = try warehouseDump(warehouse)
        let refusal = #expect(throws: UndoRefusal.self) { try warehouse.undoImport(1) }
        #expect(refusal?.description.contains("model snapshots trained after it could see its rows: churn@1") == true)
        #expect(try warehouseDump(warehouse) == before)
        // The model was trained before import 2: that one can be undone.
        #expect(try warehouse.undoImport(second.importID).lines == 3)
    }

    @Test("scores made for users the import added refuse its undo, naming the table")
    func undoIsRefusedByScoresOfItsUsers() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("a.csv", identityFixture), options: orderOptions(.onlineRetail))
        let snapshot = try warehouse.saveSnapshot(try RegistryFixtures.draft("churn"))
        let second = try warehouse.importFile(try scratch.file("b.csv", laterDumpFixture), options: orderOptions(.onlineRetail))
        try warehouse.db.run("""
            INSERT INTO predictions (snapshot_id, user_id, as_of, score)
            SELECT ?, id, 0, 0.5 FROM users WHERE external_id = '99999'
            """, snapshot.id)
        let refusal = #expect(throws: UndoRefusal.self) { try warehouse.undoImport(second.importID) }
        #expect(refusal?.description.contains("model outputs name users or products it added: predictions (1 users)") == true)
    }

    @Test("a snapshot saved before lineage was recorded refuses the undo of imports begun before it")
    func snapshotsWithoutLineageFallBackToTheirTime() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("a.csv", identityFixture), options: orderOptions(.onlineRetail))
        _ = try warehouse.saveSnapshot(try RegistryFixtures.draft("churn"))
        // As a snapshot written before migration 0011 (immutable: the trigger is set aside for the test).
        try warehouse.db.execute("""
            DROP TRIGGER model_snapshots_no_update;
            UPDATE model_snapshots SET trained_through_import = NULL;
            """)
        #expect(throws: UndoRefusal.self) { try warehouse.undoImport(1) }
    }

    @Test("an import whose orders a later import added lines to cannot be undone before that one")
    func undoIsRefusedByLaterLines() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("a.csv", identityFixture), options: orderOptions(.onlineRetail))
        _ = try warehouse.importFile(try scratch.file("b.csv", laterDumpFixture), options: orderOptions(.onlineRetail))
        let refusal = #expect(throws: UndoRefusal.self) { try warehouse.undoImport(1) }
        #expect(refusal?.description == "cannot undo import 1: import 2 added lines to orders it created: undo that import before this one")
        // In order, newest first, both go, and the warehouse is empty again.
        _ = try warehouse.undoImport(2)
        let first = try warehouse.undoImport(1)
        #expect(first.lines == 6)
        #expect(first.users == 2)
        for table in ["users", "products", "orders", "order_lines", "customer_totals"] {
            #expect(try warehouse.count("SELECT count(*) FROM \(table)") == 0, "\(table)")
        }
    }

    @Test("undo is refused for an unknown import, a second time, and for a users import that changed existing users")
    func undoRefusals() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        #expect(throws: UndoRefusal.self) { try warehouse.undoImport(7) }
        _ = try warehouse.importFile(try scratch.file("a.csv", identityFixture), options: orderOptions(.onlineRetail))
        let users = try scratch.file("users.csv", "user_id,country\n17850,Norway\n40000,Spain\n")
        let usersImport = try warehouse.importFile(users, options: ImportOptions(kind: .users, format: .csv))
        let changed = #expect(throws: UndoRefusal.self) { try warehouse.undoImport(usersImport.importID) }
        #expect(changed?.description.contains("updated 1 existing users' country or sign-up time") == true)
        let second = try warehouse.importFile(try scratch.file("b.csv", laterDumpFixture), options: orderOptions(.onlineRetail))
        _ = try warehouse.undoImport(second.importID)
        let twice = #expect(throws: UndoRefusal.self) { try warehouse.undoImport(second.importID) }
        #expect(twice?.description.contains("already undone") == true)
    }

    @Test("undo of an events import removes its events and the users it created")
    func undoOfAnEventsImport() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("a.csv", identityFixture), options: orderOptions(.onlineRetail))
        let before = try warehouseDump(warehouse)
        let events = try scratch.file("events.csv", """
            event_id,user_id,occurred_at,type,product_id
            e1,17850,2011-01-01T10:00:00Z,view,85123A
            e2,50000,2011-01-02T10:00:00Z,view,NEWSKU

            """)
        let imported = try warehouse.importFile(events, options: ImportOptions(kind: .events, format: .csv))
        #expect(imported.counts.loaded == 2)
        let summary = try warehouse.undoImport(imported.importID)
        #expect(summary.events == 2)
        #expect(summary.users == 1)
        #expect(summary.products == 1)
        #expect(try warehouseDump(warehouse) == before)
    }
}
