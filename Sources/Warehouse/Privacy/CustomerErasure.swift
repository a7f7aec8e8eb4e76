import Foundation
import SQLiteStore

extension Warehouse {
    /// Erases customers by external id (as stored), in one transaction: their orders and order
    /// lines, events, features, customer totals, RFM snapshot rows, predictions, CLV
    /// predictions, segment assignments and recommendations, and their user row; the raw text
    /// of rejected rows, file names and import errors that mention an id, and event properties
    /// of other users that hold one, are blanked (``QuotedIDRedaction``). The kept figures that counted them (customer
    /// totals and their state, order currencies, feature
    /// build and RFM snapshot user counts) are brought up to date, and each customer gets a
    /// row in the erasure log: a keyed hash of the id, never the id (docs/PRIVACY.md). With
    /// `dryRun` the same work is done and rolled back, so the counts are exact.
    /// SQLite's `secure_delete` is on for the erasure, so the pages it frees or rewrites are
    /// overwritten with zeros instead of keeping the deleted rows' bytes in free space.
    /// With `key` (a pseudonymised warehouse's pseudonym key, checked by its fingerprint) the ids
    /// are source ids, each erased as its pseudonym; without it they are ids as stored. With
    /// `logAbsent` an id with no data and not erased before is logged all the same (an erasure
    /// request that comes before the customer's data), so later imports skip her.
    public func forget(_ externalIDs: [String], dryRun: Bool = false, key: PseudonymKey? = nil,
                       logAbsent: Bool = false) throws -> ErasureSummary {
        let pseudonyms = key == nil ? nil : try PrivacySettings.read(db).requireKey(key, for: "forget with a source id")
        let secureDelete = try db.scalar("PRAGMA secure_delete").int64 ?? 0
        try db.execute("PRAGMA secure_delete = ON")
        defer { try? db.execute("PRAGMA secure_delete = \(secureDelete)") }
        try db.execute("BEGIN IMMEDIATE")
        do {
            let summary = try CustomerErasure(db: db, pseudonyms: pseudonyms, logAbsent: logAbsent).run(externalIDs, dryRun: dryRun)
            try db.execute(dryRun ? "ROLLBACK" : "COMMIT")
            return summary
        } catch {
            if db.isInTransaction { try? db.execute("ROLLBACK") }
            throw error
        }
    }
}

/// The deletions and redactions of one erasure, inside the caller's transaction.
private struct CustomerErasure {
    let db: Connection
    /// Set when the ids given are source ids of a pseudonymised warehouse.
    let pseudonyms: PseudonymKey?
    /// Log ids with no data too (`forget --log-absent`).
    let logAbsent: Bool

    /// Tables cleared of a user's rows by `user_id`, after her orders and events, before her user row.
    static let derivedUserTables = ["user_features", "predictions", "clv_predictions", "segment_assignments", "recommendations",
                                    "rfm_snapshot_users", "customer_totals"]

    func run(_ given: [String], dryRun: Bool) throws -> ErasureSummary {
        let key = try ErasureKey.storedOrCreated(db)
        let hash = KeyedHash(key: key)
        var erased: [String] = [], notFound: [String] = [], alreadyErased: [String] = [], loggedAbsent: [String] = []
        /// The ids as stored of `erased` (pseudonyms when a key mapped them), in the same order.
        var stored: [String] = []
        var totals: [String: Int] = [:]
        var amounts: [String: (orders: Int, micros: Int64)] = [:]
        var models = Set<String>()
        let now = Int64(Date().timeIntervalSince1970)
        var seen = Set<String>()
        /// Per erased customer: the keyed hash, rows per table, snapshots trained with the data.
        var logged: [(hash: String, rows: [(String, Int)], snapshots: [Int64])] = []
        for externalID in given where seen.insert(externalID).inserted {
            // The log hashes the id as stored: in a pseudonymised warehouse, the pseudonym.
            let storedID = pseudonyms.map { $0.pseudonym(of: FieldParse.customerRef(externalID) ?? externalID) } ?? externalID
            let digest = hash.hex(storedID)
            guard let userID = try db.scalar("SELECT id FROM users WHERE external_id = ?", storedID).int64 else {
                let before = try db.scalar("SELECT count(*) FROM erasures WHERE customer_hash = ?", digest).int64 ?? 0
                if before > 0 {
                    alreadyErased.append(externalID)
                } else if logAbsent {
                    try db.run("INSERT INTO erasures (erased_at, customer_hash, rows_removed, trained_snapshots) VALUES (?, ?, '{}', '[]')",
                               now, digest)
                    loggedAbsent.append(externalID)
                } else {
                    notFound.append(externalID)
                }
                continue
            }
            let trained = try trainedSnapshots(userID)
            models.formUnion(trained.map(\.reference))
            for row in try db.query("""
                SELECT currency, count(*), sum(amount_micros) FROM orders WHERE user_id = ? GROUP BY currency
                """, userID) {
                let currency = row[0].string ?? ""
                amounts[currency, default: (0, 0)].orders += Int(row[1].int64 ?? 0)
                amounts[currency, default: (0, 0)].micros += row[2].int64 ?? 0
            }
            let rows = try erase(userID: userID)
            for (table, count) in rows { totals[table, default: 0] += count }
            logged.append((digest, rows, trained.map(\.id)))
            erased.append(externalID)
            stored.append(storedID)
        }
        // Text may quote the stored id or, in a pseudonymised warehouse, the source id: both go.
        var quoted: [String: String] = [:]
        for (given, storedID) in zip(erased, stored) {
            quoted[storedID] = storedID
            if given != storedID { quoted[given] = storedID }
        }
        let quotes = try QuotedIDRedaction(db: db).run(quoted)
        for (table, count) in quotes.perTable { totals[table, default: 0] += count }
        for (index, entry) in logged.enumerated() {
            try db.run("INSERT INTO erasures (erased_at, customer_hash, rows_removed, trained_snapshots) VALUES (?, ?, ?, ?)",
                       now, entry.hash, Self.jsonObject(entry.rows + (quotes.perID[stored[index]] ?? [])),
                       "[" + entry.snapshots.map(String.init).joined(separator: ",") + "]")
        }
        // Deleted orders made the kept totals stale (migration 0007's trigger): rebuilt here,
        // with the order currencies, exactly as an import finishes.
        try CustomerTotals.refresh(db)
        let order = Self.tableOrder
        return ErasureSummary(
            dryRun: dryRun, erased: erased, notFound: notFound, alreadyErased: alreadyErased, loggedAbsent: loggedAbsent,
            tables: order.compactMap { table in totals[table].flatMap { $0 > 0 ? .init(table: table, rows: $0) : nil } },
            removedAmounts: amounts.keys.sorted().map { .init(currency: $0, orders: amounts[$0]!.orders, micros: amounts[$0]!.micros) },
            trainedModels: models.sorted())
    }

