import PostgresStore

/// PostgreSQL's rows decode into the same answers as SQLite's (`sql/postgres/` returns `sql/`'s columns).
extension PGRow: QueryRow {
    func optionalInt(_ name: String) -> Int64? { self[name].int64 }
    func real(_ name: String) -> Double? { self[name].double }
    func optionalText(_ name: String) -> String? { self[name].string }
}
