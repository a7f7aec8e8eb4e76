import PostgresStore
import SQLiteStore

/// `lifecycle query` on PostgreSQL: the same checks before anything is sent as on a file (one
/// statement, no `--param` the statement lacks, a named query must exist), then the statement
/// runs inside `BEGIN READ ONLY` … `ROLLBACK`, so the server itself refuses any write (SQLSTATE
/// 25006) and even what a read-only transaction allows (a temporary table's rows) is undone.
/// On Citus, joins that are not on the distribution column are allowed (repartition joins).
/// The rows come back in the same `Table` as `Warehouse.run` gives: columns named as returned,
/// keyed by the same rule; integers as integers, `real`/`double precision` as reals, `numeric`
/// as an integer when it is whole and fits 64 bits (`sum(bigint)`, as SQLite's integer sum),
/// else as the nearest real (as SQLite's REAL); text as text; NULL as null; `boolean` as a flag
/// (JSON true/false; SQLite has no booleans and answers 1/0); `bytea` as SQLite's blob text
/// `x'…'`; `date`, `timestamp` and `timestamptz` as ISO 8601 text (`PGConnection.readableQuery`);
/// `uuid`, `json`, `jsonb` as text; any other type is refused by column with the cast to add.
extension PostgresWarehouse {
    /// Runs `query` (SQL, or a named query of `sql/postgres/`) read-only and returns its rows.
    public func run(_ query: AdHocQuery) throws -> Table {
        var sql = query.sql
        if let name = query.name {
            guard let text = SQLCatalog.postgresQuery(name) else {
                throw QueryError.noPostgresVersion(name, names: SQLCatalog.postgresQueryNames)
            }
            sql = text
        }
        let statements = PGConnection.statements(in: sql)
        if statements.count > 1 { throw QueryError.severalStatements(statements.dropFirst().joined(separator: "; ")) }
        let declared = PGConnection.parameterNames(in: sql)
        for name in query.parameters.keys.sorted() where !declared.contains(name) {
            throw QueryError.unknownParameter(name, declared: declared)
        }
        let values = declared.map { Self.value(query.parameters[$0] ?? .null) }
        let result: PGReadableResult
        do {
            try db.query("BEGIN READ ONLY")
            defer { _ = try? db.query("ROLLBACK") }
            // A join that is not on the distribution column (orders.user_id = users.id) runs, as
            // on a file, instead of Citus's "requires repartitioning"; it works read-only. On
            // plain PostgreSQL the setting is an inert placeholder.
            try db.query("SET LOCAL citus.enable_repartition_joins = on")
            result = try db.readableQuery(PGConnection.numberingNamedParameters(sql), values)
        } catch let error as PostgresStoreError {
            switch error.sqlState {
            case "25006", "25001":
                throw QueryError.refusedByServer(query.sql, message: error.message)
            case "42601" where query.name == nil && !query.sql.contains(where: \.isWhitespace):
                throw QueryError.notSQL(query.sql, names: SQLCatalog.postgresQueryNames, folder: "sql/postgres/")
            default:
                throw error
            }
        }
        let rows = result.rows.map { $0.map(Self.cell) }
        return Table(columns: Warehouse.columns(named: result.columns.map(\.name)), rows: rows)
    }

    private static func cell(_ value: PGValue) -> Cell {
        switch value {
        case .null: return .null
        case .integer(let integer): return .integer(integer)
        case .real(let real): return .real(real, decimals: -1)
        case .numeric(let text):
            if let integer = Int64(text) { return .integer(integer) }
            return Double(text).map { .real($0, decimals: -1) } ?? .text(text)
        case .text(let text): return .text(text)
        case .bool(let flag): return .bool(flag)
        case .bytes(let bytes): return .text(Warehouse.hexLiteral(bytes))
        case .textArray(let texts): return .text("{" + texts.joined(separator: ",") + "}")
        case .integerArray(let integers): return .text("{" + integers.map(String.init).joined(separator: ",") + "}")
        }
    }
}
