import Testing
@testable import SQLiteStore

@Suite struct ConnectionTests {
    @Test func opensWithWALForeignKeysAndExtendedCodes() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        #expect(try db.scalar("PRAGMA journal_mode").string == "wal")
        #expect(try db.scalar("PRAGMA foreign_keys").int64 == 1)
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
        try db.run("INSERT INTO t (name) VALUES (?)", "a")
        let error = #expect(throws: SQLiteError.self) { try db.run("INSERT INTO t (name) VALUES (?)", "a") }
        // 2067 = SQLITE_CONSTRAINT_UNIQUE: an extended code, not the primary 19.
        #expect(error?.code == 2067)
        #expect(error?.primaryCode == 19)
    }

    @Test func errorsCarryMessageAndSQLButNotBoundValues() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        try db.execute("CREATE TABLE customers (email TEXT NOT NULL UNIQUE)")
        try db.run("INSERT INTO customers VALUES (?)", "secret@example.com")
        let error = #expect(throws: SQLiteError.self) { try db.run("INSERT INTO customers VALUES (?)", "secret@example.com") }
        #expect(error?.message == "UNIQUE constraint failed: customers.email")
        #expect(error?.sql == "INSERT INTO customers VALUES (?)")
        #expect(error?.description.contains("secret@example.com") == false)
        let syntax = #expect(throws: SQLiteError.self) { try db.prepare("SELEKT 1") }
        #expect(syntax?.sql == "SELEKT 1")
        #expect(syntax?.message.contains("syntax error") == true)
    }

    @Test func bindsAndReadsEveryStorageClass() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        let row = try db.query("SELECT ?, ?, ?, ?, ?", 42, 2.5, "héllo", SQLValue.blob([0, 255, 7]), SQLValue.null)[0]
        #expect(row.values == [.integer(42), .real(2.5), .text("héllo"), .blob([0, 255, 7]), .null])
        let named = try db.query("SELECT :a + :b AS total", named: [":a": 40, ":b": 2])
        #expect(named[0]["total"] == .integer(42))
        #expect(throws: SQLiteError.self) { try db.query("SELECT :a", named: [":missing": 1]) }
    }

    /// Text is bound with its byte length: empty text stays text (not NULL), short inline
    /// strings, long ones and non-ASCII ones round-trip, and a NUL inside is kept.
    @Test func bindsTextWithItsLength() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        let texts = ["", "GBP", "a\u{0}b", "WHITE HANGING HEART T-LIGHT HOLDER ", "£10 Grüße 日本", String(repeating: "x\u{0}", count: 40)]
        let statement = try db.prepare("SELECT ?, length(CAST(? AS BLOB)), typeof(?), ?")
        for text in texts {
            statement.bind(text: text, at: 1)
            statement.bind(text: text, at: 2)
            statement.bind(text: text, at: 3)
            try statement.bind(.text(text), at: 4)
            #expect(try statement.step())
            #expect(statement.text(at: 0) == text)
            #expect(statement.int64(at: 1) == Int64(text.utf8.count))
            #expect(statement.text(at: 2) == "text")
            #expect(statement.text(at: 3) == text)
            statement.reset()
        }
    }

    @Test func statementCacheReusesPreparedStatements() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        let first = try db.cached("SELECT 1")
        let second = try db.cached("SELECT 1")
        #expect(first === second)
        _ = try db.cached("SELECT 2")
        #expect(db.cachedStatementCount == 2)
        // A cached statement is handed out reset: a half-stepped query starts over.
        let counting = try db.cached("SELECT column1 FROM (VALUES (1), (2), (3))")
        _ = try counting.step()
        _ = try counting.step()
        let again = try db.cached("SELECT column1 FROM (VALUES (1), (2), (3))")
        _ = try again.step()
        #expect(again.int64(at: 0) == 1)
        db.clearStatementCache()
        #expect(db.cachedStatementCount == 0)
    }

    @Test func transactionCommitsOrRollsBack() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        try db.execute("CREATE TABLE t (x INTEGER)")
        try db.transaction { try db.run("INSERT INTO t VALUES (1)") }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        #expect(try db.scalar("SELECT group_concat(x) FROM t").string == "1")
        #expect(db.isInTransaction == false)
    }

    @Test func savepointRollsBackOnlyItsOwnWork() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        try db.execute("CREATE TABLE t (x INTEGER)")
        struct Boom: Error {}
        try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            #expect(throws: Boom.self) {
                try db.savepoint("inner") {
                    try db.run("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            try db.savepoint("kept") { try db.run("INSERT INTO t VALUES (3)") }
        }
        #expect(try db.scalar("SELECT group_concat(x) FROM t ORDER BY x").string == "1,3")
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        let file = try TemporaryDatabase()
        try file.open().execute("CREATE TABLE t (x INTEGER)")
        let reader = try Connection(path: file.path, mode: .readOnly)
        let error = #expect(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES (1)") }
        #expect(error?.primaryCode == 8)  // SQLITE_READONLY
    }
}
