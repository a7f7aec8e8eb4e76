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
    /// Feature rows read per chunk by ``forEachChurnFeatureChunk(asOf:vector:chunkSize:_:)``.
    public static let featureChunkSize = 8_192

    /// Loads the features as of `asOf` (building them when that as-of was never built) and,
    /// with a horizon, the churn labels. The features add up money, so the orders before
    /// `asOf` must be in one currency (`requireOneCurrency`).
    public func churnDataset(asOf: Int64, horizonSeconds: Int64?, vector: ChurnFeatureVector) throws -> ChurnDataset {
        var dataset: ChurnDataset?
        try forEachChurnFeatureRows(asOf: asOf, horizonSeconds: horizonSeconds, vector: vector, chunkSize: .max) { dataset = $0 }
        return dataset!
    }

    /// Calls `body` with the feature rows as of `asOf` (built when that as-of was never built),
    /// at most `chunkSize` users at a time in user id order, without labels: what scoring reads,
    /// so its memory does not grow with the number of users beyond one score each.
    public func forEachChurnFeatureChunk(asOf: Int64, vector: ChurnFeatureVector, chunkSize: Int = Warehouse.featureChunkSize,
                                         _ body: (ChurnDataset) throws -> Void) throws {
        try forEachChurnFeatureRows(asOf: asOf, horizonSeconds: nil, vector: vector, chunkSize: chunkSize, body)
    }

    private func forEachChurnFeatureRows(asOf: Int64, horizonSeconds: Int64?, vector: ChurnFeatureVector, chunkSize: Int,
                                         _ body: (ChurnDataset) throws -> Void) throws {
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
        let satisfaction = try vector.satisfactionModel.flatMap { reference in
            try vector.names.firstIndex(of: ChurnFeatureVector.satisfactionInput.name).map { (column: $0, scores: try satisfactionFeature(reference, asOf: asOf)) }
        }
        let width = vector.inputs.count
        var users: [Int64] = [], labels: [Bool] = [], values: [Double] = []
        func flush() throws {
            if let satisfaction {
                for (row, user) in users.enumerated() {
                    values[row * width + satisfaction.column] = satisfaction.scores.scores[user] ?? satisfaction.scores.initial
                }
            }
            try body(ChurnDataset(asOf: asOf, userIDs: users, features: FeatureMatrix(rows: users.count, columns: width, values: values),
                                  churned: horizonSeconds == nil ? nil : labels))
            users.removeAll(keepingCapacity: true)
            labels.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
        }
        while try statement.step() {
            users.append(statement.int64(at: 0))
            labels.append(statement.int64(at: 1) != 0)
            for column in 0..<width { values.append(statement.double(at: column + 2)) }
            if users.count == chunkSize { try flush() }
        }
        if !users.isEmpty || chunkSize == .max { try flush() }
    }
}
