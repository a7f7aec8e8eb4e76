import SQLiteStore

/// A result row of a named query, whichever engine ran it (SQLite's `Row`, PostgreSQL's `PGRow`):
/// columns by name. The answers are decoded from it once, for both engines, because `sql/` and
/// `sql/postgres/` return the same columns.
protocol QueryRow {
    /// Integer value of a named column, nil when NULL.
    func optionalInt(_ name: String) -> Int64?
    /// Real value of a named column, nil when NULL.
    func real(_ name: String) -> Double?
    /// Text value of a named column, nil when NULL.
    func optionalText(_ name: String) -> String?
}

extension QueryRow {
    /// Integer value of a named column (0 when NULL).
    func int(_ name: String) -> Int64 { optionalInt(name) ?? 0 }
    /// Text value of a named column ("" when NULL).
    func text(_ name: String) -> String { optionalText(name) ?? "" }
}

extension Row: QueryRow {
    func optionalInt(_ name: String) -> Int64? { self[name].int64 }
    func real(_ name: String) -> Double? { self[name].double }
    func optionalText(_ name: String) -> String? { self[name].string }
}
