import Foundation
import PostgresStore

/// The `imports` and `import_rejects` bookkeeping of one import run on PostgreSQL: the same rows,
/// counts and rules as SQLite's `ImportLedger` (resume a killed run of the same file with the
/// same options, refuse the same file with other conversion options, counts written with each
/// batch), with the rejects of a batch sent in one COPY.
struct PostgresImportLedger {
    let db: PGConnection
    let id: Int64
    /// Rows an interrupted earlier run of this same import already committed.
    let alreadyDone: Int
    /// Counts as committed so far (those of the interrupted run when resuming).
    let startCounts: ImportCounts
    /// The options as stored with the import (those of the killed run when resuming).
    let options: String
    /// The file as given, and as the ledger stores it (`ImportFileName`).
    let path: String, fileName: String

    /// The advisory lock every PostgreSQL import holds for its whole run, so imports into one
    /// database take turns as SQLite's writers take turns on the file's lock: "lc-import" in a bigint.
    static let lockKey: Int64 = 0x6C63_2D69_6D70_6F72

    /// Starts a new import row, or takes over the `running` row a killed run of the same file
    /// (same SHA-256, kind, format and options but the resolved standard window) left behind.
    /// Call with the import lock held: then no other process is running that import.
    static func begin(db: PGConnection, kind: ImportKind, format: ImportFormat, path: String, size: Int64?, sha256: String?,
                      options: String) throws -> PostgresImportLedger {
        let fileName = ImportFileName.stored(path, pseudonymised: false)
        let now = Int64(Date().timeIntervalSince1970)
        let pid = Int64(getpid())
        return try db.transaction {
            if let sha256 {
                try refuseOtherOptions(db: db, kind: kind, format: format, path: path, sha256: sha256, options: options)
                let window = ImportOptions.defaultWindowKey
                if let row = try db.query("""
                    SELECT id, rows_read, rows_loaded, rows_duplicate, rows_rejected, orders_created, guest_orders, return_orders,
                           options, rows_erased, property_keys_dropped
                    FROM imports WHERE sha256 = $1 AND kind = $2 AND format = $3 AND status = 'running'
                      AND (options::jsonb - '\(window)') = ($4::jsonb - '\(window)')
                    ORDER BY id DESC LIMIT 1
                    """, [.text(sha256), .text(kind.rawValue), .text(format.rawValue), .text(options)]).first {
                    var counts = ImportCounts()
                    counts.read = Int(row["rows_read"].int64 ?? 0)
                    counts.loaded = Int(row["rows_loaded"].int64 ?? 0)
                    counts.duplicate = Int(row["rows_duplicate"].int64 ?? 0)
                    counts.rejected = Int(row["rows_rejected"].int64 ?? 0)
                    counts.ordersCreated = Int(row["orders_created"].int64 ?? 0)
                    counts.guestOrders = Int(row["guest_orders"].int64 ?? 0)
                    counts.returnOrders = Int(row["return_orders"].int64 ?? 0)
                    counts.erased = Int(row["rows_erased"].int64 ?? 0)
                    counts.propertyKeysDropped = Int(row["property_keys_dropped"].int64 ?? 0)
                    let id = row["id"].int64 ?? 0
                    try db.query("UPDATE imports SET pid = $1, resumed = resumed + 1 WHERE id = $2", [.integer(pid), .integer(id)])
                    return PostgresImportLedger(db: db, id: id, alreadyDone: counts.read, startCounts: counts,
                                                options: row["options"].string ?? options, path: path, fileName: fileName)
                }
            }
            let id = try db.scalar("""
                INSERT INTO imports (kind, format, file_name, file_size, sha256, options, status, pid, started_at)
                VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8) RETURNING id
                """, [.text(kind.rawValue), .text(format.rawValue), .text(fileName), size.map(PGValue.integer) ?? .null,
                      sha256.map(PGValue.text) ?? .null, .text(options), .integer(pid), .integer(now)]).int64 ?? 0
            return PostgresImportLedger(db: db, id: id, alreadyDone: 0, startCounts: ImportCounts(), options: options,
                                        path: path, fileName: fileName)
        }
    }

