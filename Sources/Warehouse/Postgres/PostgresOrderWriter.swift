import Foundation
import PostgresStore

/// Writes decoded order lines into PostgreSQL a batch at a time, with SQLite's `OrderWriter`'s
/// rules: an order is created by its first line (its user then, with that line's country), a
/// line's identity is (order, content key, occurrence) with identical lines numbered 1, 2, ... in
/// file order, a line already stored is a duplicate, and a row joining an order an earlier
/// import stored with another currency or time zone is rejected before anything of it is written.
///
/// A batch is decided in memory in file order after one lookup per table (orders by invoice,
/// users, products, and the stored lines of the orders that existed before the batch), and
/// written with one COPY per table; orders that existed before and gained lines get their totals
/// updated. Occurrences: for an order this import created, the lines stored plus those of the
/// batch (every stored line of it came from this file); for an order of an earlier import, the
/// times this file has shown the line so far, kept in memory for the orders of the last two
/// batches and otherwise in a temporary table, so memory stays flat however large the file.
final class PostgresOrderWriter {
    private let db: PGConnection
    private let importID: Int64
    private let entities: PostgresEntities
    /// The zone this import reads wall-clock times in (--timezone).
    private let zone: String?
    private var orderCache: [String: KnownPGOrder] = [:]
    private var nextOrderID: Int64
    /// File occurrences of lines of earlier imports' orders: this batch's and the last batch's orders.
    private var seenNow: [Int64: [Int64: Int64]] = [:]
    private var seenBefore: [Int64: [Int64: Int64]] = [:]
    private var spilled = false
    /// Imports' time zones, by import id.
    private var importZones: [Int64: String?] = [:]

    init(db: PGConnection, importID: Int64, entities: PostgresEntities, zone: String?) throws {
        self.db = db
        self.importID = importID
        self.entities = entities
        self.zone = zone
        nextOrderID = (try db.scalar("SELECT coalesce(max(id), 0) FROM orders").int64 ?? 0) + 1
        try db.query("""
            CREATE TEMP TABLE IF NOT EXISTS import_line_seen (
                order_id bigint NOT NULL, line_key bigint NOT NULL, seen bigint NOT NULL, PRIMARY KEY (order_id, line_key))
            """)
        try db.query("TRUNCATE import_line_seen")
    }

    /// What one batch decided about its rows: per row, nil for a row loaded or a duplicate, or
    /// the reason it was rejected; and the counts.
    func write(_ records: [DecodedRecord<OrderLineInput>], counts: inout ImportCounts) throws -> [RowRejection?] {
        try process(records, counts: &counts, replaying: false)
    }

    /// Re-counts rows an interrupted run already committed (resuming), writing nothing.
    func replay(_ records: [DecodedRecord<OrderLineInput>]) throws {
        var ignored = ImportCounts()
        _ = try process(records, counts: &ignored, replaying: true)
    }

