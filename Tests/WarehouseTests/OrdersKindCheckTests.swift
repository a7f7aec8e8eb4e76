import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// Migration 0009: orders.kind keeps its rule, written as comparisons instead of an IN list, so
/// that inserting an order builds no temporary b-tree.
@Suite struct OrdersKindCheckTests {
    static let oldCheck = "CHECK (kind IN ('purchase', 'return', 'adjustment', 'write_off'))"
    static let newCheck = "CHECK (kind = 'purchase' OR kind = 'return' OR kind = 'adjustment' OR kind = 'write_off')"
    static let insertOrder = "INSERT INTO orders (external_id, ordered_at, kind, currency, import_id) VALUES (?, 0, ?, 'GBP', 1)"

    /// A warehouse with orders of every kind written at 0008 keeps them, passes the integrity
    /// check, and has a definition that differs from the old one only in the CHECK.
    @Test func migrationRewritesOnlyTheCheckAndKeepsTheOrders() throws {
        let scratch = try Scratch()
        let path = scratch.path("old.db")
        let before: String
        do {
            let db = try Connection(path: path)
            let upTo8 = try Migrator(migrations: SQLCatalog.migrator().migrations.filter { $0.version <= 8 })
            try upTo8.migrate(db)
            try db.execute("""
                INSERT INTO imports (id, kind, format, file_name, status, started_at) VALUES (1, 'orders', 'csv', 'f', 'finished', 0);
                INSERT INTO users (id, external_id, import_id) VALUES (1, 'U1', 1);
                INSERT INTO orders (id, external_id, user_id, ordered_at, kind, currency, amount_micros, import_id) VALUES
                    (1, 'P1', 1, 10, 'purchase', 'GBP', 5000000, 1), (2, 'C1', 1, 20, 'return', 'GBP', -1000000, 1),
                    (3, 'A1', NULL, 30, 'adjustment', 'GBP', 0, 1), (4, 'W1', NULL, 40, 'write_off', 'GBP', 0, 1);
                INSERT INTO order_lines (order_id, line_key, occurrence, quantity, amount_micros, line_at, source_line, import_id)
                    VALUES (1, 7, 1, 1, 5000000, 10, 2, 1);
                """)
            before = try #require(db.scalar("SELECT sql FROM sqlite_schema WHERE name = 'orders'").string)
            #expect(before.contains(Self.oldCheck))
            #expect(try db.scalar("PRAGMA user_version").int64 == 8)
        }
        let warehouse = try Warehouse(path: path)
        let db = warehouse.db
        // Migrated through 0009 to the latest migration (later ones may follow 0009).
        #expect(try db.scalar("PRAGMA user_version").int64 == SQLCatalog.migrator().migrations.map { Int64($0.version) }.max())
        let after = try #require(db.scalar("SELECT sql FROM sqlite_schema WHERE name = 'orders'").string)
        #expect(after == before.replacingOccurrences(of: Self.oldCheck, with: Self.newCheck))
        #expect(try db.scalar("PRAGMA integrity_check").string == "ok")
        #expect(try db.query("PRAGMA foreign_key_check").isEmpty)
        let kinds = try db.query("SELECT id, kind, amount_micros FROM orders ORDER BY id").map { "\($0[0].int64!) \($0[1].string!) \($0[2].int64!)" }
        #expect(kinds == ["1 purchase 5000000", "2 return -1000000", "3 adjustment 0", "4 write_off 0"])
        #expect(try warehouse.count("SELECT count(*) FROM temp.sqlite_schema WHERE name LIKE 'migration_%'") == 0)
    }

    /// A warehouse whose orders definition is not the text 0009 expects (here the same rule,
    /// spaced otherwise) is refused: the migration fails and leaves the database at 0008.
    @Test func anUnexpectedDefinitionFailsTheMigrationAndChangesNothing() throws {
        let scratch = try Scratch()
        let path = scratch.path("edited.db")
        let edited = "CHECK (kind IN ('purchase','return','adjustment','write_off'))"
        do {
            let db = try Connection(path: path)
            try Migrator(migrations: SQLCatalog.migrator().migrations.filter { $0.version <= 8 }).migrate(db)
            try db.execute("PRAGMA writable_schema = ON")
            try db.run("UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE name = 'orders'", Self.oldCheck, edited)
            try db.execute("PRAGMA writable_schema = RESET")
        }
        #expect(throws: SQLiteError.self) { try Warehouse(path: path) }
        let db = try Connection(path: path)
        #expect(try db.scalar("PRAGMA user_version").int64 == 8)
        #expect(try db.scalar("SELECT sql FROM sqlite_schema WHERE name = 'orders'").string?.contains(edited) == true)
        #expect(try db.scalar("PRAGMA integrity_check").string == "ok")
    }

    /// The rewritten CHECK accepts exactly the four kinds, on the connection that migrated and on
    /// a new one.
    @Test func theRuleIsUnchanged() throws {
        let scratch = try Scratch()
        for reopen in [false, true] {
            let name = reopen ? "reopened.db" : "fresh.db"
            if reopen { _ = try scratch.warehouse(name) }
            let db = try scratch.warehouse(name).db
            try db.execute("INSERT INTO imports (id, kind, format, file_name, status, started_at) VALUES (1, 'orders', 'csv', 'f', 'running', 0)")
            for kind in ["purchase", "return", "adjustment", "write_off"] {
                try db.run(Self.insertOrder, "O-\(kind)", kind)
            }
            for kind in ["bogus", "Purchase", "", "purchase "] {
                #expect(throws: SQLiteError.self, "\(kind)") { try db.run(Self.insertOrder, "X-\(kind)", kind) }
            }
            #expect(try db.scalar("SELECT count(*) FROM orders").int64 == 4)
        }
    }

    /// What the rewrite is for: SQLite's program for inserting an order opens no ephemeral
    /// (temporary) table, where the IN list opened one per row.
    @Test func insertingAnOrderBuildsNoTemporaryTable() throws {
        let scratch = try Scratch()
        let db = try scratch.warehouse().db
        let opcodes = try db.query("EXPLAIN " + Self.insertOrder).compactMap { $0[1].string }
        #expect(opcodes.contains("Insert"))
        #expect(!opcodes.contains("OpenEphemeral"))
    }
}
