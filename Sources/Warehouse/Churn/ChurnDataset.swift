import Foundation
import Learning
import SQLiteStore

/// Users, their feature vectors as of one instant, and (when the future is known) whether each
/// churned: no purchase in [as_of, as_of + horizon).
public struct ChurnDataset: Sendable {
    public let asOf: Int64
    public let userIDs: [Int64]
    public let features: FeatureMatrix
    /// nil when the label window is not (fully) observed: scoring data.
    public let churned: [Bool]?

    /// Share of users who churned.
    public var churnRate: Double? {
        churned.map { labels in Double(labels.filter { $0 }.count) / Double(max(labels.count, 1)) }
    }

    /// SHA-256 of the rows (user id, feature bits, label) in order: the training data's fingerprint.
    public var fingerprint: String {
        var fingerprint = DataFingerprint()
        for row in 0..<features.rows {
            fingerprint.add(userIDs[row])
            for column in 0..<features.columns { fingerprint.add(features[row, column]) }
            if let churned { fingerprint.add(Int64(churned[row] ? 1 : 0)) }
        }
        return fingerprint.hex()
    }
}

extension Warehouse {
    /// Loads the features as of `asOf` (building them when that as-of was never built) and,
    /// with a horizon, the churn labels. The features add up money, so the orders before
    /// `asOf` must be in one currency (`requireOneCurrency`).
    public func churnDataset(asOf: Int64, horizonSeconds: Int64?, vector: ChurnFeatureVector) throws -> ChurnDataset {
        try requireOneCurrency(before: asOf)
        if try db.scalar("SELECT count(*) FROM feature_builds WHERE as_of = ?", asOf).int64 == 0 {
            try buildFeatures(asOf: asOf)
        }
        let columns = vector.inputs.map(\.sql).joined(separator: ", ")
        let label = horizonSeconds == nil ? "0" : """
            NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = f.user_id AND o.kind = 'purchase'
                        AND o.ordered_at >= :as_of AND o.ordered_at < :as_of + :horizon)
            """
        let statement = try db.prepare("SELECT f.user_id, \(label), \(columns) FROM user_features f WHERE f.as_of = :as_of ORDER BY f.user_id")
        var named: [String: any SQLBindable] = [":as_of": asOf]
        if let horizonSeconds { named[":horizon"] = horizonSeconds }
        try statement.bind(named: named)
        var users: [Int64] = []
        var labels: [Bool] = []
        var values: [Double] = []
        let width = vector.inputs.count
        while try statement.step() {
            users.append(statement.int64(at: 0))
            labels.append(statement.int64(at: 1) != 0)
            for column in 0..<width { values.append(statement.double(at: column + 2)) }
        }
        if let reference = vector.satisfactionModel, let column = vector.names.firstIndex(of: ChurnFeatureVector.satisfactionInput.name) {
            let scores = try satisfactionFeature(reference, asOf: asOf)
            for (row, user) in users.enumerated() { values[row * width + column] = scores.scores[user] ?? scores.initial }
        }
        return ChurnDataset(asOf: asOf, userIDs: users, features: FeatureMatrix(rows: users.count, columns: width, values: values),
                            churned: horizonSeconds == nil ? nil : labels)
    }
}
