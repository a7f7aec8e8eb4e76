import Foundation
import SQLiteStore

/// The `imports` and `import_rejects` bookkeeping of one import run.
struct ImportLedger {
    let db: Connection
    let id: Int64
    /// Rows an interrupted earlier run of this same import already committed.
    let alreadyDone: Int
    /// Counts as committed so far (those of the interrupted run when resuming).
    let startCounts: ImportCounts
    let resumed: Bool
    /// The options as stored with the import (those of the killed run when resuming).
    let options: String
    /// The file as given, and as the ledger stores it (`ImportFileName`): a stored error names the latter.
    let path: String, fileName: String

    /// Starts a new import row, or takes over the row of a killed run of the same file with the
    /// same options (identified by SHA-256), so the re-run continues where it stopped. The
    /// standard date window resolved by a run (`ImportOptions.defaultWindowKey`) is not compared.
    /// The row stores `path` as `ImportFileName` says; refusals name it as given.
    static func begin(db: Connection, kind: ImportKind, format: ImportFormat, path: String, pseudonymised: Bool,
                      size: Int64?, sha256: String?, options: String) throws -> ImportLedger {
        let fileName = ImportFileName.stored(path, pseudonymised: pseudonymised)
        let now = Int64(Date().timeIntervalSince1970)
        let pid = Int64(getpid())
        return try db.transaction(.immediate) {
            if let sha256 {
                try refuseOtherOptions(db: db, kind: kind, format: format, path: path, sha256: sha256, options: options)
                let rows = try db.query("""
                    SELECT id, pid, rows_read, rows_loaded, rows_duplicate, rows_rejected, orders_created, guest_orders, return_orders, options,
                           rows_erased, property_keys_dropped
                    FROM imports WHERE sha256 = ? AND kind = ? AND format = ? AND status = 'running'
                      AND json_remove(options, '$.\(ImportOptions.defaultWindowKey)') = json_remove(?, '$.\(ImportOptions.defaultWindowKey)')
                    ORDER BY id DESC LIMIT 1
                    """, sha256, kind.rawValue, format.rawValue, options)
                if let row = rows.first {
                    let otherPID = row[1].int64 ?? 0
                    if otherPID != pid, otherPID > 0, kill(pid_t(otherPID), 0) == 0 {
                        throw ImportError(file: path, line: nil, reason: "another lifecycle process (pid \(otherPID)) is importing this file right now (import \(row[0]))")
                    }
                    var counts = ImportCounts()
                    counts.read = Int(row[2].int64 ?? 0)
                    counts.loaded = Int(row[3].int64 ?? 0)
                    counts.duplicate = Int(row[4].int64 ?? 0)
                    counts.rejected = Int(row[5].int64 ?? 0)
                    counts.ordersCreated = Int(row[6].int64 ?? 0)
                    counts.guestOrders = Int(row[7].int64 ?? 0)
                    counts.returnOrders = Int(row[8].int64 ?? 0)
                    counts.erased = Int(row[10].int64 ?? 0)
                    counts.propertyKeysDropped = Int(row[11].int64 ?? 0)
                    let id = row[0].int64 ?? 0
                    try db.run("UPDATE imports SET pid = ?, resumed = resumed + 1 WHERE id = ?", pid, id)
                    return ImportLedger(db: db, id: id, alreadyDone: counts.read, startCounts: counts, resumed: true,
                                        options: row[9].string ?? options, path: path, fileName: fileName)
                }
            }
            try db.run("""
                INSERT INTO imports (kind, format, file_name, file_size, sha256, options, status, pid, started_at)
                VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)
                """, kind.rawValue, format.rawValue, fileName, size, sha256, options, pid, now)
            return ImportLedger(db: db, id: db.lastInsertRowID, alreadyDone: 0, startCounts: ImportCounts(), resumed: false,
                                options: options, path: path, fileName: fileName)
        }
    }

    /// Refuses to import a file whose rows an earlier import (not undone) already loaded with other
    /// conversion options: the same records would be read as other instants or currencies.
    private static func refuseOtherOptions(db: Connection, kind: ImportKind, format: ImportFormat, path: String,
                                           sha256: String, options: String) throws {
        let earlier = try db.query("""
            SELECT id, format, options FROM imports
            WHERE sha256 = ? AND kind = ? AND undone_at IS NULL AND rows_loaded > 0 AND (format <> ? OR options <> ?)
            ORDER BY id DESC LIMIT 1
            """, sha256, kind.rawValue, format.rawValue, options).first
        guard let earlier, let id = earlier[0].int64 else { return }
        let differences = OptionDifferences.between(earlierID: id, earlierFormat: earlier[1].string ?? "", earlierOptions: earlier[2].string ?? "{}",
                                                    format: format.rawValue, options: options)
        guard !differences.isEmpty else { return }
        throw ImportError(file: path, line: nil, reason: "this file was already imported by import \(id) with other options ("
                          + differences.joined(separator: "; ") + "): its records would become other rows. "
                          + "Import it with the options of import \(id), or undo that import first (lifecycle imports undo \(id))")
    }

    /// Stores a rejected row; `keepingRaw: false` (a pseudonymised warehouse) stores its raw text
    /// blanked at once, since the source ids in it cannot be found reliably in a broken row.
    func reject(line: Int, reason: String, raw: String, keepingRaw: Bool = true) throws {
        try db.run("INSERT INTO import_rejects (import_id, line, reason, raw, raw_purged_at) VALUES (?, ?, ?, ?, ?)",
                   id, line, reason, keepingRaw ? raw : "", keepingRaw ? nil : Int64(Date().timeIntervalSince1970))
    }

    /// Records the counts; runs inside the batch's transaction so they match what is committed.
    func checkpoint(_ counts: ImportCounts) throws {
        try db.run("""
            UPDATE imports SET rows_read = ?, rows_loaded = ?, rows_duplicate = ?, rows_rejected = ?, rows_erased = ?,
                orders_created = ?, guest_orders = ?, return_orders = ?, property_keys_dropped = ? WHERE id = ?
            """, counts.read, counts.loaded, counts.duplicate, counts.rejected, counts.erased,
            counts.ordersCreated, counts.guestOrders, counts.returnOrders, counts.propertyKeysDropped, id)
    }

    /// Marks the import finished (inside the last batch's transaction).
    func finish(sha256: String?, size: Int64) throws {
        try db.run("""
            UPDATE imports SET status = 'finished', finished_at = ?, sha256 = coalesce(sha256, ?),
                file_size = coalesce(file_size, ?) WHERE id = ?
            """, Int64(Date().timeIntervalSince1970), sha256, size, id)
    }

    /// After an error: rolls back what the failed batch left open and marks the import failed,
    /// trying once more in a fresh transaction (statements of the failed batch released) when the
    /// first attempt fails. When even that cannot write (a disk still full), the row stays
    /// `running` under this process's id, and `status` shows it as interrupted once the process
    /// has ended.
    func recordFailure(_ message: String) {
        for attempt in 0..<2 {
            if db.isInTransaction { try? db.execute("ROLLBACK") }
            if attempt > 0 { db.clearStatementCache() }
            if (try? fail(message)) != nil { return }
        }
    }

    /// Marks the import failed with a message, in its own transaction; the message names the file
    /// as the ledger does.
    func fail(_ message: String) throws {
        let stored = path == fileName ? message : message.replacingOccurrences(of: path, with: fileName)
        try db.transaction(.immediate) {
            try db.run("UPDATE imports SET status = 'failed', finished_at = ?, error = ? WHERE id = ?",
                       Int64(Date().timeIntervalSince1970), stored, id)
        }
    }
}
