import SQLiteStore

/// The SQLite file's side of `ChurnEngine`: its feature rows (`sql/churn_features.sql`), its
/// histories (`sql/churn_sequences.sql`), its customers and its `predictions`.
extension Warehouse: ChurnEngine {
    /// Every `user_features` row as of `asOf` with its label and the values of `columns`, in
    /// user id order; the features are built for that as-of first when they never were.
    public func forEachChurnFeatureRow(asOf: Int64, horizonSeconds: Int64?, columns: [String],
                                       _ body: (_ userID: Int64, _ churned: Bool, _ values: [Double?]) throws -> Void) throws {
        try buildFeaturesIfMissing(asOf: asOf)
        guard let sql = SQLCatalog.query("churn_features") else { throw AnalyticsError.missingQuery("churn_features") }
        let statement = try db.prepare(sql)
        try statement.bind(named: [":as_of": asOf, ":horizon": horizonSeconds.map(SQLValue.integer) ?? .null])
        let positions = ChurnFeatureVector.positions(of: columns, in: statement.columnNames)
        var values = [Double?](repeating: nil, count: columns.count)
        while try statement.step() {
            for (k, position) in positions.enumerated() { values[k] = statement.isNull(at: position) ? nil : statement.double(at: position) }
            try body(statement.int64(at: 0), statement.int64(at: 1) != 0, values)
        }
    }

    /// Every period row of the customers with `users.lowerBound ≤ users.id ≤ users.upperBound`
    /// and a purchase before `asOf`, in user and period order (`sql/churn_sequences.sql`).
    public func churnSequencePeriods(asOf: Int64, shape: ChurnSequenceShape, users: ClosedRange<Int64> = 0...Int64.max,
                                     _ body: (ChurnSequencePeriod) throws -> Void) throws {
        guard let sql = SQLCatalog.query("churn_sequences") else { throw AnalyticsError.missingQuery("churn_sequences") }
        let statement = try db.cached(sql)
        statement.reset()
        try statement.bind(named: [":as_of": asOf, ":period_seconds": shape.period.seconds, ":periods": Int64(shape.periods),
                                   ":first_user": users.lowerBound, ":last_user": users.upperBound])
        defer { statement.reset() }
        while try statement.step() {
            try body(ChurnSequencePeriod(
                userID: statement.int64(at: 0), period: Int(statement.int64(at: 1)), purchases: statement.int64(at: 2),
                netMicros: statement.int64(at: 3), returns: statement.int64(at: 4), views: statement.int64(at: 5),
                carts: statement.int64(at: 6), purchaseEvents: statement.int64(at: 7), reviews: statement.int64(at: 8),
                meanReviewScore: statement.isNull(at: 9) ? nil : statement.double(at: 9),
                daysSinceActivity: statement.isNull(at: 10) ? nil : statement.double(at: 10)))
        }
    }

    /// Ids of the users with a purchase before `asOf`, ascending: the users a churn model
    /// scores (the rows of `user_features` for that as-of).
    public func churnCustomers(before asOf: Int64) throws -> [Int64] {
        let statement = try db.prepare(
            "SELECT user_id FROM orders WHERE user_id IS NOT NULL AND kind = 'purchase' AND ordered_at < ? GROUP BY user_id ORDER BY user_id")
        try statement.bind([asOf])
        var users: [Int64] = []
        while try statement.step() { users.append(statement.int64(at: 0)) }
        return users
    }

    /// Stores the scores in `predictions` (`savePredictions`).
    public func saveChurnScores(_ scores: [ChurnScore], snapshot: ModelSnapshot, asOf: Int64, only: Set<Int64>?) throws {
        try savePredictions(snapshot: snapshot, asOf: asOf, scores: scores.map { (userID: $0.userID, score: $0.probability) }, only: only)
    }
}
