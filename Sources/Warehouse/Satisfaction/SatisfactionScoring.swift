import Foundation
import Learning

/// One customer's satisfaction as of an instant.
public struct SatisfactionScore: Sendable, Equatable {
    public let userID: Int64
    public let externalID: String
    /// S at the end of the last period (the as-of).
    public let score: Double
    /// S one period earlier (nil when the history starts in the last period).
    public let previous: Double?
    /// Periods from the customer's first activity on the grid to the as-of.
    public let periodsObserved: Int
    /// The last period's raw signals.
    public let lastPeriod: ChurnSequencePeriod
}

/// Every scored customer as of one instant, least satisfied first.
public struct SatisfactionScores: Sendable {
    public let asOf: Int64
    public let shape: ChurnSequenceShape
    public let scores: [SatisfactionScore]
}

extension ChurnEngine {
    /// Satisfaction as of `asOf` for every customer with a purchase before it, from facts before
    /// it only, on the model's grid (its period, since the first order, at most its maximum).
    public func scoreSatisfaction(_ stored: StoredSatisfactionModel, asOf: Int64) throws -> SatisfactionScores {
        let shape = ChurnSequenceShape(period: stored.period,
                                       periods: try satisfactionPeriods(asOf: asOf, period: stored.period, maximum: stored.maximumPeriods))
        let data = try satisfactionData(asOf: asOf, shape: shape)
        let external = try customerIDs()
        var scores: [SatisfactionScore] = []
        scores.reserveCapacity(data.userIDs.count)
        for (c, user) in data.userIDs.enumerated() {
            let trajectory = stored.model.trajectory(data.histories, customer: c)
            scores.append(SatisfactionScore(
                userID: user, externalID: external[user] ?? String(user), score: trajectory.last ?? stored.model.initialScore,
                previous: trajectory.count >= 2 ? trajectory[trajectory.count - 2] : nil, periodsObserved: trajectory.count,
                lastPeriod: data.lastPeriods[c]))
        }
        scores.sort { $0.score < $1.score || ($0.score == $1.score && $0.userID < $1.userID) }
        return SatisfactionScores(asOf: asOf, shape: shape, scores: scores)
    }
}
