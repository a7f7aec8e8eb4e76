import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// Kills a child `lifecycle import` with SIGKILL at several points of one file, resuming it in
/// between, and shows that the database is never inconsistent and that the finished counts
/// equal those of an uninterrupted run.
@Suite struct CrashSafetyTests {
    /// An Online Retail style dump: 3,000 invoices × 10 lines, exact duplicate lines, guests,
    /// returns, and a bad row every 997 rows.
    static func dump() -> String {
        var text = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        var row = 0
        for invoice in 0..<3_000 {
            let ref = invoice % 17 == 0 ? "C\(600_000 + invoice)" : "\(600_000 + invoice)"
            let customer = invoice % 9 == 0 ? "" : String(12_000 + invoice % 700)
            let day = 1 + invoice % 28
            for line in 0..<10 {
                row += 1
                let quantity = row % 997 == 0 ? "x" : String((ref.hasPrefix("C") ? -1 : 1) * (1 + line % 4))
                let code = line == 9 ? "2\(invoice % 50)00" : "2\((invoice + line) % 400)00"  // line 9 repeats sometimes
                text += "\(ref),\(code),ITEM \(code),\(quantity),2011-03-\(String(format: "%02d", day)) 10:\(String(format: "%02d", line)):00,\(line).25,\(customer),United Kingdom\n"
            }
        }
        return text
    }

    struct Snapshot: Equatable {
        let counts: [Int64]
        let tables: [Int64]
    }

    static func snapshot(_ db: Connection, importID: Int64) throws -> Snapshot {
        let counts = try db.query("""
            SELECT rows_read, rows_loaded, rows_duplicate, rows_rejected, orders_created, guest_orders, return_orders
            FROM imports WHERE id = ?
            """, importID)[0].values.compactMap(\.int64)
        let tables = try db.query("""
            SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM order_lines), (SELECT count(*) FROM users),
                   (SELECT count(*) FROM products), (SELECT count(*) FROM import_rejects),
                   (SELECT sum(amount_micros) FROM orders), (SELECT sum(line_count) FROM orders),
                   (SELECT count(*) FROM customer_totals), (SELECT sum(net_micros) FROM customer_totals),
                   (SELECT sum(purchase_orders * 1000 + return_orders) FROM customer_totals),
                   (SELECT sum(last_purchase_at - first_purchase_at) FROM customer_totals),
                   (SELECT through_order_id = (SELECT max(id) FROM orders) FROM customer_totals_state),
                   (SELECT count(*) FROM order_currencies), (SELECT sum(orders) FROM order_currencies)
            """)[0].values.compactMap(\.int64)
        return Snapshot(counts: counts, tables: tables)
    }

    /// Sends `child` SIGKILL once its import has read `threshold` rows, and returns whether
    /// SIGKILL is what ended it. The child is kept stopped (SIGSTOP) and runs only while the test
    /// reads its progress, so between a check and the kill it can advance by one read's worth of
    /// rows at most, however loaded the machine: the kill lands at an arbitrary point past the
    /// threshold, not after the import finished. Until the import's row exists it runs freely.
    /// (It runs during the read, not while stopped, because a reader of a writer stopped inside
    /// a WAL-index update spins for seconds.)
    static func killImport(_ child: Process, whenImport importID: Int64, hasRead threshold: Int64, database: String) -> Bool {
        let pid = child.processIdentifier
        while child.isRunning {
            kill(pid, SIGCONT)
            var read: Int64?
            if let db = try? Connection(path: database, mode: .readOnly),
               let rows = try? db.query("SELECT rows_read FROM imports WHERE id = ?", importID) {
                read = rows.first?[0].int64
            }
            guard let read else {  // still creating the database: nothing to race yet
                usleep(1_000)
                continue
            }
            kill(pid, SIGSTOP)
            if read >= threshold {
                kill(pid, SIGKILL)
                break
            }
            usleep(1_000)
        }
        child.waitUntilExit()
        return child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL
    }

