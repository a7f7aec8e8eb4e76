import SQLiteStore

/// A question asked in SQL (`lifecycle query`): a SELECT written on the command line, or a
/// named query of `sql/` (the embedded catalog), with `:named` parameters. On a file it runs on a
/// read-only connection and is refused before it runs unless SQLite says the statement leaves
/// the file unchanged; on PostgreSQL (`PostgresWarehouse.run`) it runs in a read-only
/// transaction that is always rolled back, and the server refuses any write.
public struct AdHocQuery: Sendable, Equatable {
    /// The `sql/` file's name without `.sql`, nil for text given on the command line.
    public let name: String?
    /// The statement.
    public let sql: String
    /// Values for the statement's parameters, by name without the leading `:`, `@` or `$`.
    public var parameters: [String: SQLValue]

    /// A named query of `sql/` when `text` is one of its names, else `text` as SQL.
    public init(_ text: String, parameters: [String: SQLValue] = [:]) {
        let trimmed = text.hasSuffix(".sql") ? String(text.dropLast(4)) : text
        let name = trimmed.hasPrefix("sql/") ? String(trimmed.dropFirst(4)) : trimmed
        if let sql = SQLCatalog.query(name) {
            self.name = name
            self.sql = sql
        } else {
            self.name = nil
            self.sql = text
        }
        self.parameters = parameters
    }

    /// A `--param` value: an integer or a real when it is written as one, else text as written
    /// (`2011-12-10`, `At Risk`), so dates need none of the quoting `.param set` asks for.
    public static func value(_ text: String) -> SQLValue {
        if let integer = Int64(text) { return .integer(integer) }
        if let real = Double(text), real.isFinite, text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .real(real) }
        return .text(text)
    }

    /// The names `lifecycle query NAME` accepts: the files of `sql/`.
    public static var catalogNames: [String] { SQLCatalog.queryNames }
}

/// Why a query was not run.
public enum QueryError: Error, Equatable, CustomStringConvertible {
    /// The statement would change the database.
    case writes(String)
    /// More than one statement in the text.
    case severalStatements(String)
    /// A `--param` the statement does not declare.
    case unknownParameter(String, declared: [String])
    /// Neither a file of `folder` (`sql/`, or `sql/postgres/` on PostgreSQL) nor SQL.
    case notSQL(String, names: [String], folder: String = "sql/")
    /// PostgreSQL refused the statement in the read-only transaction it runs in: it would write
    /// (SQLSTATE 25006), or it cannot run in a transaction at all (25001, e.g. VACUUM). The server's message.
    case refusedByServer(String, message: String)
    /// A named query of `sql/` without a PostgreSQL version in `sql/postgres/`.
    case noPostgresVersion(String, names: [String])

    public var description: String {
        switch self {
        case .writes(let sql):
            return "query: refused, the statement would change the warehouse (\(Excerpt.of(sql, limit: 60))); "
                + "lifecycle query only reads: use the lifecycle commands that write, or another SQLite client on a copy"
        case .severalStatements(let rest):
            return "query: one statement only; remove what follows the first (\(Excerpt.of(rest, limit: 60)))"
        case .unknownParameter(let name, let declared):
            return "query: --param \(name): the statement has no parameter :\(name)"
                + (declared.isEmpty ? " (it has none)" : "; it has " + declared.map { ":" + $0 }.joined(separator: ", "))
        case .refusedByServer(let sql, let message):
            return "query: refused, the statement would change the warehouse (\(Excerpt.of(sql, limit: 60))): PostgreSQL ran it in a "
                + "read-only transaction and refused it (\(message)), so nothing changed; "
                + "lifecycle query only reads: use the lifecycle commands that write, or psql with a role that may write"
        case .noPostgresVersion(let name, let names):
            return "query: sql/\(name).sql has no PostgreSQL version; on a postgresql:// warehouse the named queries are those of "
                + "sql/postgres/ (" + names.joined(separator: ", ") + "), or write the SQL"
        case .notSQL(let text, let names, let folder):
            return "query: '\(Excerpt.of(text, limit: 40))' is neither SQL nor a query of \(folder) (" + names.joined(separator: ", ") + ")"
        }
    }
}

extension Warehouse {
    /// Runs `query` and returns its rows: one column per result column (keyed by the snake_case
    /// rule, a repeated key numbered `_2`, `_3`), integers, reals, text and NULL as they are,
    /// blobs as hex text `x'…'`. Parameters the statement declares but `query` does not set are
    /// NULL, as in the sqlite3 shell.
    public func run(_ query: AdHocQuery) throws -> Table {
        let statement: Statement
        do {
            statement = try db.prepare(query.sql)
        } catch is SQLiteError where query.name == nil && !query.sql.contains(where: \.isWhitespace) {
            throw QueryError.notSQL(query.sql, names: AdHocQuery.catalogNames)
        }
        guard Self.isBlank(statement.remainder) else { throw QueryError.severalStatements(statement.remainder) }
        guard statement.isReadOnly else { throw QueryError.writes(query.sql) }
        let declared = statement.parameterNames.map { String($0.dropFirst()) }
        for name in query.parameters.keys.sorted() where !declared.contains(name) {
            throw QueryError.unknownParameter(name, declared: declared)
        }
        for (index, name) in declared.enumerated() {
            try statement.bind(query.parameters[name] ?? .null, at: Int32(index + 1))
        }
        let columns = Self.columns(named: statement.columnNames)
        var rows: [[Cell]] = []
        while try statement.step() {
            rows.append((0..<statement.columnCount).map { Self.cell(statement.value(at: $0)) })
        }
        return Table(columns: columns, rows: rows)
    }

    /// The columns of a result by their names as returned, keyed by the snake_case rule, a
    /// repeated key numbered `_2`, `_3` (both engines).
    static func columns(named names: [String]) -> [Column] {
        var seen: [String: Int] = [:]
        return names.map { name -> Column in
            let base = Column.key(for: name).isEmpty ? "column" : Column.key(for: name)
            seen[base, default: 0] += 1
            return Column(name, key: seen[base]! == 1 ? base : "\(base)_\(seen[base]!)")
        }
    }

    /// Bytes as SQLite's blob literal, `x'00ff'` (both engines).
    static func hexLiteral(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return "x'" + String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }) + "'"
    }

    private static func cell(_ value: SQLValue) -> Cell {
        switch value {
        case .null: return .null
        case .integer(let integer): return .integer(integer)
        case .real(let real): return .real(real, decimals: -1)
        case .text(let text): return .text(text)
        case .blob(let bytes): return .text(hexLiteral(bytes))
        }
    }

    /// Whether SQL text holds nothing but whitespace, `;` and comments.
    static func isBlank(_ text: String) -> Bool {
        var rest = Substring(text)
        while let first = rest.first {
            if first.isWhitespace || first == ";" {
                rest = rest.dropFirst()
            } else if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { return true }
                rest = rest[end.upperBound...]
            } else {
                return false
            }
        }
        return true
    }
}
