import SQLiteStore

/// The bulk path of a first import: the indexes whose entries an import adds at random places
/// are built once, after the rows, instead of kept up to date row by row.
///
/// `orders_by_user` and `events_by_user` are ordered by customer and `events_by_product` by
/// product, so an import that reads its file in time order adds each entry at a random place in
/// them: once an index outgrows what one batch touches, every batch's commit writes most of its
/// pages to the WAL again (and the checkpoint copies them once more). At 10M order lines (1.7M
/// orders, a 58 MB `orders_by_user`) that was 8.4 GB written for a 1.3 GB file, and 7.0 GB for
/// 3.8M events; without those indexes, 2.9 GB and 0.9 GB (docs/BENCHMARKS.md, "Import").
/// An orders import into a warehouse without orders, or an events import into one without
/// events, drops its table's deferred indexes before its first batch and builds them by sort in
/// its last transaction. Every question orders its rows itself (`ORDER BY user_id, ...`), so a
/// reader during such an import gets the same answers, only slower. An import that fails builds
/// them before it returns; one that is killed leaves them missing, and the next command that
/// opens the warehouse for writing (its own resume included) builds them
/// (`Warehouse.openForWriting`).
enum DeferredIndexes {
    /// The deferred indexes of `orders` and `events`, as the migrations define them (0005, 0001).
    static let creations: [String: [String]] = [
        "orders": ["CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id, ordered_at, kind, amount_micros)"],
        "events": ["CREATE INDEX IF NOT EXISTS events_by_user ON events (user_id, occurred_at)",
                   "CREATE INDEX IF NOT EXISTS events_by_product ON events (product_id)"],
    ]
    /// Their names, by table.
    static let names: [String: [String]] = ["orders": ["orders_by_user"], "events": ["events_by_user", "events_by_product"]]

    /// Drops `table`'s deferred indexes when it holds no rows, in a transaction of its own; true
    /// when it did. Call before the import's first batch.
    static func dropIfEmpty(_ db: Connection, table: String) throws -> Bool {
        guard let indexes = names[table] else { return false }
        return try db.transaction(.immediate) {
            guard try db.scalar("SELECT NOT EXISTS (SELECT 1 FROM \(table))").int64 == 1 else { return false }
            for index in indexes { try db.execute("DROP INDEX IF EXISTS \(index)") }
            return true
        }
    }

    /// Builds `table`'s deferred indexes that are missing (nothing when they are there).
    static func restore(_ db: Connection, table: String) throws {
        for creation in creations[table] ?? [] { try db.execute(creation) }
    }

    /// Builds every deferred index that is missing; `CREATE INDEX IF NOT EXISTS` takes no lock
    /// when the index is there.
    static func restoreAll(_ db: Connection) throws {
        for table in creations.keys.sorted() { try restore(db, table: table) }
    }
}
