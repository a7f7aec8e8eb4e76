import Foundation
import SQLiteStore

/// One row of the import ledger, as `lifecycle imports list` shows it.
public struct ImportRecord: Sendable, Equatable {
    public let id: Int64
    public let kind: String
    public let format: String
    public let file: String
    /// running, finished or failed; `undone` once `lifecycle imports undo` removed its rows.
    public let status: String
    public let read: Int, loaded: Int, duplicate: Int, rejected: Int
    /// Rows skipped because their customer was erased (migration 0014).
    public let erased: Int
    public let ordersCreated: Int
    /// Unix seconds UTC.
    public let startedAt: Int64
    public let finishedAt: Int64?
    public let undoneAt: Int64?
    /// The conversion options as stored (canonical JSON: timezone, currency, encoding, ...).
    public let options: String
}

extension Warehouse {
    /// Every import, oldest first.
    public func listImports() throws -> [ImportRecord] {
        try db.query(ImportRecord.listQuery).map(ImportRecord.init(row:))
    }
}

extension ImportRecord {
    /// The ledger, oldest first, in the same words on both engines.
    static let listQuery = """
        SELECT id, kind, format, file_name, CASE WHEN undone_at IS NOT NULL THEN 'undone' ELSE status END AS status,
               rows_read, rows_loaded, rows_duplicate, rows_rejected, rows_erased, orders_created, started_at, finished_at, undone_at, options
        FROM imports ORDER BY id
        """

    /// One row of `listQuery`.
    init(row: some QueryRow) {
        self.init(id: row.int("id"), kind: row.text("kind"), format: row.text("format"), file: row.text("file_name"), status: row.text("status"),
                  read: Int(row.int("rows_read")), loaded: Int(row.int("rows_loaded")), duplicate: Int(row.int("rows_duplicate")),
                  rejected: Int(row.int("rows_rejected")), erased: Int(row.int("rows_erased")), ordersCreated: Int(row.int("orders_created")),
                  startedAt: row.int("started_at"), finishedAt: row.optionalInt("finished_at"), undoneAt: row.optionalInt("undone_at"),
                  options: row.optionalText("options") ?? "{}")
    }
}

extension ImportRecord {
    /// Options as compact JSON text in stored order (older rows were written with `\/` escapes,
    /// which mean the same; text that is not JSON is shown as stored).
    static func canonical(_ options: String) -> String {
        (try? JSONValue.parse(options).jsonText()) ?? options
    }

    /// The ledger as a table: instants in ISO 8601 UTC, counts as numbers, options as JSON text.
    public static func table(_ records: [ImportRecord]) -> Table {
        Table(
            columns: ["id", "kind", "format", "file", "status", "read", "loaded", "duplicates", "rejected", "erased", "orders_created",
                      "started_at", "finished_at", "undone_at", "options"],
            rows: records.map {
                [.integer($0.id), .text($0.kind), .text($0.format), .text($0.file), .text($0.status), .count($0.read), .count($0.loaded),
                 .count($0.duplicate), .count($0.rejected), .count($0.erased), .count($0.ordersCreated), .instant($0.startedAt), .instantOrNull($0.finishedAt),
                 .instantOrNull($0.undoneAt), .text(Self.canonical($0.options))]
            })
    }
}
