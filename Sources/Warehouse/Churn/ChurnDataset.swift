import Foundation
import Learning

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
    /// Feature rows read per chunk by ``ChurnEngine/forEachChurnFeatureChunk(asOf:vector:chunkSize:_:)``.
    public static let featureChunkSize = 8_192
}

extension ChurnEngine {
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
        let columns = vector.columns
        // Where each input's column is among the values read (nil: the satisfaction score).
        let sources = vector.inputs.map { input in input.column.flatMap { columns.firstIndex(of: $0) } }
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
        try forEachChurnFeatureRow(asOf: asOf, horizonSeconds: horizonSeconds, columns: columns) { user, churned, row in
            users.append(user)
            labels.append(churned)
            for (input, source) in zip(vector.inputs, sources) { values.append(input.transform.value(source.flatMap { row[$0] })) }
            if users.count == chunkSize { try flush() }
        }
        if !users.isEmpty || chunkSize == .max { try flush() }
    }
}
