/// What `lifecycle forget` removed, or would remove in a dry run.
public struct ErasureSummary: Sendable, Equatable {
    /// Rows one table lost (deleted), or had their text redacted (`import_rejects`, `imports`,
    /// other users' event properties), for the customers erased.
    public struct TableRows: Sendable, Equatable {
        public let table: String
        public let rows: Int
    }

    /// The net amount of the erased customers' orders in one currency (exact micro-units), so
    /// shop revenue figures from before the erasure can be reconciled with those after it.
    public struct RemovedAmount: Sendable, Equatable {
        public let currency: String
        public let orders: Int
        public let micros: Int64
    }

    /// Nothing was changed: the erasure ran in a transaction that was rolled back.
    public let dryRun: Bool
    /// The ids erased by this run, as given.
    public let erased: [String]
    /// Ids given that no user has and that the erasure log does not hold.
    public let notFound: [String]
    /// Ids given that no user has because they were erased before (their keyed hash is in the log).
    public let alreadyErased: [String]
    /// Ids given with no data, logged all the same (`forget --log-absent`): later imports skip them.
    public let loggedAbsent: [String]
    /// Rows per table, in the order the tables are cleared, tables with none left out.
    public let tables: [TableRows]
    /// The erased customers' orders by currency.
    public let removedAmounts: [RemovedAmount]
    /// Model versions (`name@version`) whose training could see an erased customer's data.
    public let trainedModels: [String]

    /// Rows of one table, 0 when it lost none.
    public func rows(of table: String) -> Int {
        tables.first { $0.table == table }?.rows ?? 0
    }
}
