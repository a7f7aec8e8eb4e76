import CSQLite
import Foundation

/// A failed SQLite call: the extended result code, SQLite's own message, and the SQL text that
/// was running (never the bound values: they can hold customer data).
public struct SQLiteError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The extended result code, e.g. 2067 (SQLITE_CONSTRAINT_UNIQUE).
    public let code: Int32
    /// SQLite's message (`sqlite3_errmsg`), e.g. "UNIQUE constraint failed: users.external_id".
    public let message: String
    /// The SQL statement being prepared or run, when there was one.
    public let sql: String?

    public init(code: Int32, message: String, sql: String?) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte of `code`), e.g. 19 (SQLITE_CONSTRAINT).
    public var primaryCode: Int32 { code & 0xFF }

    /// The symbolic name SQLite gives the result code, e.g. "constraint failed".
    public var codeName: String { String(cString: sqlite3_errstr(code)) }

    public var description: String {
        var text = "SQLite error \(code) (\(codeName)): \(message)"
        if let sql { text += " — in SQL: \(sql.trimmingCharacters(in: .whitespacesAndNewlines))" }
        return text
    }
}
