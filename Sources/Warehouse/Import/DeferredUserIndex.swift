import SQLiteStore

/// The bulk path of a first orders import: `orders_by_user` is built once, after the rows,
/// instead of kept up to date order by order.
///
/// The index is ordered by customer, so an import that reads orders in time order adds each
/// entry at a random place in it: once the index outgrows what one batch touches, every batch's
/// commit writes most of its pages to the WAL again (and the checkpoint copies them once more).
/// At 10M order lines (1.7M orders, a 58 MB index) that was 8.4 GB written for a 1.3 GB file;
/// without the index during the rows, 2.9 GB, and building it afterwards by sort takes about
/// 2.6 s (docs/BENCHMARKS.md, "Import"). An import into a warehouse that holds no orders drops
/// the index before its first batch and builds it in its last transaction, before the customer
/// totals read it. Every question orders its rows itself (`ORDER BY user_id, ...`), so a reader
/// during such an import gets the same answers, only slower. An import that fails builds the
/// index before it returns; one that is killed leaves it missing, and the next command that
/// opens the warehouse for writing (its own resume included) builds it then
/// (`Warehouse.openForWriting`).
enum DeferredUserIndex {
    /// The index as migration 0005 defines it.
    static let creation = "CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id, ordered_at, kind, amount_micros)"

    /// Drops the index when the warehouse holds no orders, in a transaction of its own; true
    /// when it did. Call before the import's first batch.
    static func dropIfNoOrders(_ db: Connection) throws -> Bool {
        try db.transaction(.immediate) {
            guard try db.scalar("SELECT NOT EXISTS (SELECT 1 FROM orders)").int64 == 1 else { return false }
            try db.execute("DROP INDEX IF EXISTS orders_by_user")
            return true
        }
    }

    /// Builds the index when it is missing (nothing when it is there).
    static func restore(_ db: Connection) throws {
        try db.execute(creation)
    }
}
