import SQLiteStore

/// Writes decoded order lines: finds or creates the order, its user and product, numbers
/// identical lines within an order (occurrence 1, 2, ...), and inserts each line once by its
/// natural key (order, line content, occurrence), so a line seen again in any dump, in any
/// order, is a duplicate. A row of an order an earlier import created with other conversion
/// options (another currency, wall-clock times read in another zone) is rejected instead, since
/// it would give the same record another amount's currency or another instant.
final class OrderWriter {
    private let db: Connection
    private let importID: Int64
    private let entities: EntityResolver
    /// The zone this import reads wall-clock times in (--timezone).
    private let zone: String?
    /// This import keys its lines the pre-0011 way (it is a resumed run begun before migration 0011).
    private let keysByInstant: Bool
    /// Orders by external id.
    private var orders: [String: KnownOrder] = [:]
    /// Per order touched in the current batch: amount, lines, items, earliest time of the lines loaded.
    private var deltas: [Int64: OrderLineTotals] = [:]
    /// The order this import created and is reading right now. Its row is inserted once, with
    /// its totals, when its run of lines ends (another order begins, or the batch commits),
    /// instead of being inserted empty and updated; its lines are written before it, which the
    /// batch's reference check allows because they commit together.
    private var pending: PendingOrder?
    /// The id the next new order gets (SQLite's own choice, max + 1, read once per batch).
    private var nextOrderID: Int64?
    /// Occurrence counts of the order this import created and is reading right now (the common
    /// case: an invoice's lines stand together), so no database lookup is needed for them.
    private var runOrder: Int64 = -1
    private var runCounts: [Int64: Int64] = [:]

    private let selectOrder: Statement
    private let maxOrderID: Statement
    private let insertOrder: Statement
    private let countStored: Statement
    private let countOccurrence: Statement
    private let insertLine: Statement
    private let newLines: NewLineInserter
    private let updateOrder: Statement
    private var references: BatchReferenceCheck

