import Learning
import PostgresStore

/// k-means segments on PostgreSQL: `train segments` and `score segments` run the SQLite file's
/// code (`SegmentEngine`: the same dataset, fit, relabelling, snapshot and assignments) on the
/// customers `sql/postgres/rfm_users.sql` scores on the workers (one row per customer: her RFM
/// values and segment), and the assignments go back by COPY into `segment_assignments`, beside
/// their customers.
extension PostgresWarehouse: SegmentEngine {
    /// Every customer of `rfm --users` as of `asOf` (default bins and segment map) with her
    /// orders in `currency`, by user id, and the scope they were read in.
    public func rfmCustomers(asOf: Int64, currency: String?) throws -> (customers: [SegmentCustomer], scope: ResolvedScope) {
        let options = RFMOptions(scope: AnalyticsScope(asOf: asOf, currency: currency))
        let scope = try resolve(options.scope)
        var parameters = rfmParameters(scope, options)
        parameters["segment"] = .null
        guard let sql = SQLCatalog.postgresQuery("rfm_users") else { preconditionFailure("sql/postgres/rfm_users.sql is not embedded") }
        // Streamed: one SegmentCustomer per customer is kept, never the rows themselves.
        var customers: [SegmentCustomer] = []
        try db.forEachRow(sql, named: parameters) { row in
            customers.append(SegmentCustomer(
                userID: row.int("user_id"), externalID: row.text("external_id"), recencyDays: row.int("recency_days"),
                frequency: row.int("frequency"), monetaryMicros: row.int("monetary_micros"), rfmSegment: row.text("segment"),
                rfmSegmentPosition: Int(row.int("segment_position"))))
        }
        return (customers.sorted { $0.userID < $1.userID }, scope)
    }

    /// The named numeric `user_features` columns as of `asOf`, transformed, per user id; the
    /// features are built for that as-of first when they never were (`buildFeatures`).
    public func segmentFeatureValues(asOf: Int64, names: [String]) throws -> [Int64: [Double]] {
        let known = try db.query("SELECT name FROM feature_catalogue WHERE unit <> 'text'").compactMap { $0["name"].string }
        try SegmentColumns.check(names, numericFeatures: Set(known))
        try buildFeaturesIfMissing(asOf: asOf)
        // The names are checked against the catalogue above, so they are column names, quoted.
        let selected = names.map { "CAST(f.\"\($0)\" AS double precision) AS \"\($0)\"" }.joined(separator: ", ")
        var rows: [Int64: [Double]] = [:]
        for row in try db.query("SELECT f.user_id, \(selected) FROM user_features f WHERE f.as_of = $1", [.integer(asOf)]) {
            rows[row.int("user_id")] = names.map { SegmentColumns.extraValue(row.real($0), name: $0) }
        }
        return rows
    }

    /// The instant of the first order, nil without orders.
    public func firstOrderInstant() throws -> Int64? {
        try db.scalar("SELECT min(ordered_at) FROM orders").int64
    }

    /// Stores one row per user for `snapshot` as of `asOf` in `segment_assignments` by COPY,
    /// replacing that run's earlier rows (only those of `only`'s users when given), in one
    /// transaction. Returns the number stored.
    @discardableResult
    public func saveSegmentAssignments(snapshot: ModelSnapshot, asOf: Int64, _ assignments: [SegmentAssignment], only: Set<Int64>? = nil) throws -> Int {
        var run = PostgresScoringRun(table: "segment_assignments", columns: ["cluster", "distance"])
        for assignment in assignments {
            try run.add(snapshot: snapshot, asOf: asOf, userID: assignment.userID, [.integer(Int64(assignment.cluster)), .real(assignment.distance)])
        }
        try replaceScoringRuns(snapshot: snapshot, asOf: asOf, only: only, [run])
        return assignments.count
    }
}
