import Foundation
import SQLiteStore

/// What undoing an import removed, or would remove in a dry run.
public struct UndoSummary: Sendable, Equatable {
    public let importID: Int64
    public let kind: String
    public let file: String
    /// Nothing was changed: the undo ran in a transaction that was rolled back.
    public let dryRun: Bool
    /// Orders the import created, removed with their lines.
    public let orders: Int
    /// Order lines removed: those of its orders and those it added to earlier orders.
    public let lines: Int
    /// Earlier orders it had added lines to, whose totals were restored.
    public let ordersRestored: Int
    public let events: Int
    /// Users and products it created that nothing else references, removed.
    public let users: Int
    public let products: Int
    /// Users and products it created that later imports use, kept.
    public let usersKept: Int
    public let productsKept: Int
}

/// Why an import cannot be undone.
public struct UndoRefusal: Error, CustomStringConvertible, Sendable {
    public let importID: Int64
    public let reason: String
    public var description: String { "cannot undo import \(importID): \(reason)" }
}

extension Warehouse {
    /// Removes exactly what import `id` added, in one transaction: its orders and their lines,
    /// the lines it added to earlier orders (whose totals and times are restored), its events,
    /// and the users and products it created that nothing else references; then brings the
    /// customer totals up to date, and marks the import
    /// undone (its ledger row and rejects stay as the record). Refused, changing nothing, while
    /// something later depends on it (docs/SCHEMA.md, "Undoing an import"). With `dryRun` the
    /// same work is done and rolled back, so the counts are exact.
    public func undoImport(_ id: Int64, dryRun: Bool = false) throws -> UndoSummary {
        try db.execute("BEGIN IMMEDIATE")
        do {
            let summary = try ImportUndo(db: db, id: id).run(dryRun: dryRun)
            try db.execute(dryRun ? "ROLLBACK" : "COMMIT")
            return summary
        } catch {
            if db.isInTransaction { try? db.execute("ROLLBACK") }
            throw error
        }
    }
}

/// The checks and deletions of one undo, inside the caller's transaction.
private struct ImportUndo {
    let db: Connection
    let id: Int64

    /// Tables of derived results that name users: rows there were computed from the data.
    static let derivedUserTables = ["predictions", "clv_predictions", "segment_assignments", "recommendations", "rfm_snapshot_users", "user_features"]

    func run(dryRun: Bool) throws -> UndoSummary {
        guard let ledger = try db.query("""
            SELECT kind, file_name, status, undone_at, started_at, rows_loaded FROM imports WHERE id = ?
            """, id).first else {
            throw UndoRefusal(importID: id, reason: "there is no such import (lifecycle imports list shows them)")
        }
        let kind = ledger[0].string ?? "", file = ledger[1].string ?? "", started = ledger[4].int64 ?? 0
        if let undone = ledger[3].int64 { throw refusal("it was already undone at \(ISO8601.string(undone))") }
        if ledger[2].string == "running" {
            throw refusal("it is still running, or was killed: run the same import command again to finish it, then undo it")
        }
        try refuseLaterModels(started: started)
        try refuseLaterResults(started: started)
        try refuseScoredEntities()
        if kind == "orders" { try refuseLaterLines() }
        if kind == "users" { try refuseUserChanges(loaded: ledger[5].int64 ?? 0) }

        var removed = (orders: 0, lines: 0, restored: 0, events: 0)
        if kind == "orders" {
            removed.restored = try restoreEarlierOrders()
            try db.run("DELETE FROM order_lines WHERE import_id = ?", id)
            removed.lines = db.changes
            try db.run("DELETE FROM orders WHERE import_id = ?", id)
            removed.orders = db.changes
            try CustomerTotals.refresh(db)
        }
        if kind == "events" {
            try db.run("DELETE FROM events WHERE import_id = ?", id)
            removed.events = db.changes
        }
        let users = try removeUnreferencedUsers()
        let products = try removeUnreferencedProducts()
        try db.run("UPDATE imports SET undone_at = ? WHERE id = ?", Int64(Date().timeIntervalSince1970), id)
        return UndoSummary(importID: id, kind: kind, file: file, dryRun: dryRun, orders: removed.orders, lines: removed.lines,
                           ordersRestored: removed.restored, events: removed.events, users: users.removed, products: products.removed,
                           usersKept: users.kept, productsKept: products.kept)
    }

    private func refusal(_ reason: String) -> UndoRefusal { UndoRefusal(importID: id, reason: reason) }

    /// Model snapshots whose training could see the import's rows: lineage at or after it, or,
    /// for snapshots saved before lineage was recorded, saved after it began.
    private func refuseLaterModels(started: Int64) throws {
        let models = try db.query("""
            SELECT name || '@' || version FROM model_snapshots
            WHERE trained_through_import >= ?1 OR (trained_through_import IS NULL AND created_at >= ?2)
            ORDER BY name, version
            """, id, started).compactMap { $0[0].string }
        guard !models.isEmpty else { return }
        throw refusal("model snapshots trained after it could see its rows: \(models.joined(separator: ", ")) "
                      + "(snapshots are immutable; undo would leave them without the data they were trained on)")
    }