    /// Every table an erasure touches, in the order it is cleared.
    static let tableOrder = ["order_lines", "orders", "events"] + derivedUserTables
        + ["users", "import_rejects", "imports", "other_events_properties"]

    /// Removes one user's rows everywhere; returns rows per table.
    private func erase(userID: Int64) throws -> [(String, Int)] {
        var rows: [(String, Int)] = []
        func count(_ table: String, _ sql: String, _ values: any SQLBindable...) throws {
            try db.cached(sql).run(values)
            rows.append((table, db.changes))
        }
        try adjustSavedCounts(userID)
        try count("order_lines", "DELETE FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE user_id = ?)", userID)
        try count("orders", "DELETE FROM orders WHERE user_id = ?", userID)
        try count("events", "DELETE FROM events WHERE user_id = ?", userID)
        for table in Self.derivedUserTables {
            try count(table, "DELETE FROM \(table) WHERE user_id = ?", userID)
        }
        try count("users", "DELETE FROM users WHERE id = ?", userID)
        return rows
    }

    /// The users count of saved RFM snapshots and feature builds that held her, and the orders
    /// and events a feature build counted before its as-of (those imported before the build).
    private func adjustSavedCounts(_ userID: Int64) throws {
        try db.run("UPDATE rfm_snapshots SET users = users - 1 WHERE id IN (SELECT snapshot_id FROM rfm_snapshot_users WHERE user_id = ?)", userID)
        try db.run("""
            UPDATE feature_builds SET
                users = users - (SELECT count(*) FROM user_features f WHERE f.as_of = feature_builds.as_of AND f.user_id = ?1),
                orders_before = orders_before - (SELECT count(*) FROM orders o JOIN imports i ON i.id = o.import_id
                    WHERE o.user_id = ?1 AND o.ordered_at < feature_builds.as_of AND i.finished_at <= feature_builds.built_at),
                events_before = events_before - (SELECT count(*) FROM events e JOIN imports i ON i.id = e.import_id
                    WHERE e.user_id = ?1 AND e.occurred_at < feature_builds.as_of AND i.finished_at <= feature_builds.built_at)
            """, userID)
    }

    /// Model snapshots whose training could see the user's data: she had an order or event
    /// before the end of the snapshot's training span (its as-of, or its window's end when
    /// later), loaded by an import the training could see (its lineage, or for snapshots saved
    /// before lineage was kept, an import begun before it was saved). Deliberately wide: a
    /// trainer that left her out (no purchase before its as-of) is still listed.
    private func trainedSnapshots(_ userID: Int64) throws -> [(id: Int64, reference: String)] {
        let visible = """
            i.id = x.import_id AND x.user_id = ?1
            AND (i.id <= s.trained_through_import OR (s.trained_through_import IS NULL AND i.started_at <= s.created_at))
            """
        return try db.query("""
            SELECT s.id, s.name || '@' || s.version FROM model_snapshots s
            WHERE EXISTS (SELECT 1 FROM orders x, imports i WHERE \(visible)
                            AND x.ordered_at <= max(s.training_as_of, coalesce(s.training_window_end, s.training_as_of)))
               OR EXISTS (SELECT 1 FROM events x, imports i WHERE \(visible)
                            AND x.occurred_at <= max(s.training_as_of, coalesce(s.training_window_end, s.training_as_of)))
            ORDER BY s.name, s.version
            """, userID).map { ($0[0].int64 ?? 0, $0[1].string ?? "") }
    }

    /// `{"orders": 3, ...}` of the tables with rows.
    static func jsonObject(_ rows: [(String, Int)]) -> String {
        "{" + rows.filter { $0.1 > 0 }.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }
}
