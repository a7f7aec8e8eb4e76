import Foundation
import SQLiteStore

/// An undo's reads and deletions on the SQLite file (``ImportUndo`` orders them).
struct SQLiteUndoSteps: ImportUndoSteps {
    let db: Connection
    let id: Int64

    /// Tables of derived results that name users: rows there were computed from the data.
    static let derivedUserTables = ImportUndo<Self>.modelOutputs + ["rfm_snapshot_users", "user_features"]

    func ledger() throws -> UndoLedger? {
        try db.query(UndoLedger.query, named: [":id": id]).first.map(UndoLedger.init(row:))
    }

    /// Lineage at or after the import, or, for snapshots saved before lineage was recorded,
    /// saved after it began.
    func modelsTrainedAfter(started: Int64) throws -> [String] {
        try db.query("""
            SELECT name || '@' || version FROM model_snapshots
            WHERE trained_through_import >= ?1 OR (trained_through_import IS NULL AND created_at >= ?2)
            ORDER BY name, version
            """, id, started).compactMap { $0[0].string }
    }

    func featureBuildsSince(_ started: Int64) throws -> [Int64] {
        try db.query("SELECT as_of FROM feature_builds WHERE built_at >= ? ORDER BY as_of", started).compactMap { $0[0].int64 }
    }

    func rfmSnapshotsSince(_ started: Int64) throws -> [Int64] {
        try db.query("SELECT as_of FROM rfm_snapshots WHERE created_at >= ? ORDER BY as_of", started).compactMap { $0[0].int64 }
    }

    func usersScored(in table: String) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM users WHERE import_id = ? AND id IN (SELECT user_id FROM \(table))", id).int64 ?? 0
    }

    func productsRecommended() throws -> Int64 {
        try db.scalar("SELECT count(*) FROM products WHERE import_id = ? AND id IN (SELECT product_id FROM recommendations)", id).int64 ?? 0
    }

    func importsAddingLinesToItsOrders() throws -> [Int64] {
        try db.query("""
            SELECT DISTINCT l.import_id FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.import_id = ?1 AND l.import_id <> ?1 ORDER BY l.import_id DESC
            """, id).compactMap { $0[0].int64 }
    }

    func usersCreated() throws -> Int64 {
        try db.scalar("SELECT count(*) FROM users WHERE import_id = ?", id).int64 ?? 0
    }

    func usersReferenced() throws -> Int64 {
        try db.scalar("SELECT count(*) FROM users u WHERE u.import_id = ?1 AND \(Self.userReferenced)", id).int64 ?? 0
    }

    func restoreEarlierOrders() throws -> Int {
        try db.execute("DROP TABLE IF EXISTS temp.undo_added_lines")
        try db.run("""
            CREATE TEMP TABLE undo_added_lines AS
            SELECT l.order_id AS order_id, sum(l.amount_micros) AS amount, count(*) AS lines, sum(l.quantity) AS items,
                   min(l.line_at) AS earliest
            FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE l.import_id = ?1 AND o.import_id <> ?1
            GROUP BY l.order_id
            """, id)
        try db.run("""
            UPDATE orders SET amount_micros = amount_micros - a.amount, line_count = line_count - a.lines,
                item_count = item_count - a.items,
                ordered_at = CASE WHEN orders.ordered_at < a.earliest THEN orders.ordered_at
                                  ELSE coalesce((SELECT min(line_at) FROM order_lines WHERE order_id = orders.id AND import_id <> ?1),
                                                orders.ordered_at) END
            FROM temp.undo_added_lines a WHERE orders.id = a.order_id
            """, id)
        let restored = db.changes
        try db.execute("DROP TABLE temp.undo_added_lines")
        return restored
    }

    func deleteOrders() throws -> (orders: Int, lines: Int) {
        try db.run("DELETE FROM order_lines WHERE import_id = ?", id)
        let lines = db.changes
        try db.run("DELETE FROM orders WHERE import_id = ?", id)
        return (db.changes, lines)
    }

    func deleteEvents() throws -> Int {
        try db.run("DELETE FROM events WHERE import_id = ?", id)
        return db.changes
    }

    func refreshCustomerTotals() throws {
        try CustomerTotals.refresh(db)
    }

    /// A condition on `u` (users): some row elsewhere names the user.
    static let userReferenced: String = {
        let tables = ["orders", "events", "customer_totals"] + derivedUserTables
        return "(" + tables.map { "u.id IN (SELECT user_id FROM \($0) WHERE user_id IS NOT NULL)" }.joined(separator: " OR ") + ")"
    }()

    func removeUnreferencedUsers() throws -> (removed: Int, kept: Int) {
        try db.run("DELETE FROM users AS u WHERE u.import_id = ?1 AND NOT \(Self.userReferenced)", id)
        let removed = db.changes
        let kept = Int(try db.scalar("SELECT count(*) FROM users WHERE import_id = ?", id).int64 ?? 0)
        return (removed, kept)
    }

    func removeUnreferencedProducts() throws -> (removed: Int, kept: Int) {
        try db.run("""
            DELETE FROM products AS p WHERE p.import_id = ?1
              AND p.id NOT IN (SELECT product_id FROM order_lines WHERE product_id IS NOT NULL)
              AND p.id NOT IN (SELECT product_id FROM events WHERE product_id IS NOT NULL)
              AND p.id NOT IN (SELECT product_id FROM recommendations)
            """, id)
        let removed = db.changes
        let kept = Int(try db.scalar("SELECT count(*) FROM products WHERE import_id = ?", id).int64 ?? 0)
        return (removed, kept)
    }

    func markUndone(at now: Int64) throws {
        try db.run("UPDATE imports SET undone_at = ? WHERE id = ?", now, id)
    }
}
