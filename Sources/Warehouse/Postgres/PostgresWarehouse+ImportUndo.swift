import Foundation
import PostgresStore

extension PostgresWarehouse {
    /// `lifecycle imports undo` on the server: the same checks, deletions and summary as on the
    /// file (``Warehouse/undoImport(_:dryRun:)``), in one transaction; the natural-key lookups
    /// (`order_keys`, `event_keys`, `user_keys`) lose the keys of what goes, so a later import
    /// of the same rows loads them again. With `dryRun` the work is done and rolled back.
    public func undoImport(_ id: Int64, dryRun: Bool = false) throws -> UndoSummary {
        do {
            return try db.transaction {
                // Citus changes a reference table (products) after the customer tables in one
                // transaction only when those changes ran over one connection per worker.
                try db.query("SELECT set_config('citus.multi_shard_modify_mode', 'sequential', true)")
                let summary = try ImportUndo(steps: PostgresUndoSteps(db: db, id: id)).run(dryRun: dryRun)
                if dryRun { throw DryRun(summary: summary) }
                return summary
            }
        } catch let dryRun as DryRun {
            return dryRun.summary
        }
    }

    /// Rolls a dry run's transaction back, carrying what it would have done.
    private struct DryRun: Error {
        let summary: UndoSummary
    }
}

/// An undo's reads and deletions on PostgreSQL, written for Citus: the customer tables are
/// joined and correlated on their distribution columns (`customer_key`, `user_id`, users'
/// `id`), so each check and deletion runs on the workers shard by shard; the reference table
/// `products` is changed by ids read first, as Citus does not modify a reference table from a
/// query over distributed ones.
struct PostgresUndoSteps: ImportUndoSteps {
    let db: PGConnection
    let id: Int64

    private var parameter: PGValue { .integer(id) }

    func ledger() throws -> UndoLedger? {
        try db.query(UndoLedger.query, named: ["id": parameter]).first.map(UndoLedger.init(row:))
    }

    /// The server's snapshots always record their lineage (0: no import yet).
    func modelsTrainedAfter(started: Int64) throws -> [String] {
        try db.query("""
            SELECT name || '@' || version FROM model_snapshots WHERE trained_through_import >= $1
            ORDER BY name COLLATE "C", version
            """, [parameter]).compactMap { $0[0].string }
    }

    func featureBuildsSince(_ started: Int64) throws -> [Int64] {
        try db.query("SELECT as_of FROM feature_builds WHERE built_at >= $1 ORDER BY as_of", [.integer(started)]).compactMap { $0[0].int64 }
    }

    func rfmSnapshotsSince(_ started: Int64) throws -> [Int64] {
        try db.query("SELECT as_of FROM rfm_snapshots WHERE created_at >= $1 ORDER BY as_of", [.integer(started)]).compactMap { $0[0].int64 }
    }

    func usersScored(in table: String) throws -> Int64 {
        try db.scalar("""
            SELECT count(*) FROM users u WHERE u.import_id = $1 AND EXISTS (SELECT 1 FROM \(table) x WHERE x.user_id = u.id)
            """, [parameter]).int64 ?? 0
    }

    func productsRecommended() throws -> Int64 {
        try db.scalar("""
            SELECT count(*) FROM products WHERE import_id = $1
              AND id IN (SELECT DISTINCT product_id FROM recommendations)
            """, [parameter]).int64 ?? 0
    }

    func importsAddingLinesToItsOrders() throws -> [Int64] {
        try db.query("""
            SELECT DISTINCT l.import_id FROM orders o
            JOIN order_lines l ON l.customer_key = o.customer_key AND l.order_id = o.id
            WHERE o.import_id = $1 AND l.import_id <> $1 ORDER BY l.import_id DESC
            """, [parameter]).compactMap { $0[0].int64 }
    }

    func usersCreated() throws -> Int64 {
        try db.scalar("SELECT count(*) FROM users WHERE import_id = $1", [parameter]).int64 ?? 0
    }

    /// Tables whose rows name a user by a column co-located with users' `id`: a guest order's
    /// or an anonymous event's negative key names nobody.
    private static let userColumns = [("orders", "customer_key"), ("events", "customer_key"), ("customer_totals", "user_id"),
                                      ("user_features", "user_id"), ("rfm_snapshot_users", "user_id")] + ImportUndo<Self>.modelOutputs.map { ($0, "user_id") }

