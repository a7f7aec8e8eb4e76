import Learning

/// One user's churn probability.
public struct ChurnScore: Sendable, Equatable {
    public let userID: Int64
    public let externalID: String
    public let probability: Double
}

extension Warehouse {
    /// Churn probabilities as of `asOf` for every user with a purchase before it (features are
    /// built for that as-of when missing), highest first.
    public func scoreChurn(model: ChurnClassifier, vector: ChurnFeatureVector, asOf: Int64) throws -> [ChurnScore] {
        let data = try churnDataset(asOf: asOf, horizonSeconds: nil, vector: vector)
        let probabilities = model.predictProbabilities(data.features)
        let external = try customerIDs()
        return zip(data.userIDs, probabilities)
            .map { ChurnScore(userID: $0.0, externalID: external[$0.0] ?? String($0.0), probability: $0.1) }
            .sorted { $0.probability > $1.probability || ($0.probability == $1.probability && $0.userID < $1.userID) }
    }
}
