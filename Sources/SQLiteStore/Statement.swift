import CSQLite

/// SQLite's "copy the bytes now" destructor for bound text and blobs.
let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A valid address for binding zero bytes of text (a NULL pointer would bind SQL NULL).
private var emptyText: UnsafeRawPointer { UnsafeRawPointer(("" as StaticString).utf8Start) }

/// A prepared statement. Bind parameters (1-based or by `:name`), then `step()` through rows
/// and read columns (0-based). Statements from `Connection.cached(_:)` are reset and cleared
/// before they are handed out again.
public final class Statement {
    let handle: OpaquePointer
    unowned let connection: Connection
    /// The SQL text the statement was prepared from.
    public let sql: String

    /// The text after the first statement that SQLite did not compile (only whitespace or
    /// comments, or further statements that a caller running one statement must refuse).
    public let remainder: String

    init(connection: Connection, sql: String) throws {
        var statement: OpaquePointer?
        var consumed = 0
        let rc = sql.withCString { base -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(connection.handle, base, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            consumed = tail.map { $0 - base } ?? 0
            return rc
        }
        try connection.check(rc, sql: sql)
        guard let statement else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "no SQL statement in the text", sql: sql)
        }
        self.handle = statement
        self.connection = connection
        self.sql = sql
        self.remainder = String(decoding: sql.utf8.dropFirst(consumed), as: UTF8.self)
    }

    /// Whether the statement leaves the database file unchanged (`sqlite3_stmt_readonly`):
    /// false for INSERT, UPDATE, DELETE, CREATE, DROP and writing pragmas.
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding

    /// Binds `values` to parameters 1...n, after clearing earlier bindings.
    @discardableResult
    public func bind(_ values: [any SQLBindable]) throws -> Statement {
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() { try bind(value.sqlValue, at: Int32(offset + 1)) }
        return self
    }

    /// Binds values by parameter name (":as_of", "@x" or "$y"); unknown names are an error.
    @discardableResult
    public func bind(named values: [String: any SQLBindable]) throws -> Statement {
        sqlite3_clear_bindings(handle)
        for (name, value) in values {
            let index = sqlite3_bind_parameter_index(handle, name)
            guard index > 0 else {
                throw SQLiteError(code: SQLITE_RANGE, message: "no parameter named \(name)", sql: sql)
            }
            try bind(value.sqlValue, at: index)
        }
        return self
    }

    /// The names of the statement's parameters, in order (":as_of", ...); unnamed ones are "?N".
    public var parameterNames: [String] {
        let count = Int32(sqlite3_bind_parameter_count(handle))
        return (0..<count).map { offset in
            sqlite3_bind_parameter_name(handle, offset + 1).map { String(cString: $0) } ?? "?\(offset + 1)"
        }
    }

    /// Binds one value at a 1-based parameter index.
    public func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let v): rc = bindText(v, at: index)
        case .blob(let v):
            rc = v.withUnsafeBytes { sqlite3_bind_blob64(handle, index, $0.baseAddress, UInt64($0.count), transientDestructor) }
        }
        try connection.check(rc, sql: sql)
    }

    /// Binds an integer without boxing (the importer's hot path).
    @inline(__always)
    public func bind(int64 value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds NULL at a 1-based index.
    @inline(__always)
    public func bindNull(at index: Int32) {
        sqlite3_bind_null(handle, index)
    }

    /// Binds a Swift string as text, all of its UTF-8 bytes (a NUL inside is kept).
    @inline(__always)
    public func bind(text: String, at index: Int32) {
        _ = bindText(text, at: index)
    }

    /// Hands SQLite the string's own UTF-8 bytes with their length. Passing the String where a C
    /// string is expected made Swift build a NUL-terminated copy on the heap for every short
    /// (inline) string, and let SQLite stop at the first NUL. An empty buffer may have no address,
    /// which SQLite would read as NULL, so "" gets a real one.
    @inline(__always)
    private func bindText(_ text: String, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            sqlite3_bind_text64(handle, index, bytes.baseAddress.map(UnsafeRawPointer.init) ?? emptyText, UInt64(bytes.count),
                                transientDestructor, UInt8(SQLITE_UTF8))
        }
    }

    // MARK: Stepping

    /// Advances to the next row: true when a row is available, false when the statement is done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            sqlite3_reset(handle)
            try connection.check(rc, sql: sql)
            return false
        }
    }

    /// Resets the statement so it can run again; bindings are kept.
    public func reset() { sqlite3_reset(handle) }

    /// Runs the statement to completion with the given values and resets it.
    public func run(_ values: [any SQLBindable] = []) throws {
        defer { reset() }
        try bind(values)
        while try step() {}
    }

    /// Runs the statement and collects every row.
    public func rows(_ values: [any SQLBindable] = []) throws -> [Row] {
        defer { reset() }
        try bind(values)
        var result: [Row] = []
        let names = columnNames
        while try step() { result.append(Row(columns: names, values: (0..<columnCount).map(value(at:)))) }
        return result
    }

    // MARK: Reading

    /// Number of result columns.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// Result column names, in order.
    public var columnNames: [String] {
        (0..<Int32(columnCount)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    /// The value of a 0-based column of the current row.
    public func value(at index: Int) -> SQLValue {
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT: return .text(text(at: index))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let base = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
        default: return .null
        }
    }

    /// The integer value of a 0-based column (0 when NULL).
    @inline(__always)
    public func int64(at index: Int) -> Int64 { sqlite3_column_int64(handle, Int32(index)) }

    /// The real value of a 0-based column (0 when NULL).
    @inline(__always)
    public func double(at index: Int) -> Double { sqlite3_column_double(handle, Int32(index)) }

    /// Whether a 0-based column of the current row is NULL.
    @inline(__always)
    public func isNull(at index: Int) -> Bool { sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL }

    /// The text value of a 0-based column ("" when NULL).
    public func text(at index: Int) -> String {
        let column = Int32(index)
        guard let base = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }
}