    /// Feature builds and saved RFM snapshots made after the import began read its rows.
    private func refuseLaterResults(started: Int64) throws {
        let builds = try db.query("SELECT as_of FROM feature_builds WHERE built_at >= ? ORDER BY as_of", started)
            .compactMap { $0[0].int64 }.map(ISO8601.string)
        if !builds.isEmpty {
            throw refusal("features built after it read its rows (as of \(builds.joined(separator: ", "))): "
                          + "delete those builds first (DELETE FROM user_features / feature_builds WHERE as_of = ...)")
        }
        let snapshots = try db.query("SELECT as_of FROM rfm_snapshots WHERE created_at >= ? ORDER BY as_of", started)
            .compactMap { $0[0].int64 }.map(ISO8601.string)
        if !snapshots.isEmpty {
            throw refusal("RFM snapshots saved after it read its rows (as of \(snapshots.joined(separator: ", ")))")
        }
    }

    /// Scores, CLV predictions, segment assignments or recommendations made for the users or
    /// products this import added were computed from its rows (scoring runs carry no time, so
    /// scores of users that existed before cannot be told apart and are not checked).
    private func refuseScoredEntities() throws {
        let outputs = ["predictions", "clv_predictions", "segment_assignments", "recommendations"]
        var found: [String] = []
        for table in outputs {
            let users = try db.scalar("SELECT count(*) FROM users WHERE import_id = ? AND id IN (SELECT user_id FROM \(table))", id).int64 ?? 0
            if users > 0 { found.append("\(table) (\(users) users)") }
        }
        let products = try db.scalar("SELECT count(*) FROM products WHERE import_id = ? AND id IN (SELECT product_id FROM recommendations)", id).int64 ?? 0
        if products > 0 { found.append("recommendations (\(products) products)") }
        guard !found.isEmpty else { return }
        throw refusal("model outputs name users or products it added: \(found.joined(separator: ", ")); "
                      + "they were computed from its rows (delete those scoring runs first)")
    }

    /// Later imports that added lines to orders this import created: those lines would lose their order.
    private func refuseLaterLines() throws {
        let later = try db.query("""
            SELECT DISTINCT l.import_id FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.import_id = ?1 AND l.import_id <> ?1 ORDER BY l.import_id DESC
            """, id).compactMap { $0[0].int64 }
        guard !later.isEmpty else { return }
        let names = later.map { "import \($0)" }.joined(separator: ", ")
        throw refusal("\(names) added lines to orders it created: undo \(later.count == 1 ? "that import" : "those imports, newest first,") before this one")
    }

    /// A users import that changed users it did not create (their earlier country or sign-up
    /// time is not kept), or whose users later data uses, cannot be taken back exactly.
    private func refuseUserChanges(loaded: Int64) throws {
        let created = try db.scalar("SELECT count(*) FROM users WHERE import_id = ?", id).int64 ?? 0
        if loaded > created {
            throw refusal("it updated \(loaded - created) existing users' country or sign-up time, and their earlier values are not kept")
        }
        let used = try db.scalar("SELECT count(*) FROM users u WHERE u.import_id = ?1 AND \(Self.userReferenced)", id).int64 ?? 0
        if used > 0 { throw refusal("\(used) of the users it added are used by later orders, events or results") }
    }

    /// Lines this import added to orders an earlier import created: subtract them from those
    /// orders' totals, and move the order's time back when one of them was its earliest line.
    /// Returns how many orders were restored. Runs before the lines are deleted.
    private func restoreEarlierOrders() throws -> Int {
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

    /// A condition on `u` (users): some row elsewhere names the user.
    static let userReferenced: String = {
        let tables = ["orders", "events", "customer_totals"] + derivedUserTables
        return "(" + tables.map { "u.id IN (SELECT user_id FROM \($0) WHERE user_id IS NOT NULL)" }.joined(separator: " OR ") + ")"
    }()

    private func removeUnreferencedUsers() throws -> (removed: Int, kept: Int) {
        try db.run("DELETE FROM users AS u WHERE u.import_id = ?1 AND NOT \(Self.userReferenced)", id)
        let removed = db.changes
        let kept = Int(try db.scalar("SELECT count(*) FROM users WHERE import_id = ?", id).int64 ?? 0)
        return (removed, kept)
    }

    private func removeUnreferencedProducts() throws -> (removed: Int, kept: Int) {
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
}

/// ISO 8601 UTC text of Unix seconds, for messages.
private enum ISO8601 {
    static func string(_ seconds: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
