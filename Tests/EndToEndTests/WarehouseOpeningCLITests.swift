import Foundation
import SQLiteStore
import Testing
import Warehouse

/// Read commands never create or change a warehouse and work wherever SQLite can read the file;
/// a writer that has to wait says what for on a terminal.
@Suite struct WarehouseOpeningCLITests {
    static let orders = """
        order_id,ordered_at,customer_id,product_id,quantity,unit_price,currency
        A1,2024-01-05T10:00:00Z,C1,P1,2,10.00,EUR
        A2,2024-02-05T10:00:00Z,C2,P2,1,25.50,EUR
        A3,2024-03-05T10:00:00Z,C1,P2,1,25.50,EUR

        """

    @Test("rfm and status on a mistyped --db refuse, say how to create a warehouse, and create nothing")
    func readCommandsRefuseMissingPath() throws {
        let work = try WorkDirectory()
        for command in [["rfm"], ["status"], ["models", "list"], ["models", "promote", "churn", "1"]] {
            let result = try Binary.run(command + ["--db", "nonexistent.db"], directory: work.url)
            #expect(result.status != 0)
            #expect(result.stderr.contains("no warehouse at nonexistent.db"), "\(command): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: work.path("nonexistent.db")), "\(command) created the file")
        }
        let rfm = try Binary.run(["rfm", "--db", "nonexistent.db"], directory: work.url)
        #expect(rfm.stderr.contains("lifecycle migrate --db nonexistent.db") && rfm.stderr.contains("lifecycle import orders"))
    }

    @Test("status on a 0-byte file refuses and leaves it 0 bytes")
    func statusRefusesEmptyFile() throws {
        let work = try WorkDirectory()
        FileManager.default.createFile(atPath: work.path("empty.db"), contents: Data())
        let result = try Binary.run(["status", "--db", "empty.db"], directory: work.url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("empty.db is not a lifecycle warehouse (the file is empty)"))
        #expect(FileManager.default.contents(atPath: work.path("empty.db")) == Data())
    }

    /// Makes `directory` refuse new files in a way this user cannot override: `chattr +i` for
    /// root (who ignores permission bits), mode 0555 for anyone else. Returns how to undo it,
    /// or nil when neither is possible here.
    private func makeUnwritable(_ directory: String) throws -> (() -> Void)? {
        if getuid() != 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory)
            return { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory) }
        }
        func chattr(_ flag: String) -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            process.arguments = [flag, directory]
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return -1 }
            process.waitUntilExit()
            return process.terminationStatus
        }
        guard chattr("+i") == 0 else { return nil }
        return { _ = chattr("-i") }
    }

    @Test("rfm and status answer from a warehouse in a directory where no file can be created (no -shm possible)")
    func readCommandsWorkInReadOnlyDirectory() throws {
        let work = try WorkDirectory()
        let shelf = work.path("shelf")
        try FileManager.default.createDirectory(atPath: shelf, withIntermediateDirectories: true)
        try Self.orders.write(toFile: work.path("orders.csv"), atomically: true, encoding: .utf8)
        let imported = try Binary.run(["import", "orders", "orders.csv", "--format", "csv", "--db", "shop.db"], directory: work.url)
        #expect(imported.status == 0, "\(imported.stderr)")
        // The shelf holds what a copy of a closed warehouse holds: the file alone, its log copied
        // in. (SQLite deletes -wal and -shm when the last connection closes, but under load a
        // finished import has left both, the log not yet copied, about once in some hundred runs
        // here; SQLite reads such a log on the next open, so nothing is lost, but the shelf
        // must not start with a -shm this test then blames on the readers.)
        try Connection(path: work.path("shop.db"), mode: .readWrite).execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try FileManager.default.copyItem(atPath: work.path("shop.db"), toPath: shelf + "/shop.db")
        guard let undo = try makeUnwritable(shelf) else {
            print("skipped: cannot make \(shelf) unwritable here (chattr +i refused)")
            return
        }
        defer {
            undo()
            try? FileManager.default.removeItem(at: work.url)
        }
        #expect(!FileManager.default.createFile(atPath: shelf + "/probe", contents: Data()), "the directory must refuse new files")
        let status = try Binary.run(["status", "--db", "shelf/shop.db", "--format", "json"], directory: work.url)
        #expect(status.status == 0, "\(status.stderr)")
        let rows = try JSONValue.parse(status.stdout)["rows"]
        #expect(rows.map { row in
            if case .array(let rows) = row { return rows.contains { $0["section"] == "tables" && $0["name"] == "orders" && $0["value"] == 3 } }
            return false
        } == true, "\(status.stdout)")
        let rfm = try Binary.run(["rfm", "--db", "shelf/shop.db", "--users", "--format", "csv"], directory: work.url)
        #expect(rfm.status == 0, "\(rfm.stderr)")
        #expect(rfm.stdout.contains("C1") && rfm.stdout.contains("C2"))
        #expect(!FileManager.default.fileExists(atPath: shelf + "/shop.db-shm"))
    }

    /// Everything a child wrote, collected on another thread, with a signal when a text appears.
    private final class Transcript: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        let appeared = DispatchSemaphore(value: 0), ended = DispatchSemaphore(value: 0)

        func collect(_ handle: FileHandle, signalling awaited: String) {
            Thread { [self] in
                var signalled = false
                while case let chunk = handle.availableData, !chunk.isEmpty {
                    let seen = lock.withLock { text += String(decoding: chunk, as: UTF8.self); return text }
                    if !signalled && seen.contains(awaited) { signalled = true; appeared.signal() }
                }
                if !signalled { appeared.signal() }
                ended.signal()
            }.start()
        }

        var contents: String { lock.withLock { text } }
    }

    @Test("a writer that has to wait says on a terminal which command it waits for, then does its work")
    func waitingWriterSaysWhatItWaitsFor() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            print("skipped: no /usr/bin/script to give the child a terminal")
            return
        }
        let work = try WorkDirectory()
        let db = work.path("shop.db")
        var holder: WriterLock? = try WriterLock(database: db, command: "lifecycle import orders big.csv") { _ in }
        // `script` gives the child a terminal; its output (the child's stderr) comes through the pipe.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", "\(Binary.url.path) migrate --db \(db)", "/dev/null"]
        process.currentDirectoryURL = work.url
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let transcript = Transcript()
        transcript.collect(out.fileHandleForReading, signalling: "to finish")
        // The bound only keeps a broken build from hanging the suite; the child waits for the lock.
        _ = transcript.appeared.wait(timeout: .now() + 300)
        #expect(transcript.contents.contains("waiting for lifecycle import orders big.csv (pid \(getpid()), running "), "\(transcript.contents)")
        #expect(holder != nil)
        holder = nil
        process.waitUntilExit()
        transcript.ended.wait()
        #expect(process.terminationStatus == 0)
        #expect(transcript.contents.contains("schema version"))
    }
}
