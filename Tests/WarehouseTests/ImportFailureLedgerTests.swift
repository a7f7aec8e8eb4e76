import Foundation
import Testing
import SQLiteStore
@testable import Warehouse

/// An import that fails leaves its `imports` row saying so: `failed` with the error when the
/// database can still be written, and `interrupted` in the status when its process died.
@Suite struct ImportFailureLedgerTests {
    /// `count` order lines, one order each, of `customers` customers.
    static func ordersCSV(lines count: Int, prefix: String) -> String {
        var text = "order_id,ordered_at,customer_id,product_id,product_name,quantity,unit_price,currency\n"
        for index in 0..<count {
            text += "\(prefix)\(index),2024-01-\(String(format: "%02d", index % 28 + 1))T10:00:00Z,C\(index % 500),P\(index % 300),Product number \(index % 300),\(index % 7 + 1),\(index % 90 + 1).25,EUR\n"
        }
        return text
    }

    @Test("an import stopped by a full database (SQLITE_FULL) is marked failed with the error, not left running")
    func fullDatabaseMarksTheImportFailed() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let first = try scratch.file("first.csv", Self.ordersCSV(lines: 50, prefix: "A"))
        _ = try warehouse.importFile(first, options: orderOptions(.csv, zone: nil, batchSize: 1_000))
        let pages = try warehouse.db.scalar("PRAGMA page_count").int64 ?? 0
        try warehouse.db.execute("PRAGMA max_page_count = \(pages + 8)")
        let second = try scratch.file("second.csv", Self.ordersCSV(lines: 20_000, prefix: "B"))
        #expect(throws: (any Error).self) {
            try warehouse.importFile(second, options: orderOptions(.csv, zone: nil, batchSize: 1_000))
        }
        let row = try warehouse.db.query("SELECT status, error FROM imports WHERE file_name = 'second.csv'")
        #expect(row.count == 1)
        #expect(row.first?[0].string == "failed")
        #expect(row.first?[1].string?.contains("full") == true)
        // Again while the database is still full: that run fails too, and no row is left running.
        #expect(throws: (any Error).self) {
            try warehouse.importFile(second, options: orderOptions(.csv, zone: nil, batchSize: 1_000))
        }
        #expect(try warehouse.count("SELECT count(*) FROM imports WHERE status = 'running'") == 0)
        #expect(try warehouse.count("SELECT count(*) FROM imports WHERE status = 'failed' AND error LIKE '%full%'") == 2)
    }

    @Test("status shows a running import whose process is gone as interrupted")
    func deadProcessImportIsInterrupted() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let file = try scratch.file("orders.csv", Self.ordersCSV(lines: 10, prefix: "A"))
        _ = try warehouse.importFile(file, options: orderOptions(.csv, zone: nil))
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        try warehouse.db.run("UPDATE imports SET status = 'running', finished_at = NULL, pid = ?", Int64(finished.processIdentifier))
        #expect(try warehouse.status().recentImports.map(\.status) == ["interrupted"])
        try warehouse.db.run("UPDATE imports SET pid = ?", Int64(getpid()))
        #expect(try warehouse.status().recentImports.map(\.status) == ["running"])
    }
}
