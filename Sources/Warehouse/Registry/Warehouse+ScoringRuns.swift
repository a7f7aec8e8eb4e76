import SQLiteStore

/// One row of a scoring run: the user it is about and the values of the table's other columns.
struct ScoringRow {
    let userID: Int64
    /// Values of the run's columns after `snapshot_id`, `as_of` and `user_id`, in their order.
    let values: [SQLValue]
}

extension Warehouse {
    /// Replaces what `snapshot` stored in `table` as of `asOf` with `rows`, in one transaction
    /// (a savepoint inside the caller's), so a run is never half replaced: `predictions`,
    /// `clv_predictions`, `segment_assignments` and `recommendations` all keep their runs this
    /// way. Every REAL must be finite; a row the table refuses is an error naming its user, and
    /// the earlier run stays. With `only` (a run over listed users, `score --users`), only those
    /// users' earlier rows are replaced and the rest of the run stays. Returns the number of rows stored.
    ///
    /// Rows are stored in ascending user id (a user's rows in the order given), whatever order
    /// they come in: scores come ranked (highest first), and the run's key and the by-user index
    /// both order a run by user, so in ranked order every row would land on a random page of both.
    @discardableResult
    func replaceScoringRun(_ table: String, columns: [String], snapshot: ModelSnapshot, asOf: Int64,
                           rows: some RandomAccessCollection<ScoringRow>, only: Set<Int64>? = nil, references: String = "users") throws -> Int {
        try registryTransaction {
            if let only {
                let delete = try db.cached("DELETE FROM \(table) WHERE snapshot_id = ? AND as_of = ? AND user_id = ?")
                for userID in only.sorted() {
                    defer { delete.reset() }
                    delete.bind(int64: snapshot.id, at: 1)
                    delete.bind(int64: asOf, at: 2)
                    delete.bind(int64: userID, at: 3)
                    try delete.step()
                }
            } else {
                try db.run("DELETE FROM \(table) WHERE snapshot_id = ? AND as_of = ?", snapshot.id, asOf)
            }
            let names = ["snapshot_id", "as_of", "user_id"] + columns
            let insert = try db.cached("INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))")
            var count = 0
            for row in Self.byUser(rows) {
                precondition(row.values.count == columns.count, "\(table): \(row.values.count) values for \(columns.count) columns")
                for (column, value) in zip(columns, row.values) {
                    if case .real(let number) = value, !number.isFinite {
                        throw RegistryError.invalidPredictions(snapshot.reference, "the \(column) of user id \(row.userID) is \(number)")
                    }
                }
                defer { insert.reset() }
                insert.bind(int64: snapshot.id, at: 1)
                insert.bind(int64: asOf, at: 2)
                insert.bind(int64: row.userID, at: 3)
                for (index, value) in row.values.enumerated() { try insert.bind(value, at: Int32(index + 4)) }
                do {
                    try insert.step()
                } catch let error as SQLiteError where error.primaryCode == 19 {
                    let why = error.code == 787 ? "user id \(row.userID) names a row that is not in \(references)"
                                                : "user id \(row.userID) is scored twice"
                    throw RegistryError.invalidPredictions(snapshot.reference, why)
                }
                count += 1
            }
            return count
        }
    }

    /// `rows` in ascending user id, rows of one user in their given order; reads each row's user
    /// once and keeps only the order (one integer per row), not a copy of the rows.
    static func byUser<Rows: RandomAccessCollection<ScoringRow>>(_ rows: Rows) -> some Sequence<ScoringRow> {
        let users = rows.map(\.userID)
        let order = users.indices.sorted { (users[$0], $0) < (users[$1], $1) }
        return order.lazy.map { rows[rows.index(rows.startIndex, offsetBy: $0)] }
    }
}