    @Test func killedImportsLeaveAConsistentDatabaseAndResumeToTheSameCounts() throws {
        let work = try WorkDirectory()
        let file = work.path("dump.csv")
        try Self.dump().write(toFile: file, atomically: true, encoding: .utf8)
        let arguments = ["import", "orders", file, "--format", "online-retail", "--timezone", "Europe/London",
                         "--db", work.path("crash.db"), "--batch-size", "1000"]

        // The reference: one uninterrupted run.
        let reference = try Binary.run(["import", "orders", file, "--format", "online-retail", "--timezone", "Europe/London",
                                        "--db", work.path("reference.db"), "--batch-size", "1000"], directory: work.url)
        #expect(reference.status == 0, "\(reference.stderr)")
        let expected = try Self.snapshot(try Connection(path: work.path("reference.db"), mode: .readOnly), importID: 1)
        #expect(expected.counts[0] == 30_000)
        #expect(expected.counts[3] == 30)

        // Kill points: before the first commit, then after 1, 7, 15 and 22 committed batches.
        var killsThatLanded = 0
        var lastKillLanded = false
        for threshold: Int64 in [0, 1_000, 7_000, 15_000, 22_000] {
            let child = try Binary.start(arguments, directory: work.url)
            lastKillLanded = Self.killImport(child, whenImport: 1, hasRead: threshold, database: work.path("crash.db"))
            if lastKillLanded { killsThatLanded += 1 }

            let db = try Connection(path: work.path("crash.db"))
            #expect(try db.scalar("PRAGMA integrity_check").string == "ok")
            let row = try db.query("SELECT status, rows_read, rows_loaded, rows_duplicate, rows_rejected FROM imports WHERE id = 1")
            guard let ledger = row.first else { continue }  // killed before the import row was committed
            let loaded = ledger[2].int64 ?? -1
            // No half-applied batch: every counted line is there, and nothing more.
            #expect(try db.scalar("SELECT count(*) FROM order_lines WHERE import_id = 1").int64 == loaded)
            #expect(try db.scalar("SELECT count(*) FROM import_rejects WHERE import_id = 1").int64 == ledger[4].int64)
            #expect(try db.scalar("SELECT sum(line_count) FROM orders").int64 ?? 0 == loaded)
            if ledger[0].string == "finished" { #expect(ledger[1].int64 == 30_000) }
            // The customer totals never claim orders they do not count: at most up to the orders.
            #expect(try db.scalar("SELECT coalesce(max(through_order_id), 0) <= (SELECT coalesce(max(id), 0) FROM orders) FROM customer_totals_state").int64 == 1)
            #expect((ledger[1].int64 ?? 0) % 1_000 == 0, "a kill leaves whole batches only")
        }
        #expect(killsThatLanded >= 3, "the import finished before most kill points; make the input larger")
        #expect(lastKillLanded, "the last run finished before its kill point, so there is nothing to resume")

        // The same command, run again, finishes the import with the uninterrupted counts.
        let finish = try Binary.run(arguments, directory: work.url)
        #expect(finish.status == 0, "\(finish.stderr)")
        let db = try Connection(path: work.path("crash.db"))
        #expect(try db.scalar("SELECT status FROM imports WHERE id = 1").string == "finished")
        #expect(try db.scalar("SELECT count(*) FROM imports").int64 == 1)
        #expect(try Self.snapshot(db, importID: 1) == expected)
        #expect(try db.scalar("PRAGMA integrity_check").string == "ok")
        // The first run dropped orders_by_user to build it after its rows (DeferredIndexes);
        // after the kills and the resume it is there, as the uninterrupted run left it.
        let indexes = "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' ORDER BY name"
        #expect(try db.query(indexes).map { $0[0].string } == Connection(path: work.path("reference.db"), mode: .readOnly).query(indexes).map { $0[0].string })
    }

    /// A killed re-import over orders that already exist resumes with the occurrence numbers of
    /// those orders replayed: the file holds the first dump twice, so its second half adds a
    /// second copy of every line, and only exact occurrence counting gives the reference counts.
    @Test func resumingOverExistingOrdersReplaysOccurrences() throws {
        let work = try WorkDirectory()
        let body = Self.dump().split(separator: "\n", maxSplits: 1)[1]
        let first = work.path("first.csv"), second = work.path("second.csv")
        try Self.dump().write(toFile: first, atomically: true, encoding: .utf8)
        try (Self.dump() + body).write(toFile: second, atomically: true, encoding: .utf8)
        func arguments(_ file: String, _ db: String) -> [String] {
            ["import", "orders", file, "--format", "online-retail", "--timezone", "Europe/London", "--db", db, "--batch-size", "1000"]
        }
        for db in ["reference.db", "crash.db"] {
            #expect(try Binary.run(arguments(first, db), directory: work.url).status == 0)
        }
        #expect(try Binary.run(arguments(second, "reference.db"), directory: work.url).status == 0)
        let expected = try Self.snapshot(try Connection(path: work.path("reference.db"), mode: .readOnly), importID: 2)
        #expect(expected.counts[1] == 29_970)   // the second copy of every good row is new
        #expect(expected.counts[2] == 29_970)   // the first copy matches the stored lines

        for threshold in [7_000, 35_000] {
            let child = try Binary.start(arguments(second, "crash.db"), directory: work.url)
            #expect(Self.killImport(child, whenImport: 2, hasRead: Int64(threshold), database: work.path("crash.db")),
                    "the import finished before its kill point; make the input larger")
        }
        #expect(try Binary.run(arguments(second, "crash.db"), directory: work.url).status == 0)
        let db = try Connection(path: work.path("crash.db"))
        #expect(try db.scalar("SELECT resumed FROM imports WHERE id = 2").int64 ?? 0 >= 1)
        #expect(try Self.snapshot(db, importID: 2) == expected)
    }
}
