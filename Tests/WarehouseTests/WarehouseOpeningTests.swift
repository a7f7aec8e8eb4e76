import Foundation
import Testing
import SQLiteStore
@testable import Warehouse

/// How commands open a warehouse: readers never create or change a file, writers take turns.
@Suite struct WarehouseOpeningTests {
    private func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test("reading a missing path is refused and creates no file")
    func readingMissingPathCreatesNothing() throws {
        let scratch = try Scratch()
        let path = scratch.path("nonexistent.db")
        #expect(throws: WarehouseOpenError.missing(path: path)) { try Warehouse.openForReading(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".lock"))
    }

    @Test("reading an empty file is refused and the file stays empty")
    func readingEmptyFileLeavesItEmpty() throws {
        let scratch = try Scratch()
        let path = try scratch.file("empty.db", "")
        #expect(throws: WarehouseOpenError.notAWarehouse(path: path, reason: "the file is empty")) { try Warehouse.openForReading(path: path) }
        #expect(bytes(path) == Data())
    }

    @Test("reading a file that is not SQLite, or SQLite without schema_migrations, is refused and leaves it unchanged")
    func readingForeignFilesLeavesThemUnchanged() throws {
        let scratch = try Scratch()
        let text = try scratch.file("notes.db", "order_id,amount\n1,2\n")
        #expect(throws: WarehouseOpenError.notAWarehouse(path: text, reason: "not an SQLite database")) { try Warehouse.openForReading(path: text) }
        #expect(bytes(text) == Data("order_id,amount\n1,2\n".utf8))
        let other = scratch.path("other.db")
        do {
            let db = try Connection(path: other)
            try db.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        }
        let before = bytes(other)
        #expect(throws: WarehouseOpenError.notAWarehouse(path: other, reason: "an SQLite database without schema_migrations")) {
            try Warehouse.openForReading(path: other)
        }
        #expect(bytes(other) == before)
    }

    @Test("reading a warehouse at an older schema is refused with how to migrate, and does not migrate it")
    func readingOlderSchemaDoesNotMigrate() throws {
        let scratch = try Scratch()
        let path = scratch.path("old.db")
        let all = try SQLCatalog.migrator()
        do {
            let db = try Connection(path: path)
            try Migrator(migrations: Array(all.migrations.dropLast())).migrate(db)
        }
        #expect(throws: WarehouseOpenError.outdated(path: path, version: all.latestVersion - 1, knownVersion: all.latestVersion)) {
            try Warehouse.openForReading(path: path)
        }
        #expect("\(WarehouseOpenError.outdated(path: path, version: 1, knownVersion: 2))".contains("lifecycle migrate --db \(path)"))
        let db = try Connection(path: path, mode: .readOnly)
        #expect(try db.scalar("SELECT max(version) FROM schema_migrations").int64 == Int64(all.latestVersion - 1))
    }

    @Test("a warehouse opened for reading reads without changing the file")
    func readingOpensReadOnly() throws {
        let scratch = try Scratch()
        let path = scratch.path("shop.db")
        _ = try Warehouse.openForWriting(path: path, command: "lifecycle migrate")
        let reader = try Warehouse.openForReading(path: path)
        #expect(try reader.status().schemaVersion == (try SQLCatalog.migrator().latestVersion))
        #expect(throws: SQLiteError.self) { try reader.db.execute("CREATE TABLE scratch (x)") }
    }

    @Test("a reader neither waits for the writer lock nor for a write transaction: it reads the last commit")
    func readersDoNotWait() throws {
        let scratch = try Scratch()
        let path = scratch.path("shop.db")
        let writer = try Warehouse.openForWriting(path: path, command: "lifecycle import orders big.csv")
        try writer.db.execute("BEGIN IMMEDIATE")
        try writer.db.run("INSERT INTO imports (kind, format, file_name, status, started_at) VALUES ('users', 'csv', 'u.csv', 'running', 0)")
        let reader = try Warehouse.openForReading(path: path)
        #expect(try reader.status().tableCounts.first { $0.table == "imports" }?.rows == 0)
        try writer.db.execute("COMMIT")
        #expect(try reader.status().tableCounts.first { $0.table == "imports" }?.rows == 1)
    }

    /// What a waiting writer was told, handed between threads.
    private final class Waiting: @unchecked Sendable {
        let lock = NSLock()
        var holder: WriterLock.Holder?
        var called = 0
        var second: WriterLock?
    }

    @Test("a second writer waits for the first, is told who holds the lock, and gets it when the first lets go")
    func writersTakeTurns() throws {
        let scratch = try Scratch()
        let path = scratch.path("shop.db")
        var first: WriterLock? = try WriterLock(database: path, command: "lifecycle import orders big.csv") { _ in
            Issue.record("the first writer found the lock held")
        }
        let waiting = Waiting()
        let told = DispatchSemaphore(value: 0), acquired = DispatchSemaphore(value: 0)
        Thread {
            let lock = try? WriterLock(database: path, command: "lifecycle train churn") { holder in
                waiting.lock.withLock { waiting.holder = holder; waiting.called += 1 }
                told.signal()
            }
            waiting.lock.withLock { waiting.second = lock }
            acquired.signal()
        }.start()
        told.wait()
        let holder = waiting.lock.withLock { waiting.holder }
        #expect(holder == WriterLock.Holder(pid: getpid(), startedAt: holder?.startedAt ?? -1, command: "lifecycle import orders big.csv"))
        #expect(first != nil)
        first = nil  // closing the descriptor releases the lock, as the kernel does when a process dies
        acquired.wait()
        #expect(waiting.lock.withLock { waiting.second != nil && waiting.called == 1 })
        let lockText = try String(contentsOfFile: path + ".lock", encoding: .utf8)
        #expect(lockText.contains("command lifecycle train churn\n"))
    }
}
