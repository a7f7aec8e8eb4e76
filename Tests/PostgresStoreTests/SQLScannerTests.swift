import Testing
@testable import PostgresStore

/// Splitting scripts into statements and numbering `:name` parameters, never inside literals.
@Suite struct SQLScannerTests {
    @Test func aScriptSplitsAtSemicolonsOutsideLiteralsAndComments() {
        let script = """
            -- a comment; not a statement
            CREATE TABLE t (a text DEFAULT 'x;y');
            /* block; comment */
            DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;
            DO $body$ BEGIN RAISE NOTICE 'a;b'; END $body$;
            SELECT "odd;name" FROM t
            """
        #expect(SQLScanner.statements(script) == [
            "-- a comment; not a statement\nCREATE TABLE t (a text DEFAULT 'x;y')",
            "/* block; comment */\nDO $$ BEGIN PERFORM 1; PERFORM 2; END $$",
            "DO $body$ BEGIN RAISE NOTICE 'a;b'; END $body$",
            "SELECT \"odd;name\" FROM t",
        ])
    }

    @Test func aScriptOfOnlyCommentsHasNoStatements() {
        #expect(SQLScanner.statements("-- nothing;\n/* here; */\n;\n").isEmpty)
    }

    @Test func namedParametersBecomeNumberedOnesInOrderOfFirstUse() {
        let (sql, names) = SQLScanner.numberingNamedParameters(
            "SELECT :as_of::bigint, ':not_me', x::text FROM t WHERE a < :as_of AND b = :country -- :comment")
        #expect(sql == "SELECT $1::bigint, ':not_me', x::text FROM t WHERE a < $1 AND b = $2 -- :comment")
        #expect(names == ["as_of", "country"])
    }

    @Test func positionalParametersAreNotDollarQuotes() {
        #expect(SQLScanner.statements("SELECT $1; SELECT $2") == ["SELECT $1", "SELECT $2"])
    }
}
