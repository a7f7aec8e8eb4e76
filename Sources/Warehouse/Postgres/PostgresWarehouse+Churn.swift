import PostgresStore

/// Churn on PostgreSQL: `train churn` and `score churn` run the SQLite file's code (`ChurnEngine`:
/// the same datasets, fits, holdout, snapshot, promotion rule and scoring) on the rows the
/// workers compute: each customer's feature row with its label (`sql/postgres/churn_features.sql`,
/// over `user_features`, built on the workers when missing) or her per-period history
/// (`sql/postgres/churn_sequences.sql`). Scores go back by COPY into `predictions`, beside their
/// customers. Satisfaction models (`train satisfaction`, `satisfaction`, `train churn
/// --satisfaction`) run the file's code on the same histories.
extension PostgresWarehouse: ChurnEngine {
    /// Every `user_features` row as of `asOf` with its label and the values of `columns`, in
    /// user id order; the features are built for that as-of first when they never were.
    public func forEachChurnFeatureRow(asOf: Int64, horizonSeconds: Int64?, columns: [String],
                                       _ body: (_ userID: Int64, _ churned: Bool, _ values: [Double?]) throws -> Void) throws {
        try buildFeaturesIfMissing(asOf: asOf)
        guard let sql = SQLCatalog.postgresQuery("churn_features") else { preconditionFailure("sql/postgres/churn_features.sql is not embedded") }
        var positions: [Int] = []
        var values = [Double?](repeating: nil, count: columns.count)
        // Streamed: the caller keeps one row of numbers per customer, never the rows themselves.
        try withoutActuallyEscaping(body) { body in
            try db.forEachRow(sql, named: ["as_of": .integer(asOf), "horizon": horizonSeconds.map(PGValue.integer) ?? .null]) { row in
                if positions.isEmpty { positions = ChurnFeatureVector.positions(of: columns, in: row.columns) }
                for (k, position) in positions.enumerated() { values[k] = row[position].double }
                try body(row[0].int64 ?? 0, row[1].int64 == 1, values)
            }
        }
    }

    /// Every period row of the customers with an id in `users` and a purchase before `asOf`, in
    /// user and period order (`sql/postgres/churn_sequences.sql`).
    public func churnSequencePeriods(asOf: Int64, shape: ChurnSequenceShape, users: ClosedRange<Int64>,
                                     _ body: (ChurnSequencePeriod) throws -> Void) throws {
        guard let sql = SQLCatalog.postgresQuery("churn_sequences") else { preconditionFailure("sql/postgres/churn_sequences.sql is not embedded") }
        try withoutActuallyEscaping(body) { body in
            try db.forEachRow(sql, named: [
                "as_of": .integer(asOf), "period_seconds": .integer(shape.period.seconds), "periods": .integer(Int64(shape.periods)),
                "first_user": .integer(users.lowerBound), "last_user": .integer(users.upperBound),
            ]) { row in
                try body(ChurnSequencePeriod(
                    userID: row[0].int64 ?? 0, period: Int(row[1].int64 ?? 0), purchases: row[2].int64 ?? 0,
                    netMicros: row[3].int64 ?? 0, returns: row[4].int64 ?? 0, views: row[5].int64 ?? 0,
                    carts: row[6].int64 ?? 0, purchaseEvents: row[7].int64 ?? 0, reviews: row[8].int64 ?? 0,
                    meanReviewScore: row[9].double, daysSinceActivity: row[10].double))
            }
        }
    }

    /// Ids of the users with a purchase before `asOf`, ascending.
    public func churnCustomers(before asOf: Int64) throws -> [Int64] {
        var users: [Int64] = []
        try db.forEachRow("""
            SELECT customer_key FROM orders WHERE user_id IS NOT NULL AND kind = 'purchase' AND ordered_at < CAST(:as_of AS bigint)
            GROUP BY customer_key ORDER BY customer_key
            """, named: ["as_of": .integer(asOf)]) { row in users.append(row[0].int64 ?? 0) }
        return users
    }

    /// Replaces the run's scores in `predictions` by COPY, in one transaction (with `only`, only
    /// those users' earlier scores; the rest of the run stays).
    public func saveChurnScores(_ scores: [ChurnScore], snapshot: ModelSnapshot, asOf: Int64, only: Set<Int64>?) throws {
        var run = PostgresScoringRun(table: "predictions", columns: ["score"])
        for score in scores.sorted(by: { $0.userID < $1.userID }) {
            try run.add(snapshot: snapshot, asOf: asOf, userID: score.userID, [.real(score.probability)])
        }
        try replaceScoringRuns(snapshot: snapshot, asOf: asOf, only: only, [run])
    }

    /// The instant of the first order before `instant`, nil without one.
    public func firstOrder(before instant: Int64) throws -> Int64? {
        try db.scalar("SELECT min(ordered_at) FROM orders WHERE ordered_at < $1", [.integer(instant)]).int64
    }

    /// Ids of the customers with a purchase in [`from`, `to`), found on the workers.
    public func purchasers(from: Int64, to: Int64) throws -> Set<Int64> {
        var users = Set<Int64>()
        try db.forEachRow("""
            SELECT DISTINCT customer_key FROM orders
            WHERE user_id IS NOT NULL AND kind = 'purchase' AND ordered_at >= CAST(:from AS bigint) AND ordered_at < CAST(:to AS bigint)
            """, named: ["from": .integer(from), "to": .integer(to)]) { row in
            if let id = row[0].int64 { users.insert(id) }
        }
        return users
    }
}
