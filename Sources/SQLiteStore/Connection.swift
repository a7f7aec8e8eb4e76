import CSQLite
import Foundation

/// An open SQLite database: WAL journal, foreign keys enforced, a busy timeout, extended result
/// codes, and a cache of prepared statements. Not thread-safe: use one connection per thread.
public final class Connection {
    let handle: OpaquePointer
    /// The database file's path (":memory:" for an in-memory database).
    public let path: String
    private var statementCache: [String: Statement] = [:]

    /// How the connection opens its file.
    public enum Mode: Sendable {
        /// Read and write; create the file when it is missing.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only.
        case readOnly
        /// Read only, telling SQLite that nobody changes the file while it is open (the URI
        /// parameter `immutable=1`): no locks and no `-shm` file, so a WAL database opens in a
        /// directory where those cannot be created. Right only when nobody can write the file.
        case readOnlyImmutable
    }

    /// Process-wide SQLite settings, applied once before the first connection opens: multi-thread
    /// mode (one connection per thread, no connection mutexes) and no allocator statistics.
    private static let configured: Int32 = lifecycle_sqlite_configure()

    /// Opens (or creates) the database at `path` and configures it.
    /// - Parameter busyTimeout: milliseconds to wait for another writer's lock before failing.
    public init(path: String, mode: Mode = .readWriteCreate, busyTimeout: Int32 = 5_000) throws {
        _ = Connection.configured  // SQLITE_MISUSE here only means SQLite was already initialised.
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readOnlyImmutable: flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        }
        let filename = mode == .readOnlyImmutable ? Self.immutableURI(path) : path
        let rc = sqlite3_open_v2(filename, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: "cannot open \(path): \(message)", sql: nil)
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeout)
        if (mode == .readWrite || mode == .readWriteCreate) && path != ":memory:" {
            try execute("PRAGMA journal_mode = WAL")
        }
        try execute("PRAGMA foreign_keys = ON")
    }

    /// `file:PATH?immutable=1`, with the bytes a URI path cannot hold written as %HH.
    static func immutableURI(_ path: String) -> String {
        var uri = "file:"
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                uri.append(Character(UnicodeScalar(byte)))
            default:
                uri += String(format: "%%%02X", byte)
            }
        }
        return uri + "?immutable=1"
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    // MARK: The one failure path

    /// Turns a non-OK result code into a `SQLiteError` carrying SQLite's message and the SQL.
    @inline(__always)
    func check(_ rc: Int32, sql: String?) throws {
        guard rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE else { return }
        throw SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    // MARK: Running SQL

    /// Runs one or more statements separated by semicolons, with no parameters and no results.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if let error { sqlite3_free(error) }
        try check(rc, sql: sql)
    }

    /// Prepares a statement that the caller owns.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Returns a prepared statement for `sql` from the cache, preparing it on first use.
    /// The statement is reset and its bindings cleared.
    public func cached(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            sqlite3_clear_bindings(statement.handle)
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Number of statements currently held by the statement cache.
    public var cachedStatementCount: Int { statementCache.count }

    /// Drops every cached statement (needed before schema changes that would invalidate them).
    public func clearStatementCache() { statementCache.removeAll() }

    /// Runs one statement with positional values, through the statement cache.
    public func run(_ sql: String, _ values: any SQLBindable...) throws {
        try cached(sql).run(values)
    }

    /// Runs one statement with named values (":name") through the statement cache.
    public func run(_ sql: String, named values: [String: any SQLBindable]) throws {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(named: values)
        while try statement.step() {}
    }

    /// Runs a query with positional values and returns all rows.
    public func query(_ sql: String, _ values: any SQLBindable...) throws -> [Row] {
        try cached(sql).rows(values)
    }

    /// Runs a query with named values (":name") and returns all rows.
    public func query(_ sql: String, named values: [String: any SQLBindable]) throws -> [Row] {
        var rows: [Row] = []
        try forEachRow(sql, named: values) { rows.append($0) }
        return rows
    }

    /// Runs a query with named values (":name") and hands each row to `body` as it is stepped,
    /// so a caller that folds the rows never holds them all (a daily retention triangle has
    /// hundreds of thousands).
    public func forEachRow(_ sql: String, named values: [String: any SQLBindable], _ body: (Row) throws -> Void) throws {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(named: values)
        let names = statement.columnNames
        while try statement.step() {
            try body(Row(columns: names, values: (0..<statement.columnCount).map(statement.value(at:))))
        }
    }

    /// The first column of the first row, or `.null` when there is no row.
    public func scalar(_ sql: String, _ values: any SQLBindable...) throws -> SQLValue {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(values)
        return try statement.step() ? statement.value(at: 0) : .null
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The rowid of the most recent successful INSERT.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    // MARK: Transactions

    /// How a transaction takes its locks.
    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED", immediate = "IMMEDIATE", exclusive = "EXCLUSIVE"
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue) TRANSACTION")
        do {
            let result = try body()
            try execute("COMMIT TRANSACTION")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK TRANSACTION") }
            throw error
        }
    }

    /// Runs `body` inside a savepoint, which nests inside transactions: released when it returns,
    /// rolled back to (and released) when it throws.
    public func savepoint<T>(_ name: String = "lifecycle", _ body: () throws -> T) throws -> T {
        precondition(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "savepoint names are identifiers")
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT \(name)")
            return result
        } catch {
            try? execute("ROLLBACK TO SAVEPOINT \(name)")
            try? execute("RELEASE SAVEPOINT \(name)")
            throw error
        }
    }
}