    /// SQLite's refusal (`ImportLedger`): a file an earlier import (not undone) loaded with other
    /// conversion options would become other rows.
    private static func refuseOtherOptions(db: PGConnection, kind: ImportKind, format: ImportFormat, path: String,
                                           sha256: String, options: String) throws {
        guard let earlier = try db.query("""
            SELECT id, format, options FROM imports
            WHERE sha256 = $1 AND kind = $2 AND undone_at IS NULL AND rows_loaded > 0 AND (format <> $3 OR options <> $4)
            ORDER BY id DESC LIMIT 1
            """, [.text(sha256), .text(kind.rawValue), .text(format.rawValue), .text(options)]).first,
            let id = earlier["id"].int64 else { return }
        let differences = OptionDifferences.between(earlierID: id, earlierFormat: earlier["format"].string ?? "",
                                                    earlierOptions: earlier["options"].string ?? "{}",
                                                    format: format.rawValue, options: options)
        guard !differences.isEmpty else { return }
        throw ImportError(file: path, line: nil, reason: "this file was already imported by import \(id) with other options ("
                          + differences.joined(separator: "; ") + "): its records would become other rows. "
                          + "Import it with the options of import \(id), or undo that import first")
    }

    /// Stores rejected rows (line, reason, raw text) in one COPY, inside the batch's transaction.
    func reject(_ rows: [(line: Int, reason: String, raw: String)]) throws {
        guard !rows.isEmpty else { return }
        var copy = PGCopyText()
        for row in rows {
            copy.integer(id)
            copy.integer(Int64(row.line))
            copy.text(row.reason)
            copy.text(row.raw)
            copy.endRow()
        }
        try db.copy(into: "import_rejects", columns: ["import_id", "line", "reason", "raw"], copy)
    }

    /// Records the counts; runs inside the batch's transaction so they match what is committed.
    func checkpoint(_ counts: ImportCounts) throws {
        try db.query("""
            UPDATE imports SET rows_read = $1, rows_loaded = $2, rows_duplicate = $3, rows_rejected = $4, rows_erased = $5,
                orders_created = $6, guest_orders = $7, return_orders = $8, property_keys_dropped = $9 WHERE id = $10
            """, [counts.read, counts.loaded, counts.duplicate, counts.rejected, counts.erased, counts.ordersCreated,
                  counts.guestOrders, counts.returnOrders, counts.propertyKeysDropped].map { .integer(Int64($0)) } + [.integer(id)])
    }

    /// Marks the import finished (inside the last batch's transaction).
    func finish(sha256: String?, size: Int64) throws {
        try db.query("""
            UPDATE imports SET status = 'finished', finished_at = $1, sha256 = coalesce(sha256, $2), file_size = coalesce(file_size, $3)
            WHERE id = $4
            """, [.integer(Int64(Date().timeIntervalSince1970)), sha256.map(PGValue.text) ?? .null, .integer(size), .integer(id)])
    }

    /// After an error: rolls back the open batch and marks the import failed (in its own
    /// transaction). When the server cannot be reached the row stays `running`, and the same
    /// command resumes it.
    func recordFailure(_ message: String) {
        _ = try? db.query("ROLLBACK")
        try? fail(message)
    }

    /// After losing a worker or the connection: rolls back the open batch and leaves the import
    /// `running` (status shows it `interrupted` once this process has ended), so running the same
    /// command again resumes it after its committed batches, as after a kill. Marking it failed
    /// would make the re-run a new import that counts the committed rows as duplicates.
    func recordInterruption() {
        _ = try? db.query("ROLLBACK")
    }

    /// Marks the import failed with a message naming the file as the ledger does.
    func fail(_ message: String) throws {
        let stored = path == fileName ? message : message.replacingOccurrences(of: path, with: fileName)
        try db.query("UPDATE imports SET status = 'failed', finished_at = $1, error = $2 WHERE id = $3",
                     [.integer(Int64(Date().timeIntervalSince1970)), .text(stored), .integer(id)])
    }
}
