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
            let summary = try ImportUndo(steps: SQLiteUndoSteps(db: db, id: id)).run(dryRun: dryRun)
            try db.execute(dryRun ? "ROLLBACK" : "COMMIT")
            return summary
        } catch {
            if db.isInTransaction { try? db.execute("ROLLBACK") }
            throw error
        }
    }
}

/// One import's ledger row, as an undo reads it.
struct UndoLedger {
    let kind: String
    let file: String
    let status: String
    let undoneAt: Int64?
    let startedAt: Int64
    let rowsLoaded: Int64

    /// The ledger row of import `:id`: one query text for both engines.
    static let query = "SELECT kind, file_name, status, undone_at, started_at, rows_loaded FROM imports WHERE id = :id"

    /// One row of `query`.
    init(row: some QueryRow) {
        kind = row.text("kind")
        file = row.text("file_name")
        status = row.text("status")
        undoneAt = row.optionalInt("undone_at")
        startedAt = row.int("started_at")
        rowsLoaded = row.int("rows_loaded")
    }
}

/// What an engine reads and changes for one undo of import `id`, inside the caller's
/// transaction; ``ImportUndo`` decides what is refused and in which order things go.
protocol ImportUndoSteps {
    var id: Int64 { get }
    func ledger() throws -> UndoLedger?
    /// `name@version` of the model snapshots whose training could see the import's rows.
    func modelsTrainedAfter(started: Int64) throws -> [String]
    /// As-ofs of the feature builds made since the import began.
    func featureBuildsSince(_ started: Int64) throws -> [Int64]
    /// As-ofs of the RFM snapshots saved since the import began.
    func rfmSnapshotsSince(_ started: Int64) throws -> [Int64]
    /// How many users the import added have rows in the model output `table`.
    func usersScored(in table: String) throws -> Int64
    /// How many products the import added are recommended.
    func productsRecommended() throws -> Int64
    /// Later imports that added lines to orders this import created, newest first.
    func importsAddingLinesToItsOrders() throws -> [Int64]
    func usersCreated() throws -> Int64
    /// How many of the users it added some other row names.
    func usersReferenced() throws -> Int64
    /// Subtracts the lines it added to earlier orders from their totals, moving an order's time
    /// back where one was its earliest line; returns how many orders. Runs before the deletions.
    func restoreEarlierOrders() throws -> Int
    /// Deletes its order lines and its orders; returns how many of each.
    func deleteOrders() throws -> (orders: Int, lines: Int)
    func deleteEvents() throws -> Int
    /// Brings the kept customer totals up to date after orders went.
    func refreshCustomerTotals() throws
    /// Deletes the users (and then products) it added that nothing references; returns how
    /// many went and how many of its stay.
    func removeUnreferencedUsers() throws -> (removed: Int, kept: Int)
    func removeUnreferencedProducts() throws -> (removed: Int, kept: Int)
    func markUndone(at: Int64) throws
}

/// The checks and deletions of one undo, written once for both engines.
struct ImportUndo<Steps: ImportUndoSteps> {
    let steps: Steps

    /// Tables of model outputs that name users: rows there were computed from the data.
    static var modelOutputs: [String] { ["predictions", "clv_predictions", "segment_assignments", "recommendations"] }

