import Learning

/// One user's churn probability.
public struct ChurnScore: Sendable, Equatable {
    public let userID: Int64
    public let externalID: String
    public let probability: Double
}

extension ChurnEngine {
    /// Churn probabilities as of `asOf` for every user with a purchase before it (or only those
    /// of `users`), highest first. Feature rows are built for that as-of when missing. Every kind
    /// reads its inputs in chunks (feature rows, or the sequence model's histories), so memory
    /// does not grow with the number of users beyond one score each.
    public func scoreChurn(model: ChurnClassifier, vector: ChurnFeatureVector, asOf: Int64, users: Set<Int64>? = nil) throws -> [ChurnScore] {
        var scored: [(userID: Int64, probability: Double)] = []
        if case .sequence(let sequence) = model {
            try requireOneCurrency(before: asOf)
            let customers = try churnCustomers(before: asOf).filter { users?.contains($0) ?? true }
            scored.reserveCapacity(customers.count)
            try forEachChurnSequenceChunk(users: customers, asOf: asOf, shape: sequence.shape) { ids, chunk in
                scored += zip(ids, sequence.classifier.predictProbabilities(chunk)).map { (userID: $0.0, probability: $0.1) }
            }
        } else {
            try forEachChurnFeatureChunk(asOf: asOf, vector: vector) { chunk in
                scored += zip(chunk.userIDs, model.predictProbabilities(chunk.features)).map { (userID: $0.0, probability: $0.1) }
                    .filter { users?.contains($0.userID) ?? true }
            }
        }
        let external = try customerIDs()
        return scored
            .map { ChurnScore(userID: $0.userID, externalID: external[$0.userID] ?? String($0.userID), probability: $0.probability) }
            .sorted { $0.probability > $1.probability || ($0.probability == $1.probability && $0.userID < $1.userID) }
    }
}
