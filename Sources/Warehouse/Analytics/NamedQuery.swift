import SQLiteStore

/// A query of `sql/`, run with named parameters. Only the parameters the query declares are
/// bound (the others it does not use); a declared parameter without a value is bound to NULL,
/// exactly as the sqlite3 shell does for a parameter that was never `.param set`.
struct NamedQuery {
    let name: String
    let sql: String

    init(_ name: String) throws {
        guard let sql = SQLCatalog.query(name) else { throw AnalyticsError.missingQuery(name) }
        self.name = name
        self.sql = sql
    }

    /// Runs the query and returns every row, with SQLite's default page cache (2 MB) rather
    /// than the warehouse's 64 MiB: the sorter keeps runs of up to the cache's size in memory,
    /// and these sort-heavy questions measured faster with the smaller runs (RFM 0.47 s against
    /// 0.42 s on 163,000 customers, docs/BENCHMARKS.md), as the sqlite3 shell runs them.
    func rows(in db: Connection, _ parameters: QueryParameters) throws -> [Row] {
        var rows: [Row] = []
        try forEachRow(in: db, parameters) { rows.append($0) }
        return rows
    }

    /// Runs the query as `rows` does and hands each row to `body` as it comes, holding none.
    func forEachRow(in db: Connection, _ parameters: QueryParameters, _ body: (Row) throws -> Void) throws {
        let declared = Set(try db.cached(sql).parameterNames)
        var values: [String: any SQLBindable] = [:]
        for (key, value) in parameters.values where declared.contains(key) { values[key] = value }
        let cache = try db.scalar("PRAGMA cache_size").int64 ?? Self.questionCache
        try db.execute("PRAGMA cache_size = \(Self.questionCache)")
        defer { try? db.execute("PRAGMA cache_size = \(cache)") }
        try db.forEachRow(sql, named: values, body)
    }

    /// SQLite's default page cache, in pages when positive, in KiB when negative.
    static let questionCache: Int64 = -2000
}

/// Values for a query's `:named` parameters.
struct QueryParameters {
    private(set) var values: [String: SQLValue] = [:]

    subscript(name: String) -> SQLValue? {
        get { values[name] }
        set { values[name] = newValue ?? .null }
    }

    /// Sets `:name` to text, or NULL when `value` is nil.
    mutating func set(_ name: String, _ value: String?) { values[name] = value.map(SQLValue.text) ?? .null }
    /// Sets `:name` to an integer, or NULL when `value` is nil.
    mutating func set(_ name: String, _ value: Int64?) { values[name] = value.map(SQLValue.integer) ?? .null }
    /// Sets `:name` to an instant, as the UTC text the sqlite3 shell user would type.
    mutating func set(instant name: String, _ value: Int64?) { values[name] = value.map { .text(UTCText.dateTime($0)) } ?? .null }
}
