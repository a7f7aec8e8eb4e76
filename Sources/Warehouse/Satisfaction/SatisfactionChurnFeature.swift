import Foundation
import Learning

extension ChurnEngine {
    /// The fixed reference (`satisfaction@N`) of the satisfaction model `reference` names, after
    /// checking it may feed a churn model trained as of `asOf`: it must be a satisfaction model
    /// trained on facts before that as-of (else its weights saw the churn labels' window), and
    /// the learner must read feature rows (the sequence model reads histories).
    public func satisfactionForChurn(_ reference: String, asOf: Int64, model: ChurnModelKind) throws -> String {
        guard model != .sequence else {
            throw ChurnTrainingError(description: "--satisfaction feeds the feature-row learners (logistic, gbt); the sequence model reads per-period histories instead")
        }
        let snapshot = try self.snapshot(reference, at: nil)
        guard snapshot.kind == SatisfactionModel.parameterKind else {
            throw ChurnTrainingError(description: "--satisfaction \(snapshot.reference) is a \(snapshot.kind) model, not a satisfaction model")
        }
        guard snapshot.trainingAsOf <= asOf else {
            throw ChurnTrainingError(description: "\(snapshot.reference) was trained as of \(CalendarDate.day(snapshot.trainingAsOf)), after the churn as-of \(CalendarDate.day(asOf)): its weights saw the churn labels' window; train one with `lifecycle train satisfaction --as-of \(CalendarDate.day(asOf))`")
        }
        return snapshot.reference
    }

    /// The scores of the satisfaction model `reference` as of `asOf` by user id (checksum
    /// verified), and the score of a customer with no history yet.
    public func satisfactionFeature(_ reference: String, asOf: Int64) throws -> (scores: [Int64: Double], initial: Double) {
        let stored = try satisfactionModel(try snapshot(reference, at: nil))
        let shape = ChurnSequenceShape(period: stored.period,
                                       periods: try satisfactionPeriods(asOf: asOf, period: stored.period, maximum: stored.maximumPeriods))
        let data = try satisfactionData(asOf: asOf, shape: shape)
        return (Dictionary(uniqueKeysWithValues: zip(data.userIDs, stored.model.finalScores(data.histories))), stored.model.initialScore)
    }
}
