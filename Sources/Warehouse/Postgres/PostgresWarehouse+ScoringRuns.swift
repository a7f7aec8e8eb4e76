import PostgresStore

/// One table's part of a scoring run on PostgreSQL: COPY text rows whose first three columns are
/// `snapshot_id`, `as_of` and `user_id`, then `columns`.
struct PostgresScoringRun {
    let table: String
    let columns: [String]
    private(set) var rows = PGCopyText()

    init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    /// Adds one user's row: the run's key, then `values` (finite doubles or integers, in `columns`' order).
    mutating func add(snapshot: ModelSnapshot, asOf: Int64, userID: Int64, _ values: [PGValue]) throws {
        precondition(values.count == columns.count, "\(table): \(values.count) values for \(columns.count) columns")
        rows.integer(snapshot.id)
        rows.integer(asOf)
        rows.integer(userID)
        for (column, value) in zip(columns, values) {
            switch value {
            case .integer(let number): rows.integer(number)
            case .real(let number):
                guard number.isFinite else {
                    throw RegistryError.invalidPredictions(snapshot.reference, "the \(column) of user id \(userID) is \(number)")
                }
                rows.real(number)
            default: preconditionFailure("\(table).\(column): a scoring run holds numbers")
            }
        }
        rows.endRow()
    }
}

extension PostgresWarehouse {
    /// Replaces what `snapshot` stored as of `asOf` in each run's table with the run's rows, all
    /// in one transaction (SQLite's `replaceScoringRun`): rows go in bulk by COPY and land on the
    /// workers beside their customers; a run is never half replaced, and a scoring of the same
    /// snapshot and as-of again replaces its rows instead of adding to them. With `only` (a run
    /// over some customers, `score --users` or a scope), only those users' earlier rows are
    /// replaced and the rest of the run stays.
    func replaceScoringRuns(snapshot: ModelSnapshot, asOf: Int64, only: Set<Int64>? = nil, _ runs: [PostgresScoringRun]) throws {
        // The users as one text parameter, read as a bigint array: one DELETE whatever their number.
        let users: PGValue = only.map { .text($0.sorted().map(String.init).joined(separator: ",")) } ?? .null
        let key: [PGValue] = [.integer(snapshot.id), .integer(asOf), users]
        try db.transaction {
            for run in runs {
                try db.query("""
                    DELETE FROM \(run.table) WHERE snapshot_id = $1 AND as_of = $2
                      AND ($3::text IS NULL OR user_id = ANY (string_to_array($3::text, ',')::bigint[]))
                    """, key)
                try db.copy(into: run.table, columns: ["snapshot_id", "as_of", "user_id"] + run.columns, run.rows)
            }
        }
    }
}
