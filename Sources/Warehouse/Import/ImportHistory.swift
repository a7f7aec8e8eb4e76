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
        try db.query("""
            SELECT id, kind, format, file_name, CASE WHEN undone_at IS NOT NULL THEN 'undone' ELSE status END,
                   rows_read, rows_loaded, rows_duplicate, rows_rejected, orders_created, started_at, finished_at, undone_at, options,
                   rows_erased
            FROM imports ORDER BY id
            """).map {
            ImportRecord(id: $0[0].int64 ?? 0, kind: $0[1].string ?? "", format: $0[2].string ?? "", file: $0[3].string ?? "",
                         status: $0[4].string ?? "", read: Int($0[5].int64 ?? 0), loaded: Int($0[6].int64 ?? 0),
                         duplicate: Int($0[7].int64 ?? 0), rejected: Int($0[8].int64 ?? 0), erased: Int($0[14].int64 ?? 0), ordersCreated: Int($0[9].int64 ?? 0),
                         startedAt: $0[10].int64 ?? 0, finishedAt: $0[11].int64, undoneAt: $0[12].int64, options: $0[13].string ?? "{}")
        }
    }
}

extension ImportRecord {
    /// The ledger as a table: instants in ISO 8601 UTC, counts as numbers, options as stored.
    public static func table(_ records: [ImportRecord]) -> Table {
        let iso = ISO8601DateFormatter()
        func time(_ seconds: Int64?) -> String {
            seconds.map { iso.string(from: Date(timeIntervalSince1970: TimeInterval($0))) } ?? ""
        }
        return Table(
            columns: ["id", "kind", "format", "file", "status", "read", "loaded", "duplicates", "rejected", "erased",
                      "orders_created", "started_at", "finished_at", "undone_at", "options"],
            rows: records.map {
                [String($0.id), $0.kind, $0.format, $0.file, $0.status, String($0.read), String($0.loaded), String($0.duplicate),
                 String($0.rejected), String($0.erased), String($0.ordersCreated), time($0.startedAt), time($0.finishedAt), time($0.undoneAt), $0.options]
            },
            numericColumns: [0, 5, 6, 7, 8, 9, 10])
    }
}