    private func process(_ records: [DecodedRecord<OrderLineInput>], counts: inout ImportCounts, replaying: Bool) throws -> [RowRejection?] {
        // 1. Look up what the batch names.
        var orderRefs = Set<String>(), userRefs = Set<String>(), productRefs = Set<String>()
        for record in records {
            guard case .success(let line) = record.outcome else { continue }
            orderRefs.insert(line.orderRef)
            if let ref = line.customerRef { userRefs.insert(ref) }
            if let ref = line.productRef { productRefs.insert(ref) }
        }
        var orders = try lookUpOrders(orderRefs)
        if !replaying { try entities.prefetch(users: userRefs, products: productRefs) }
        let before = Array(orders.values)
        let stored = replaying ? StoredPGLines() : try storedLines(of: before)
        try loadSpilled(before.filter { !$0.createdHere })

        // 2. Decide each row in file order.
        var outcomes: [RowRejection?] = []
        outcomes.reserveCapacity(records.count)
        var created: [PendingOrder] = []
        var createdIndex: [Int64: Int] = [:]
        var inBatch: [LineSlot: Int64] = [:]
        var lines = PGCopyText()
        var deltas: [Int64: OrderDelta] = [:]
        for record in records {
            let line: OrderLineInput
            switch record.outcome {
            case .failure(let rejection): outcomes.append(rejection); continue
            case .success(let decoded): line = decoded
            }
            var order: KnownPGOrder
            if let known = orders[line.orderRef] {
                order = known
            } else {
                guard !replaying else { outcomes.append(nil); continue }  // cannot happen: a committed row's order is stored
                let userID = line.customerRef.map { entities.user($0, country: line.country) }
                let id = nextOrderID
                nextOrderID += 1
                order = KnownPGOrder(id: id, customerKey: userID ?? -id, createdHere: true, earlier: nil, newInBatch: true)
                orders[line.orderRef] = order
                createdIndex[id] = created.count
                created.append(PendingOrder(ref: line.orderRef, id: id, userID: userID, kind: line.kind, country: line.country,
                                              currency: line.currency, earliest: line.at))
                counts.ordersCreated += 1
                if userID == nil { counts.guestOrders += 1 }
                if line.kind == .return { counts.returnOrders += 1 }
            }
            if let rejection = conflict(line, with: order) { outcomes.append(rejection); continue }
            let slot = LineSlot(order: order.id, key: line.lineKey)
            let occurrence: Int64
            if order.createdHere {
                let n = (inBatch[slot] ?? stored.count[slot] ?? 0) + 1
                inBatch[slot] = n
                occurrence = n
            } else {
                var seen = seenNow[order.id] ?? [:]
                let n = (seen[line.lineKey] ?? 0) + 1
                seen[line.lineKey] = n
                seenNow[order.id] = seen
                occurrence = n
            }
            if replaying { outcomes.append(nil); continue }
            let productID = line.productRef.map { entities.product($0, name: line.productName, isMerchandise: line.isMerchandise) }
            outcomes.append(nil)
            if !order.newInBatch && stored.occurrences.contains(LineOccurrence(slot: slot, occurrence: occurrence)) {
                counts.duplicate += 1
                continue
            }
            counts.loaded += 1
            lines.integer(order.customerKey); lines.integer(order.id); lines.integer(productID); lines.integer(line.lineKey)
            lines.integer(occurrence); lines.integer(line.quantity); lines.integer(line.unitPriceMicros); lines.integer(line.amountMicros)
            lines.text(line.description); lines.integer(line.at); lines.integer(Int64(record.line)); lines.integer(importID)
            lines.endRow()
            if let index = createdIndex[order.id] {
                created[index].add(line)
            } else {
                deltas[order.id, default: OrderDelta(customerKey: order.customerKey, earliest: line.at)].add(line)
            }
        }
        for (ref, order) in orders { remember(ref, KnownPGOrder(id: order.id, customerKey: order.customerKey, createdHere: order.createdHere,
                                                                 earlier: order.earlier, newInBatch: false)) }
        if replaying {
            try spillOldCounts()
            return outcomes
        }

        // 3. Write: parents before the rows that reference them.
        try entities.flush()
        var newOrders = PGCopyText(), newKeys = PGCopyText()
        for order in created {
            newOrders.integer(order.id); newOrders.integer(order.userID ?? -order.id); newOrders.text(order.ref); newOrders.integer(order.userID)
            newOrders.integer(order.totals.earliest); newOrders.text(order.kind.rawValue); newOrders.text(order.country); newOrders.text(order.currency)
            newOrders.integer(order.totals.amount); newOrders.integer(order.totals.lines); newOrders.integer(order.totals.items); newOrders.integer(importID)
            newOrders.endRow()
            newKeys.text(order.ref); newKeys.integer(order.id); newKeys.integer(order.userID ?? -order.id)
            newKeys.endRow()
        }
        try db.copy(into: "orders", columns: ["id", "customer_key", "external_id", "user_id", "ordered_at", "kind", "country", "currency",
                                               "amount_micros", "line_count", "item_count", "import_id"], newOrders)
        try db.copy(into: "order_keys", columns: ["external_id", "order_id", "customer_key"], newKeys)
        try db.copy(into: "order_lines", columns: ["customer_key", "order_id", "product_id", "line_key", "occurrence", "quantity",
                                                    "unit_price_micros", "amount_micros", "description", "line_at", "source_line", "import_id"], lines)
        for (id, delta) in deltas.sorted(by: { $0.key < $1.key }) {
            try db.query("""
                UPDATE orders SET amount_micros = amount_micros + $1, line_count = line_count + $2, item_count = item_count + $3,
                    ordered_at = least(ordered_at, $4) WHERE customer_key = $5 AND id = $6
                """, [.integer(delta.totals.amount), .integer(delta.totals.lines), .integer(delta.totals.items), .integer(delta.totals.earliest),
                      .integer(delta.customerKey), .integer(id)])
        }
        try spillOldCounts()
        return outcomes
    }

