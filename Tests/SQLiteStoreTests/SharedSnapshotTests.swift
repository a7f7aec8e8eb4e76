import Foundation
import Testing
@testable import SQLiteStore

@Suite struct SharedSnapshotTests {
    private func database(rows: Int) throws -> (TemporaryDatabase, Connection) {
        let file = try TemporaryDatabase()
        let db = try file.open()
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
        try db.transaction { for id in 1...rows { try db.run("INSERT INTO t (id, v) VALUES (?, ?)", id, id * 10) } }
        return (file, db)
    }

    @Test("the readers keep the state they started on while a writer commits, and all see the same one")
    func readersShareOneState() throws {
        let (file, writer) = try database(rows: 100)
        let snapshot = try #require(SharedSnapshot(path: file.path, count: 2))
        try writer.run("INSERT INTO t (id, v) VALUES (?, ?)", 101, 1_010)
        try writer.run("DELETE FROM t WHERE id <= 10")
        #expect(try writer.scalar("SELECT count(*) FROM t").int64 == 91)
        let counts = try snapshot.map(parts: 2) { _, reader in try reader.scalar("SELECT count(*) FROM t").int64 }
        #expect(counts == [100, 100])
    }

    @Test("no snapshot while another connection holds the write lock, nor for a file that cannot be written")
    func refusedWhenTheWriteLockIsHeld() throws {
        let (file, writer) = try database(rows: 3)
        try writer.execute("BEGIN IMMEDIATE")
        #expect(SharedSnapshot(path: file.path, count: 2) == nil)
        try writer.execute("COMMIT")
        #expect(SharedSnapshot(path: file.path, count: 2) != nil)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: file.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path) }
        if getuid() != 0 { #expect(SharedSnapshot(path: file.path, count: 2) == nil) }  // root writes any file
        #expect(SharedSnapshot(path: ":memory:", count: 2) == nil)
    }

    @Test("map hands the parts to the readers on their own threads, returns the results in part order, and rethrows an error")
    func mapRunsInParallelInOrder() throws {
        let (file, _) = try database(rows: 1_000)
        let snapshot = try #require(SharedSnapshot(path: file.path, count: 2))
        let tenths = try snapshot.map(parts: 10) { part, reader in
            try reader.scalar("SELECT sum(v) FROM t WHERE id > ? AND id <= ?", part * 100, part * 100 + 100).int64 ?? 0
        }
        // Part p sums v = 10·id over ids 100p+1 ... 100p+100: 10·(100·100p + 5050).
        let expected: [Int64] = (0..<10).map { (part: Int) -> Int64 in Int64(10 * (10_000 * part + 5_050)) }
        #expect(tenths == expected)
        // The first two parts wait for each other: taken one after the other, the first would time out.
        let started = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let met = try snapshot.map(parts: 2) { part, _ in
            started[part].signal()
            return started[1 - part].wait(timeout: .now() + 10) == .success
        }
        #expect(met == [true, true])
        #expect(throws: SQLiteError.self) {
            _ = try snapshot.map(parts: 4) { part, reader in try reader.scalar(part == 1 ? "SELEKT 1" : "SELECT 1") }
        }
    }
}
