import SQLiteStore

/// Writes decoded order lines: finds or creates the order, its user and product, numbers
/// identical lines within an order, and inserts each line once by its natural key
/// (order, line content, occurrence), so a line seen again in any dump is a duplicate.
final class OrderWriter {
    private let db: Connection
    private let importID: Int64
    private let entities: EntityResolver
    private var orders = KeyCache()
    /// Per order touched in the current batch: amount, lines, items, earliest time of the lines loaded.
    private var deltas: [Int64: (amount: Int64, lines: Int64, items: Int64, earliest: Int64)] = [:]

    init(db: Connection, importID: Int64, entities: EntityResolver) throws {
        self.db = db
        self.importID = importID
        self.entities = entities
        // Occurrences of each (order, line content) in this file, so identical lines in one order
        // get 1, 2, 3... in whatever order the file lists them. A temp table keeps memory flat.
        try db.execute("""
            CREATE TEMP TABLE IF NOT EXISTS import_line_occurrences (
                order_id INTEGER NOT NULL, line_key INTEGER NOT NULL, seen INTEGER NOT NULL,
                PRIMARY KEY (order_id, line_key)) WITHOUT ROWID;
            DELETE FROM temp.import_line_occurrences;
            """)
    }

    /// The order's id, created with the line's attributes when new. Updates `counts` for new orders.
    private func orderID(for line: OrderLineInput, counts: inout ImportCounts) throws -> Int64 {
        if let id = orders[line.orderRef] { return id }
        let select = try db.cached("SELECT id FROM orders WHERE external_id = ?")
        select.bind(text: line.orderRef, at: 1)
        if try select.step() {
            let id = select.int64(at: 0)
            select.reset()
            orders[line.orderRef] = id
            return id
        }
        select.reset()
        let userID = try line.customerRef.map { try entities.user($0, country: line.country) }
        try db.run("INSERT INTO orders (external_id, user_id, ordered_at, kind, country, currency, import_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   line.orderRef, userID, line.at, line.kind.rawValue, line.country, line.currency, importID)
        let id = db.lastInsertRowID
        orders[line.orderRef] = id
        counts.ordersCreated += 1
        if userID == nil { counts.guestOrders += 1 }
        if line.kind == .return { counts.returnOrders += 1 }
        return id
    }

    /// The occurrence number of this line's content within its order, counting this one.
    private func occurrence(orderID: Int64, lineKey: Int64) throws -> Int64 {
        let upsert = try db.cached("""
            INSERT INTO temp.import_line_occurrences (order_id, line_key, seen) VALUES (?, ?, 1)
            ON CONFLICT (order_id, line_key) DO UPDATE SET seen = seen + 1 RETURNING seen
            """)
        upsert.bind(int64: orderID, at: 1)
        upsert.bind(int64: lineKey, at: 2)
        defer { upsert.reset() }
        _ = try upsert.step()
        return upsert.int64(at: 0)
    }

    /// Loads one line. Returns true when it was new, false when it was already stored.
    func write(_ line: OrderLineInput, sourceLine: Int, counts: inout ImportCounts) throws -> Bool {
        let order = try orderID(for: line, counts: &counts)
        let key = line.lineKey
        let seen = try occurrence(orderID: order, lineKey: key)
        let productID = try line.productRef.map { try entities.product($0, name: line.productName, isMerchandise: line.isMerchandise) }
        let insert = try db.cached("""
            INSERT INTO order_lines (order_id, product_id, line_key, occurrence, quantity, unit_price_micros,
                                     amount_micros, description, line_at, source_line, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (order_id, line_key, occurrence) DO NOTHING
            """)
        insert.bind(int64: order, at: 1)
        if let productID { insert.bind(int64: productID, at: 2) } else { insert.bindNull(at: 2) }
        insert.bind(int64: key, at: 3)
        insert.bind(int64: seen, at: 4)
        insert.bind(int64: line.quantity, at: 5)
        if let price = line.unitPriceMicros { insert.bind(int64: price, at: 6) } else { insert.bindNull(at: 6) }
        insert.bind(int64: line.amountMicros, at: 7)
        if let description = line.description { insert.bind(text: description, at: 8) } else { insert.bindNull(at: 8) }
        insert.bind(int64: line.at, at: 9)
        insert.bind(int64: Int64(sourceLine), at: 10)
        insert.bind(int64: importID, at: 11)
        try insert.step()
        insert.reset()
        guard db.changes == 1 else { return false }
        let old = deltas[order] ?? (0, 0, 0, line.at)
        deltas[order] = (old.amount + line.amountMicros, old.lines + 1, old.items + line.quantity, min(old.earliest, line.at))
        return true
    }

    /// Re-counts a line that an interrupted run of this import already handled (resuming), so
    /// occurrence numbers continue exactly where that run stopped. Writes nothing else.
    func replay(_ line: OrderLineInput) throws {
        let select = try db.cached("SELECT id FROM orders WHERE external_id = ?")
        select.bind(text: line.orderRef, at: 1)
        defer { select.reset() }
        guard try select.step() else { return }
        _ = try occurrence(orderID: select.int64(at: 0), lineKey: line.lineKey)
    }

    /// Applies the batch's per-order totals; call before committing the batch.
    func flush() throws {
        let update = """
            UPDATE orders SET amount_micros = amount_micros + ?, line_count = line_count + ?,
                item_count = item_count + ?, ordered_at = min(ordered_at, ?) WHERE id = ?
            """
        for (order, delta) in deltas {
            try db.run(update, delta.amount, delta.lines, delta.items, delta.earliest, order)
        }
        deltas.removeAll(keepingCapacity: true)
    }

    /// Forgets cached ids (after a rollback, ids created in the rolled-back batch no longer exist).
    func forgetCaches() {
        orders.removeAll()
        deltas.removeAll()
    }
}