    /// The orders with these invoice numbers that are stored (cached or looked up).
    private func lookUpOrders(_ refs: Set<String>) throws -> [String: KnownPGOrder] {
        var found: [String: KnownPGOrder] = [:]
        var missing: [String] = []
        for ref in refs {
            if let order = orderCache[ref] { found[ref] = order } else { missing.append(ref) }
        }
        guard !missing.isEmpty else { return found }
        let keys = try db.query("SELECT external_id, order_id, customer_key FROM order_keys WHERE external_id = ANY($1)", [.textArray(missing)])
        guard !keys.isEmpty else { return found }
        var refByID: [Int64: String] = [:]
        for key in keys { if let ref = key[0].string, let id = key[1].int64 { refByID[id] = ref } }
        let rows = try db.query("""
            SELECT id, customer_key, import_id, currency FROM orders WHERE customer_key = ANY($1) AND id = ANY($2)
            """, [.integerArray(keys.compactMap { $0[2].int64 }), .integerArray(keys.compactMap { $0[1].int64 })])
        let unknownImports = Set(rows.compactMap { $0[2].int64 }).filter { importZones[$0] == nil && $0 != importID }
        if !unknownImports.isEmpty {
            for row in try db.query("SELECT id, options::jsonb ->> 'timezone' FROM imports WHERE id = ANY($1)",
                                    [.integerArray(Array(unknownImports))]) {
                if let id = row[0].int64 { importZones[id] = row[1].string }
            }
        }
        for row in rows {
            guard let id = row[0].int64, let ref = refByID[id], let customerKey = row[1].int64, let creator = row[2].int64 else { continue }
            let earlier = creator == importID ? nil
                : EarlierPGOrder(importID: creator, currency: row[3].string ?? "", zone: importZones[creator] ?? nil)
            found[ref] = KnownPGOrder(id: id, customerKey: customerKey, createdHere: creator == importID, earlier: earlier, newInBatch: false)
        }
        return found
    }

    private func remember(_ ref: String, _ order: KnownPGOrder) {
        if orderCache.count >= 200_000 { orderCache.removeAll(keepingCapacity: true) }
        orderCache[ref] = order
    }

    /// The stored lines of these orders: their occurrences, and per (order, key) how many.
    private func storedLines(of orders: [KnownPGOrder]) throws -> StoredPGLines {
        var result = StoredPGLines()
        guard !orders.isEmpty else { return result }
        for row in try db.query("""
            SELECT order_id, line_key, occurrence FROM order_lines WHERE customer_key = ANY($1) AND order_id = ANY($2)
            """, [.integerArray(orders.map(\.customerKey)), .integerArray(orders.map(\.id))]) {
            guard let order = row[0].int64, let key = row[1].int64, let occurrence = row[2].int64 else { continue }
            let slot = LineSlot(order: order, key: key)
            result.occurrences.insert(LineOccurrence(slot: slot, occurrence: occurrence))
            result.count[slot, default: 0] += 1
        }
        return result
    }