    func run(dryRun: Bool) throws -> UndoSummary {
        guard let ledger = try steps.ledger() else {
            throw refusal("there is no such import (lifecycle imports list shows them)")
        }
        if let undone = ledger.undoneAt { throw refusal("it was already undone at \(ISO8601.string(undone))") }
        if ledger.status == "running" {
            throw refusal("it is still running, or was killed: run the same import command again to finish it, then undo it")
        }
        try refuseLaterModels(started: ledger.startedAt)
        try refuseLaterResults(started: ledger.startedAt)
        try refuseScoredEntities()
        if ledger.kind == "orders" { try refuseLaterLines() }
        if ledger.kind == "users" { try refuseUserChanges(loaded: ledger.rowsLoaded) }

        var removed = (orders: 0, lines: 0, restored: 0, events: 0)
        if ledger.kind == "orders" {
            removed.restored = try steps.restoreEarlierOrders()
            (removed.orders, removed.lines) = try steps.deleteOrders()
            try steps.refreshCustomerTotals()
        }
        if ledger.kind == "events" { removed.events = try steps.deleteEvents() }
        let users = try steps.removeUnreferencedUsers()
        let products = try steps.removeUnreferencedProducts()
        try steps.markUndone(at: Int64(Date().timeIntervalSince1970))
        return UndoSummary(importID: steps.id, kind: ledger.kind, file: ledger.file, dryRun: dryRun, orders: removed.orders,
                           lines: removed.lines, ordersRestored: removed.restored, events: removed.events,
                           users: users.removed, products: products.removed, usersKept: users.kept, productsKept: products.kept)
    }

    private func refusal(_ reason: String) -> UndoRefusal { UndoRefusal(importID: steps.id, reason: reason) }

    /// Model snapshots whose training could see the import's rows.
    private func refuseLaterModels(started: Int64) throws {
        let models = try steps.modelsTrainedAfter(started: started)
        guard !models.isEmpty else { return }
        throw refusal("model snapshots trained after it could see its rows: \(models.joined(separator: ", ")) "
                      + "(snapshots are immutable; undo would leave them without the data they were trained on)")
    }

    /// Feature builds and saved RFM snapshots made after the import began read its rows.
    private func refuseLaterResults(started: Int64) throws {
        let builds = try steps.featureBuildsSince(started).map(ISO8601.string)
        if !builds.isEmpty {
            throw refusal("features built after it read its rows (as of \(builds.joined(separator: ", "))): "
                          + "delete those builds first (DELETE FROM user_features / feature_builds WHERE as_of = ...)")
        }
        let snapshots = try steps.rfmSnapshotsSince(started).map(ISO8601.string)
        if !snapshots.isEmpty {
            throw refusal("RFM snapshots saved after it read its rows (as of \(snapshots.joined(separator: ", ")))")
        }
    }

    /// Scores, CLV predictions, segment assignments or recommendations made for the users or
    /// products this import added were computed from its rows (scoring runs carry no time, so
    /// scores of users that existed before cannot be told apart and are not checked).
    private func refuseScoredEntities() throws {
        var found: [String] = []
        for table in Self.modelOutputs {
            let users = try steps.usersScored(in: table)
            if users > 0 { found.append("\(table) (\(users) users)") }
        }
        let products = try steps.productsRecommended()
        if products > 0 { found.append("recommendations (\(products) products)") }
        guard !found.isEmpty else { return }
        throw refusal("model outputs name users or products it added: \(found.joined(separator: ", ")); "
                      + "they were computed from its rows (delete those scoring runs first)")
    }

    /// Later imports that added lines to orders this import created: those lines would lose their order.
    private func refuseLaterLines() throws {
        let later = try steps.importsAddingLinesToItsOrders()
        guard !later.isEmpty else { return }
        let names = later.map { "import \($0)" }.joined(separator: ", ")
        throw refusal("\(names) added lines to orders it created: undo \(later.count == 1 ? "that import" : "those imports, newest first,") before this one")
    }

    /// A users import that changed users it did not create (their earlier country or sign-up
    /// time is not kept), or whose users later data uses, cannot be taken back exactly.
    private func refuseUserChanges(loaded: Int64) throws {
        let created = try steps.usersCreated()
        if loaded > created {
            throw refusal("it updated \(loaded - created) existing users' country or sign-up time, and their earlier values are not kept")
        }
        let used = try steps.usersReferenced()
        if used > 0 { throw refusal("\(used) of the users it added are used by later orders, events or results") }
    }
}

/// ISO 8601 UTC text of Unix seconds, for messages.
private enum ISO8601 {
    static func string(_ seconds: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
