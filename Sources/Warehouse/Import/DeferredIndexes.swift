import SQLiteStore

/// The bulk path of a first import: the indexes whose entries an import adds at random places
/// are built once, after the rows, instead of kept up to date row by row.
///
/// `orders_by_user` and `events_by_user` are ordered by customer and `events_by_product` by
/// product, so an import that reads its file in time order adds each entry at a random place in
/// them: once an index outgrows what one batch touches, every batch's commit writes most of its
/// pages to the WAL again (and the checkpoint copies them once more). At 10M order lines (1.7M
/// orders, a 58 MB `orders_by_user`) that was 8.4 GB written for a 1.3 GB file, and 7.0 GB for
/// 3.8M events; deferring those indexes, 3.1 GB and 1.25 GB (docs/BENCHMARKS.md, "Import").
/// An orders import into a warehouse without orders, or an events import into one without
/// events, drops its table's deferred indexes before its first batch and builds them by sort in
/// its last transaction. Every question orders its rows itself (`ORDER BY user_id, ...`), so a
/// reader during such an import gets the same answers, only slower. An import that fails builds
/// them before it returns; one that is killed leaves them missing, and the next command that
/// opens the warehouse for writing (its own resume included) builds them
/// (`Warehouse.openForWriting`).
enum DeferredIndexes {
    /// The deferred indexes of `orders` and `events`, name and columns, as the migrations define
    /// them (0005, 0001).
    static let indexes: [String: [(name: String, columns: String)]] = [
        "orders": [("orders_by_user", "user_id, ordered_at, kind, amount_micros")],
        "events": [("events_by_user", "user_id, occurred_at"), ("events_by_product", "product_id")],
    ]

    /// Drops `table`'s deferred indexes when it holds no rows, in a transaction of its own; true
    /// when it did. Call before the import's first batch.
    static func dropIfEmpty(_ db: Connection, table: String) throws -> Bool {
        guard let deferred = indexes[table] else { return false }
        return try db.transaction(.immediate) {
            guard try db.scalar("SELECT NOT EXISTS (SELECT 1 FROM \(table))").int64 == 1 else { return false }
            for index in deferred { try db.execute("DROP INDEX IF EXISTS \(index.name)") }
            return true
        }
    }

    /// Builds `table`'s deferred indexes that are missing (nothing when they are there).
    static func restore(_ db: Connection, table: String) throws {
        for index in indexes[table] ?? [] {
            try db.execute("CREATE INDEX IF NOT EXISTS \(index.name) ON \(table) (\(index.columns))")
        }
    }

    /// Builds every deferred index that is missing; `CREATE INDEX IF NOT EXISTS` takes no lock
    /// when the index is there.
    static func restoreAll(_ db: Connection) throws {
        for table in indexes.keys.sorted() { try restore(db, table: table) }
    }
}