    /// Brings back the file counts of earlier imports' orders that left memory, for those the batch names.
    private func loadSpilled(_ orders: [KnownPGOrder]) throws {
        let wanted = orders.map(\.id).filter { seenNow[$0] == nil && seenBefore[$0] == nil }
        for id in orders.map(\.id) where seenNow[id] == nil {
            if let counts = seenBefore.removeValue(forKey: id) { seenNow[id] = counts }
        }
        guard spilled, !wanted.isEmpty else { return }
        for row in try db.query("DELETE FROM import_line_seen WHERE order_id = ANY($1) RETURNING order_id, line_key, seen",
                                [.integerArray(wanted)]) {
            guard let order = row[0].int64, let key = row[1].int64, let seen = row[2].int64 else { continue }
            seenNow[order, default: [:]][key] = seen
        }
    }

    /// Moves the counts of orders the last batch named and this one did not to the temporary table.
    private func spillOldCounts() throws {
        var copy = PGCopyText()
        for (order, counts) in seenBefore {
            for (key, seen) in counts {
                copy.integer(order); copy.integer(key); copy.integer(seen)
                copy.endRow()
            }
        }
        if !copy.isEmpty {
            try db.copy(into: "import_line_seen", columns: ["order_id", "line_key", "seen"], copy)
            spilled = true
        }
        seenBefore = seenNow
        seenNow = [:]
    }

    /// SQLite's rule (`OrderWriter.conflict`): a row cannot join an order an earlier import stored
    /// in another currency, or whose wall-clock times it read in another zone.
    private func conflict(_ line: OrderLineInput, with order: KnownPGOrder) -> RowRejection? {
        guard let earlier = order.earlier else { return nil }
        let shown = "'" + Excerpt.of(line.orderRef, limit: 80) + "'"
        if line.currency != earlier.currency {
            return RowRejection(reason: "order \(shown) is stored in \(Excerpt.of(earlier.currency, limit: 80)) by import \(earlier.importID); "
                                + "this row is in \(Excerpt.of(line.currency, limit: 80)) (--currency or the currency column): undo import \(earlier.importID) or import with its options")
        }
        if line.convertedWithZone, let stored = earlier.zone, stored != zone {
            return RowRejection(reason: "order \(shown) was stored by import \(earlier.importID) with --timezone \(stored); "
                                + "this import reads its time in \(zone ?? "no zone"), which would give it another instant: "
                                + "undo import \(earlier.importID) or import with --timezone \(stored)")
        }
        return nil
    }
}

private struct KnownPGOrder {
    let id: Int64
    let customerKey: Int64
    let createdHere: Bool
    let earlier: EarlierPGOrder?
    /// Created by the batch being decided: none of its lines is stored yet.
    let newInBatch: Bool
}

private struct EarlierPGOrder {
    let importID: Int64
    let currency: String
    let zone: String?
}

private struct LineSlot: Hashable {
    let order: Int64
    let key: Int64
}

private struct LineOccurrence: Hashable {
    let slot: LineSlot
    let occurrence: Int64
}

private struct StoredPGLines {
    var occurrences = Set<LineOccurrence>()
    var count: [LineSlot: Int64] = [:]
}

/// What a batch adds to an order stored before it: its customer's key and the added lines' totals.
private struct OrderDelta {
    let customerKey: Int64
    var totals: OrderLineTotals

    init(customerKey: Int64, earliest: Int64) {
        self.customerKey = customerKey
        totals = OrderLineTotals(earliest: earliest)
    }

    mutating func add(_ line: OrderLineInput) { totals.add(line) }
}