    /// A condition on `u` (users): some row elsewhere names the user.
    private static let userReferenced = "(" + userColumns.map { table, column in
        "EXISTS (SELECT 1 FROM \(table) x WHERE x.\(column) = u.id)"
    }.joined(separator: " OR ") + ")"

    func usersReferenced() throws -> Int64 {
        try db.scalar("SELECT count(*) FROM users u WHERE u.import_id = $1 AND \(Self.userReferenced)", [parameter]).int64 ?? 0
    }

    /// One pass over the lines of the orders it added lines to: what it added, and the earliest
    /// line left, per order (sums are numeric in PostgreSQL, assigned back to bigint exactly).
    func restoreEarlierOrders() throws -> Int {
        try db.query("""
            UPDATE orders o SET amount_micros = o.amount_micros - a.amount, line_count = o.line_count - a.lines,
                item_count = o.item_count - a.items,
                ordered_at = CASE WHEN o.ordered_at < a.earliest THEN o.ordered_at ELSE coalesce(a.earliest_kept, o.ordered_at) END
            FROM (SELECT l.customer_key, l.order_id,
                         sum(l.amount_micros) FILTER (WHERE l.import_id = $1) AS amount,
                         count(*) FILTER (WHERE l.import_id = $1) AS lines,
                         sum(l.quantity) FILTER (WHERE l.import_id = $1) AS items,
                         min(l.line_at) FILTER (WHERE l.import_id = $1) AS earliest,
                         min(l.line_at) FILTER (WHERE l.import_id <> $1) AS earliest_kept
                  FROM order_lines l GROUP BY l.customer_key, l.order_id HAVING bool_or(l.import_id = $1)) a
            WHERE o.customer_key = a.customer_key AND o.id = a.order_id AND o.import_id <> $1
            RETURNING o.id
            """, [parameter]).count
    }

    /// Deletes the rows of `table` that match `condition` (on `$1`, the import) and returns how
    /// many: counted first, so no deleted row travels to the client.
    private func delete(from table: String, where condition: String) throws -> Int {
        let count = try db.scalar("SELECT count(*) FROM \(table) WHERE \(condition)", [parameter]).int64 ?? 0
        if count > 0 { try db.query("DELETE FROM \(table) WHERE \(condition)", [parameter]) }
        return Int(count)
    }

    func deleteOrders() throws -> (orders: Int, lines: Int) {
        let lines = try delete(from: "order_lines", where: "import_id = $1")
        try db.query("DELETE FROM order_keys WHERE order_id IN (SELECT id FROM orders WHERE import_id = $1)", [parameter])
        return (try delete(from: "orders", where: "import_id = $1"), lines)
    }

    func deleteEvents() throws -> Int {
        try db.query("DELETE FROM event_keys WHERE event_id IN (SELECT id FROM events WHERE import_id = $1)", [parameter])
        return try delete(from: "events", where: "import_id = $1")
    }

    /// The server's import does not keep customer totals (they are computed per question).
    func refreshCustomerTotals() throws {}

    func removeUnreferencedUsers() throws -> (removed: Int, kept: Int) {
        let unreferenced = "u.import_id = $1 AND NOT \(Self.userReferenced)"
        try db.query("DELETE FROM user_keys WHERE user_id IN (SELECT u.id FROM users u WHERE \(unreferenced))", [parameter])
        let removed = try delete(from: "users u", where: unreferenced)
        return (removed, Int(try usersCreated()))
    }

    func removeUnreferencedProducts() throws -> (removed: Int, kept: Int) {
        let unreferenced = try db.query("""
            SELECT id FROM products WHERE import_id = $1
            EXCEPT SELECT product_id FROM order_lines WHERE product_id IS NOT NULL
            EXCEPT SELECT product_id FROM events WHERE product_id IS NOT NULL
            EXCEPT SELECT product_id FROM recommendations
            """, [parameter]).compactMap { $0[0].int64 }
        if !unreferenced.isEmpty {
            try db.query("DELETE FROM products WHERE id = ANY($1)", [.integerArray(unreferenced)])
        }
        let kept = try db.scalar("SELECT count(*) FROM products WHERE import_id = $1", [parameter]).int64 ?? 0
        return (unreferenced.count, Int(kept))
    }

    func markUndone(at now: Int64) throws {
        try db.query("UPDATE imports SET undone_at = $1 WHERE id = $2", [.integer(now), parameter])
    }
}
