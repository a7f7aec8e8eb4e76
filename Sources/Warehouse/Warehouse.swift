import Foundation
import SQLiteStore

/// A lifecycle warehouse: one SQLite file with the schema migrated to this build's version.
///
/// Commands open it in one of two ways: `openForWriting` (takes the writer lock, creates the
/// file when missing, migrates) or `openForReading` (no lock, no change to the file; refuses a
/// missing or foreign file). See docs/ARCHITECTURE.md, "Several commands at once".
public final class Warehouse {
    /// The open connection (one per warehouse; not thread-safe).
    public let db: Connection
    public let path: String
    /// The writer lock this warehouse holds while it is open (nil for readers and direct opens).
    private let writerLock: WriterLock?

    /// Opens (creating if needed) the warehouse at `path` and applies pending migrations, without
    /// the writer lock: for tests and programs that are the only user of the file.
    /// Refuses a database written by a newer version or with an edited migration.
    public convenience init(path: String, migrate: Bool = true) throws {
        try self.init(path: path, migrate: migrate, lock: nil)
    }

    private init(path: String, migrate: Bool, lock: WriterLock?) throws {
        self.path = path
        writerLock = lock
        db = try Connection(path: path)
        try db.execute("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = FILE")
        let migrator = try SQLCatalog.migrator()
        if migrate {
            try migrator.migrate(db)
            // An import killed on its bulk path left indexes to be built.
            try DeferredIndexes.restoreAll(db)
        } else {
            _ = try migrator.pending(in: db)
        }
    }

    private init(readOnly connection: Connection, path: String) throws {
        self.path = path
        writerLock = nil
        db = connection
        try db.execute("PRAGMA cache_size = -65536; PRAGMA temp_store = FILE")
    }

    /// Opens the warehouse for a command that writes: waits for the writer lock (calling `waiting`
    /// first when another process holds it), then opens, creating the file when missing (unless
    /// `creating` is false), and applies pending migrations (`migrating: false` only checks them).
    /// Creating and migrating under the lock means concurrent first commands cannot both run the
    /// first migration. The lock is held until this warehouse is released or the process ends.
    /// `command` is recorded in the lock file for waiting writers to show.
    public static func openForWriting(path: String, command: String, creating: Bool = true, migrating: Bool = true,
                                      waiting: (WriterLock.Holder?) -> Void = { _ in }) throws -> Warehouse {
        if !creating && !FileManager.default.fileExists(atPath: path) { throw WarehouseOpenError.missing(path: path) }
        let lock = try WriterLock(database: path, command: command, waiting: waiting)
        return try Warehouse(path: path, migrate: migrating, lock: lock)
    }

    /// Opens an existing warehouse for a command that only reads: no lock (the connection reads
    /// a WAL snapshot and never waits for a writer), no journal-mode change, no migration, and
    /// nothing created. Refuses a missing path, a file that is not a lifecycle warehouse and a
    /// schema older than this build's, leaving the file as it is. In a directory where SQLite
    /// cannot create the `-shm` file (a read-only mount), where nobody can write the file either,
    /// it opens the file as immutable.
    public static func openForReading(path: String) throws -> Warehouse {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw WarehouseOpenError.missing(path: path)
        }
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size == 0 {
            throw WarehouseOpenError.notAWarehouse(path: path, reason: "the file is empty")
        }
        let connection: Connection
        let hasBookkeeping: Bool
        do {
            (connection, hasBookkeeping) = try readOnlyConnection(path)
        } catch let error as SQLiteError where error.primaryCode == 26 {  // SQLITE_NOTADB
            throw WarehouseOpenError.notAWarehouse(path: path, reason: "not an SQLite database")
        }
        guard hasBookkeeping else {
            throw WarehouseOpenError.notAWarehouse(path: path, reason: "an SQLite database without schema_migrations")
        }
        let warehouse = try Warehouse(readOnly: connection, path: path)
        let migrator = try SQLCatalog.migrator()
        if !(try migrator.pending(in: connection)).isEmpty {
            let version = Int(try connection.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations").int64 ?? 0)
            throw WarehouseOpenError.outdated(path: path, version: version, knownVersion: migrator.latestVersion)
        }
        return warehouse
    }

    /// A read-only connection and whether the file has `schema_migrations`. The first read is
    /// where SQLite finds out whether it can use the WAL's shared memory; when it cannot, the
    /// directory is not writable and no log holds committed pages that the file lacks, the file
    /// is opened again as immutable (which would not read such a log).
    private static func readOnlyConnection(_ path: String) throws -> (Connection, Bool) {
        let probe = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'"
        do {
            let connection = try Connection(path: path, mode: .readOnly)
            return (connection, try connection.scalar(probe).int64 == 1)
        } catch let error as SQLiteError where error.primaryCode != 26 && !directoryIsWritable(of: path) && logIsEmpty(of: path) {
            let connection = try Connection(path: path, mode: .readOnlyImmutable)
            return (connection, try connection.scalar(probe).int64 == 1)
        }
    }

    /// Whether the database at `path` has no write-ahead log with content.
    private static func logIsEmpty(of path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        return size == 0
    }

    /// Whether this process may create files in the directory that holds `path`.
    private static func directoryIsWritable(of path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        return access(directory.isEmpty ? "." : directory, W_OK) == 0
    }

    /// Applies pending migrations; returns their identifiers.
    @discardableResult
    public func migrate() throws -> [String] {
        try SQLCatalog.migrator().migrate(db).map(\.identifier)
    }

    /// Imports one file.
    public func importFile(_ path: String, options: ImportOptions, progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        let importer = Importer(db: db)
        importer.onProgress = progress
        return try importer.importFile(path, options: options)
    }

    /// Rejected rows of an import, in file order.
    public func rejects(importID: Int64) throws -> [(line: Int, reason: String, raw: String)] {
        try db.query("SELECT line, reason, raw FROM import_rejects WHERE import_id = ? ORDER BY line, id", importID).map {
            (Int($0[0].int64 ?? 0), $0[1].string ?? "", $0[2].string ?? "")
        }
    }
}

extension Warehouse {
    /// Every user's `external_id` (the source's customer id) by `users.id`.
    public func customerIDs() throws -> [Int64: String] {
        // Stepped, not collected as rows first: a million customers' rows would cost several
        // times the dictionary itself.
        let statement = try db.prepare("SELECT id, external_id FROM users")
        var names: [Int64: String] = [:]
        while try statement.step() { names[statement.int64(at: 0)] = statement.text(at: 1) }
        return names
    }
}