    /// Expects SQLite's foreign-key enforcement to be off (the importer turns it off for orders
    /// imports): the writer checks its batches' references itself, in `flush()`.
    init(db: Connection, importID: Int64, entities: EntityResolver, file: String, zone: String?) throws {
        self.db = db
        self.importID = importID
        self.entities = entities
        self.zone = zone
        keysByInstant = try db.scalar("SELECT line_keys = 'instant' FROM imports WHERE id = ?", importID).int64 == 1
        references = try BatchReferenceCheck(db: db, importID: importID, file: file)
        newLines = try NewLineInserter(db: db)
        // For orders that existed before this import: occurrences of each (order, line content)
        // in this file. A temp table keeps memory flat however large the file.
        try db.execute("""
            CREATE TEMP TABLE IF NOT EXISTS import_line_occurrences (
                order_id INTEGER NOT NULL, line_key INTEGER NOT NULL, seen INTEGER NOT NULL,
                PRIMARY KEY (order_id, line_key)) WITHOUT ROWID;
            DELETE FROM temp.import_line_occurrences;
            """)
        selectOrder = try db.prepare("""
            SELECT o.id, o.import_id, o.currency, coalesce(i.line_keys, 'instant') = 'instant', json_extract(i.options, '$.timezone')
            FROM orders o LEFT JOIN imports i ON i.id = o.import_id WHERE o.external_id = ?
            """)
        maxOrderID = try db.prepare("SELECT coalesce(max(id), 0) FROM orders")
        insertOrder = try db.prepare("""
            INSERT INTO orders (id, external_id, user_id, ordered_at, kind, country, currency, amount_micros,
                                line_count, item_count, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        countStored = try db.prepare("SELECT count(*) FROM order_lines WHERE order_id = ? AND line_key = ?")
        countOccurrence = try db.prepare("""
            INSERT INTO temp.import_line_occurrences (order_id, line_key, seen) VALUES (?, ?, 1)
            ON CONFLICT (order_id, line_key) DO UPDATE SET seen = seen + 1 RETURNING seen
            """)
        insertLine = try db.prepare("""
            INSERT INTO order_lines (\(StoredLine.columns)) VALUES \(StoredLine.placeholders)
            ON CONFLICT (order_id, line_key, occurrence) DO NOTHING
            """)
        updateOrder = try db.prepare("""
            UPDATE orders SET amount_micros = amount_micros + ?, line_count = line_count + ?,
                item_count = item_count + ?, ordered_at = min(ordered_at, ?) WHERE id = ?
            """)
    }

    /// The stored order with this external id, if any (cached).
    private func existingOrder(_ ref: String) throws -> KnownOrder? {
        if let known = orders[ref] { return known }
        selectOrder.bind(text: ref, at: 1)
        defer { selectOrder.reset() }
        guard try selectOrder.step() else { return nil }
        let creator = selectOrder.int64(at: 1)
        let found: KnownOrder
        if creator == importID {
            found = KnownOrder(id: selectOrder.int64(at: 0), createdHere: true, keyedByInstant: keysByInstant, earlier: nil)
        } else {
            let earlier = EarlierOrder(importID: creator, currency: selectOrder.text(at: 2),
                                       zone: selectOrder.isNull(at: 4) ? nil : selectOrder.text(at: 4))
            found = KnownOrder(id: selectOrder.int64(at: 0), createdHere: false, keyedByInstant: selectOrder.int64(at: 3) == 1, earlier: earlier)
        }
        remember(ref, found)
        return found
    }

    /// Why a row cannot join an order an earlier import created: its currency differs, or its
    /// wall-clock time was read in another zone than that import's (the same record would get
    /// another instant). Nil when it can.
    private func conflict(_ line: OrderLineInput, with order: KnownOrder) -> RowRejection? {
        guard let earlier = order.earlier else { return nil }
        if line.currency != earlier.currency {
            return RowRejection(reason: "order \(Self.shown(line.orderRef)) is stored in \(Self.cut(earlier.currency)) by import \(earlier.importID); "
                                + "this row is in \(Self.cut(line.currency)) (--currency or the currency column): undo import \(earlier.importID) or import with its options")
        }
        if line.convertedWithZone, let stored = earlier.zone, stored != zone {
            return RowRejection(reason: "order \(Self.shown(line.orderRef)) was stored by import \(earlier.importID) with --timezone \(stored); "
                                + "this import reads its time in \(zone ?? "no zone"), which would give it another instant: "
                                + "undo import \(earlier.importID) or import with --timezone \(stored)")
        }
        return nil
    }

    /// An order reference for a message, quoted and cut to 80 characters.
    private static func shown(_ ref: String) -> String { "'" + cut(ref) + "'" }

    /// Source text for a message, cut to 80 bytes so a reason never quotes much input.
    private static func cut(_ text: String) -> String { Excerpt.of(text, limit: 80) }

    /// The order, begun with the line's attributes when new (counted in `counts`).
    private func order(for line: OrderLineInput, counts: inout ImportCounts) throws -> KnownOrder {
        if let pending, pending.ref == line.orderRef { return KnownOrder(id: pending.id, createdHere: true, keyedByInstant: keysByInstant, earlier: nil) }
        try finishPending()
        if let found = try existingOrder(line.orderRef) { return found }
        let userID = try line.customerRef.map { try entities.user($0, country: line.country) }
        let id = try newOrderID()
        pending = PendingOrder(ref: line.orderRef, id: id, userID: userID, kind: line.kind, country: line.country,
                               currency: line.currency, earliest: line.at)
        let created = KnownOrder(id: id, createdHere: true, keyedByInstant: keysByInstant, earlier: nil)
        remember(line.orderRef, created)
        runOrder = id
        runCounts.removeAll(keepingCapacity: true)
        counts.ordersCreated += 1
        if userID == nil { counts.guestOrders += 1 }
        if line.kind == .return { counts.returnOrders += 1 }
        return created
    }

    /// The id for a new order: the one SQLite would give it, counted on from the largest id the
    /// batch began with (the batch's transaction holds the write lock).
    private func newOrderID() throws -> Int64 {
        if nextOrderID == nil {
            defer { maxOrderID.reset() }
            _ = try maxOrderID.step()
            nextOrderID = maxOrderID.int64(at: 0) + 1
        }
        defer { nextOrderID! += 1 }
        return nextOrderID!
    }

    /// Inserts the pending order with its totals.
    private func finishPending() throws {
        guard let order = pending else { return }
        pending = nil
        let insert = insertOrder
        defer { insert.reset() }
        insert.bind(int64: order.id, at: 1)
        insert.bind(text: order.ref, at: 2)
        if let user = order.userID { insert.bind(int64: user, at: 3) } else { insert.bindNull(at: 3) }
        insert.bind(int64: order.totals.earliest, at: 4)
        insert.bind(text: order.kind.rawValue, at: 5)
        if let country = order.country { insert.bind(text: country, at: 6) } else { insert.bindNull(at: 6) }
        insert.bind(text: order.currency, at: 7)
        insert.bind(int64: order.totals.amount, at: 8)
        insert.bind(int64: order.totals.lines, at: 9)
        insert.bind(int64: order.totals.items, at: 10)
        insert.bind(int64: importID, at: 11)
        try insert.step()
    }

    private func remember(_ ref: String, _ order: KnownOrder) {
        if orders.count >= 200_000 { orders.removeAll(keepingCapacity: true) }
        orders[ref] = order
    }

    /// The occurrence number of this line's content within its order, counting this one.
    private func occurrence(of key: Int64, in order: KnownOrder) throws -> Int64 {
        if order.id == runOrder {
            let seen = (runCounts[key] ?? 0) + 1
            runCounts[key] = seen
            return seen
        }
        if order.createdHere {
            // Every stored line of an order this import created came from earlier rows of this file.
            runOrder = -1
            try newLines.flush()
            countStored.bind(int64: order.id, at: 1)
            countStored.bind(int64: key, at: 2)
            defer { countStored.reset() }
            _ = try countStored.step()
            return countStored.int64(at: 0) + 1
        }
        runOrder = -1
        countOccurrence.bind(int64: order.id, at: 1)
        countOccurrence.bind(int64: key, at: 2)
        defer { countOccurrence.reset() }
        _ = try countOccurrence.step()
        return countOccurrence.int64(at: 0)
    }

    /// Loads one line. Returns true when it was new, false when it was already stored; throws a
    /// `RowRejection` (before writing anything of the row) when it conflicts with an order an
    /// earlier import stored.
    func write(_ line: OrderLineInput, sourceLine: Int, counts: inout ImportCounts) throws -> Bool {
        let order = try order(for: line, counts: &counts)
        if let rejection = conflict(line, with: order) { throw rejection }
        let key = order.keyedByInstant ? line.instantLineKey : line.lineKey
        let seen = try occurrence(of: key, in: order)
        let productID = try line.productRef.map { try entities.product($0, name: line.productName, isMerchandise: line.isMerchandise) }
        let stored = StoredLine(orderID: order.id, productID: productID, key: key, occurrence: seen, quantity: line.quantity,
                                unitPriceMicros: line.unitPriceMicros, amountMicros: line.amountMicros, description: line.description,
                                at: line.at, sourceLine: Int64(sourceLine), importID: importID)
        if pending?.id == order.id {
            try newLines.append(stored)
            pending!.add(line)
            return true
        }
        stored.bind(to: insertLine, from: 1)
        try insertLine.step()
        insertLine.reset()
        guard db.changes == 1 else { return false }
        deltas[order.id, default: OrderLineTotals(earliest: line.at)].add(line)
        return true
    }

    /// Re-counts a line that an interrupted run of this import already handled (resuming), so
    /// occurrence numbers of orders that existed before the import continue where that run
    /// stopped. (Orders the interrupted run created are counted from the database.)
    func replay(_ line: OrderLineInput) throws {
        guard let order = try existingOrder(line.orderRef), !order.createdHere, conflict(line, with: order) == nil else { return }
        _ = try occurrence(of: order.keyedByInstant ? line.instantLineKey : line.lineKey, in: order)
    }

    /// Writes the pending order, applies the batch's per-order totals and checks its references;
    /// call before committing the batch.
    func flush() throws {
        try finishPending()
        try newLines.flush()
        nextOrderID = nil
        for (order, delta) in deltas {
            try updateOrder.run([delta.amount, delta.lines, delta.items, delta.earliest, order])
        }
        deltas.removeAll(keepingCapacity: true)
        try references.verify()
    }
}

/// An order the writer has met: its id, whether this import created it, how its lines are keyed
/// (the scheme of the import that created it, `imports.line_keys`), and for an order an earlier
/// import created, what that import stored it with.
private struct KnownOrder {
    let id: Int64
    let createdHere: Bool
    let keyedByInstant: Bool
    let earlier: EarlierOrder?
}

/// What an earlier import stored an order with. A class, so the order cache's entries stay
/// small (one reference) for the orders this import creates, which have none.
private final class EarlierOrder {
    let importID: Int64
    let currency: String
    /// The --timezone that import read wall-clock times in; nil when it had none.
    let zone: String?

    init(importID: Int64, currency: String, zone: String?) {
        self.importID = importID
        self.currency = currency
        self.zone = zone
    }
}
