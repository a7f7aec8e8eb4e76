import PostgresStore
import Testing

/// COPY's text format, as PostgreSQL 15 reads it (sql-copy.html, "Text Format").
@Suite struct PGCopyTextTests {
    @Test func fieldsAreTabSeparatedRowsEndInANewlineAndNullIsBackslashN() {
        var copy = PGCopyText()
        copy.integer(42); copy.text("a b"); copy.null(); copy.integer(nil); copy.text(nil)
        copy.endRow()
        copy.integer(-7)
        copy.endRow()
        #expect(String(decoding: copy.bytes, as: UTF8.self) == "42\ta b\t\\N\t\\N\t\\N\n-7\n")
        #expect(copy.rows == 2)
    }

    @Test func backslashTabNewlineAndCarriageReturnInTextAreEscaped() {
        var copy = PGCopyText()
        copy.text("C:\\dir\tx\ny\r£ \"q\" \\N")
        copy.endRow()
        #expect(String(decoding: copy.bytes, as: UTF8.self) == "C:\\\\dir\\tx\\ny\\r£ \"q\" \\\\N\n")
    }

    @Test func anEmptyStringIsNotNull() {
        var copy = PGCopyText()
        copy.text(""); copy.text("")
        copy.endRow()
        #expect(String(decoding: copy.bytes, as: UTF8.self) == "\t\n")
        copy.removeAll()
        #expect(copy.isEmpty && copy.bytes.isEmpty)
    }
}
