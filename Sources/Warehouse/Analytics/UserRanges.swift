import SQLiteStore

/// Reads a question's customers on both cores: the range of user ids of `table` (`orders` or
/// `events`) is cut into 16 parts that two connections pinned to one committed state
/// (`SharedSnapshot`) take in turn. Customers' rows are not spread evenly over the ids (early
/// customers have more, and an early as-of finds few of late ones), so two halves would leave one
/// core idle. When no shared snapshot can be had (a writer is mid-transaction, `db` is inside a
/// transaction of its own, the file cannot be written), or the caller reads few customers by a
/// list (`parallel` false: SQLite builds the list of a country's customers by scanning `users`,
/// once per statement, so 16 parts would scan it 16 times), `read` runs once on `db` with no
/// range.
/// A connection other than `db` has none of its TEMP objects (a currency view, a reporting zone):
/// `read` must ask for those by value.
enum UserRanges {
    /// The parts of one question.
    static let parts = 16

    /// `read(connection, range)` per part, in part order; a range is (lower bound included, upper
    /// excluded), nil for every customer.
    static func map<T>(_ db: Connection, table: String, parallel: Bool,
                       _ read: @escaping (Connection, (lower: Int64, upper: Int64)?) throws -> T) throws -> [T] {
        guard parallel, !db.isInTransaction, let snapshot = SharedSnapshot(path: db.path, count: 2),
              // Two lookups of the index: min and max in one SELECT would read all of it.
              let first = try snapshot.readers[0].scalar("SELECT min(user_id) FROM \(table) WHERE user_id IS NOT NULL").int64,
              let last = try snapshot.readers[0].scalar("SELECT max(user_id) FROM \(table)").int64 else {
            return [try read(db, nil)]
        }
        let width = (last - first) / Int64(parts) + 1
        return try snapshot.map(parts: parts) { part, connection in
            let lower = first + Int64(part) * width
            return try read(connection, (part == 0 ? Int64.min : lower, part == parts - 1 ? Int64.max : lower + width))
        }
    }

    /// The condition and values that keep a scan of `user_id` within `range`.
    static func condition(_ range: (lower: Int64, upper: Int64)?) -> (sql: String, values: [any SQLBindable]) {
        guard let range else { return ("", []) }
        return (" AND user_id >= ? AND user_id < ?", [range.lower, range.upper])
    }
}
