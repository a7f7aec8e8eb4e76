import SQLiteStore

/// The SQL files the binary carries: `migrations/` (schema versions) and `sql/` (named queries),
/// embedded at build time from the package's top-level folders. PostgreSQL's own files live in
/// the `postgres/` subfolders of both (`postgresMigrator()`).
public enum SQLCatalog {
    /// The schema migrations, validated (numbered 1...n without gaps or duplicates).
    public static func migrator() throws -> Migrator {
        try Migrator(files: files(in: "migrations/"))
    }

    /// PostgreSQL's schema migrations (`migrations/postgres/`), validated and checked against a
    /// database by the same rules (the PostgreSQL engine applies them itself).
    public static func postgresMigrator() throws -> Migrator {
        try Migrator(files: files(in: "migrations/postgres/"))
    }

    /// The files directly in `folder` (not in its subfolders), by file name.
    private static func files(in folder: String) -> [(name: String, sql: String)] {
        EmbeddedSQL.files
            .filter { $0.key.hasPrefix(folder) && !$0.key.dropFirst(folder.count).contains("/") }
            .map { (name: String($0.key.dropFirst(folder.count)), sql: $0.value) }
    }

    /// The text of a named query in `sql/`, e.g. `query("rfm")` for `sql/rfm.sql`.
    public static func query(_ name: String) -> String? {
        EmbeddedSQL.files["sql/\(name).sql"]
    }

    /// The text of PostgreSQL's counterpart of a named query, `sql/postgres/NAME.sql`: the same
    /// parameters and result columns as `sql/NAME.sql`, written for PostgreSQL and Citus.
    public static func postgresQuery(_ name: String) -> String? {
        EmbeddedSQL.files["sql/postgres/\(name).sql"]
    }

    /// The names of the queries in `sql/`, sorted (`rfm_summary`, `retention`, ...).
    public static var queryNames: [String] {
        EmbeddedSQL.files.keys.filter { $0.hasPrefix("sql/") && $0.hasSuffix(".sql") && !$0.dropFirst(4).contains("/") }
            .map { String($0.dropFirst(4).dropLast(4)) }.sorted()
    }

    /// The names of the queries in `sql/postgres/`, sorted: those `lifecycle query NAME` runs on PostgreSQL.
    public static var postgresQueryNames: [String] {
        EmbeddedSQL.files.keys.filter { $0.hasPrefix("sql/postgres/") && $0.hasSuffix(".sql") && !$0.dropFirst(13).contains("/") }
            .map { String($0.dropFirst(13).dropLast(4)) }.sorted()
    }
}
