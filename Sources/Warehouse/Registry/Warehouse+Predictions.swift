import SQLiteStore

/// One stored score.
public struct Prediction: Sendable, Equatable {
    /// `users.id`.
    public let userID: Int64
    /// The user's `external_id` (the source's customer id).
    public let customer: String
    /// The score the snapshot gave (e.g. a churn probability).
    public let score: Double
}

extension Warehouse {
    /// Stores one score per user made by `snapshot` as of `asOf`, replacing that snapshot's
    /// earlier scores for the same as-of, all in one transaction. Returns the number stored.
    /// Scores must be finite; every user must exist and appear once. With `only`, only those
    /// users' earlier scores are replaced.
    @discardableResult
    public func savePredictions<Scores: RandomAccessCollection>(snapshot: ModelSnapshot, asOf: Int64, scores: Scores, only: Set<Int64>? = nil) throws -> Int
    where Scores.Element == (userID: Int64, score: Double) {
        try replaceScoringRun("predictions", columns: ["score"], snapshot: snapshot, asOf: asOf,
                              rows: scores.lazy.map { ScoringRow(userID: $0.userID, values: [.real($0.score)]) }, only: only)
    }

    /// The scores `snapshot` made as of `asOf`, highest first (ties by user id); `limit` keeps
    /// the first ones.
    public func predictions(snapshot: ModelSnapshot, asOf: Int64, limit: Int? = nil) throws -> [Prediction] {
        try db.query("""
            SELECT p.user_id, u.external_id, p.score FROM predictions p JOIN users u ON u.id = p.user_id
            WHERE p.snapshot_id = ? AND p.as_of = ? ORDER BY p.score DESC, p.user_id LIMIT ?
            """, snapshot.id, asOf, limit ?? -1).map {
            Prediction(userID: $0[0].int64 ?? 0, customer: $0[1].string ?? "", score: $0[2].double ?? 0)
        }
    }

    /// The as-of instants `snapshot` has scores for, with how many users each, oldest first.
    public func predictionRuns(snapshot: ModelSnapshot) throws -> [(asOf: Int64, users: Int)] {
        try db.query("SELECT as_of, count(*) FROM predictions WHERE snapshot_id = ? GROUP BY as_of ORDER BY as_of", snapshot.id).map {
            ($0[0].int64 ?? 0, Int($0[1].int64 ?? 0))
        }
    }
}
