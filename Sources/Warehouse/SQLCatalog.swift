import SQLiteStore

/// The SQL files the binary carries: `migrations/` (schema versions) and `sql/` (named queries),
/// embedded at build time from the package's top-level folders.
public enum SQLCatalog {
    /// The schema migrations, validated (numbered 1...n without gaps or duplicates).
    public static func migrator() throws -> Migrator {
        let files = EmbeddedSQL.files
            .filter { $0.key.hasPrefix("migrations/") }
            .map { (name: String($0.key.dropFirst("migrations/".count)), sql: $0.value) }
        return try Migrator(files: files)
    }

    /// The text of a named query in `sql/`, e.g. `query("rfm")` for `sql/rfm.sql`.
    public static func query(_ name: String) -> String? {
        EmbeddedSQL.files["sql/\(name).sql"]
    }

    /// The names of the queries in `sql/`, sorted (`rfm_summary`, `retention`, ...).
    public static var queryNames: [String] {
        EmbeddedSQL.files.keys.filter { $0.hasPrefix("sql/") && $0.hasSuffix(".sql") }
            .map { String($0.dropFirst(4).dropLast(4)) }.sorted()
    }
}
