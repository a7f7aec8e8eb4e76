import Foundation
import Learning

/// What storing a churn training did.
public struct StoredChurnModel: Sendable {
    public let snapshot: ModelSnapshot
    /// Whether `production` now points at the new version.
    public let promoted: Bool
    /// Why it was or was not promoted.
    public let promotionNote: String?
}

extension ChurnMetrics {
    /// The metrics as stored in a snapshot.
    var jsonValue: JSONValue {
        var members: [JSONMember] = [
            JSONMember("rows", .integer(Int64(rows))), JSONMember("churn_rate", .number(churnRate)),
        ]
        if let rocAUC { members.append(JSONMember("roc_auc", .number(rocAUC))) }
        if let prAUC { members.append(JSONMember("pr_auc", .number(prAUC))) }
        members.append(JSONMember("log_loss", .number(logLoss)))
        members.append(JSONMember("brier", .number(brierScore)))
        if let liftTopDecile { members.append(JSONMember("lift_top_decile", .number(liftTopDecile))) }
        members.append(JSONMember("calibration", .array(calibration.map {
            .object([JSONMember("lower", .number($0.lowerBound)), JSONMember("upper", .number($0.upperBound)),
                     JSONMember("count", .integer(Int64($0.count))), JSONMember("mean_predicted", .number($0.meanPredicted)),
                     JSONMember("observed_rate", .number($0.observedRate))])
        })))
        return .object(members)
    }
}

extension Warehouse {
    /// Model name under which churn models are stored.
    public static let churnModelName = "churn"

    /// Stores a churn training as the next `churn` version. With `promote`, `production` moves to
    /// it when there is no production model yet, or when it has a higher ROC AUC than the
    /// current production model on this training's holdout.
    public func storeChurn(_ training: ChurnTraining, promote: Bool) throws -> StoredChurnModel {
        let firstOrder = try db.scalar("SELECT min(ordered_at) FROM orders").int64 ?? training.options.asOf
        let draft = ModelSnapshotDraft(
            name: Self.churnModelName, parameters: training.model.encodeParameters(),
            hyperparameters: .object([
                JSONMember("horizon_days", .integer(training.options.horizonSeconds / 86_400)),
                JSONMember("l2_penalty", .number(training.options.l2Penalty)),
                JSONMember("features", .array(training.vector.names.map(JSONValue.string))),
                JSONMember("evaluation_as_of", .string(CalendarDate.day(training.evaluationAsOf))),
            ]),
            trainingAsOf: training.options.asOf,
            trainingWindow: min(firstOrder, training.options.asOf)...training.options.asOf,
            trainingRows: training.trainingRows, dataFingerprint: training.fingerprint,
            metrics: .object([
                JSONMember("holdout", training.metrics.jsonValue),
                JSONMember("baseline_recency", training.baseline.jsonValue),
                JSONMember("training_churn_rate", .number(training.trainingChurnRate)),
                JSONMember("newton_iterations", .integer(Int64(training.iterations))),
            ]))
        let snapshot = try saveSnapshot(draft)
        guard promote else { return StoredChurnModel(snapshot: snapshot, promoted: false, promotionNote: nil) }
        guard let current = try currentAliases(of: Self.churnModelName)[ModelNaming.production] else {
            try self.promote(name: Self.churnModelName, version: snapshot.version, reason: "first churn model")
            return StoredChurnModel(snapshot: snapshot, promoted: true, promotionNote: "no production model before")
        }
        let incumbent = try churnModel(try self.snapshot("\(Self.churnModelName)@\(current)"))
        let holdout = try churnDataset(asOf: training.evaluationAsOf, horizonSeconds: training.options.horizonSeconds, vector: incumbent.vector)
        let incumbentAUC = RankingMetrics.rocAUC(scores: incumbent.model.predictProbabilities(holdout.features), labels: holdout.churned ?? []) ?? 0
        let challengerAUC = training.metrics.rocAUC ?? 0
        let note = String(format: "ROC AUC on the holdout as of %@: v%d %.4f, production v%d %.4f",
                          CalendarDate.day(training.evaluationAsOf), snapshot.version, challengerAUC, current, incumbentAUC)
        guard challengerAUC > incumbentAUC else { return StoredChurnModel(snapshot: snapshot, promoted: false, promotionNote: note) }
        try self.promote(name: Self.churnModelName, version: snapshot.version, reason: note)
        return StoredChurnModel(snapshot: snapshot, promoted: true, promotionNote: note)
    }

    /// The model and feature vector of a stored churn snapshot (checksum verified).
    public func churnModel(_ snapshot: ModelSnapshot) throws -> (model: LogisticRegressionModel, vector: ChurnFeatureVector) {
        let model = try loadModel(LogisticRegressionModel.self, from: snapshot)
        guard case .array(let items)? = snapshot.hyperparameters["features"],
              let vector = ChurnFeatureVector(names: items.compactMap { if case .string(let name) = $0 { return name } else { return nil } }),
              vector.inputs.count == model.featureCount else {
            throw ChurnTrainingError(description: "\(snapshot.reference) does not list the churn features this build knows; retrain it with `lifecycle train churn`")
        }
        return (model, vector)
    }

    /// Scores every user with a purchase before `asOf` with a stored churn model and records the
    /// scores in `predictions` under that snapshot (replacing an earlier run for the same as-of).
    public func scoreChurn(_ snapshot: ModelSnapshot, asOf: Int64) throws -> [ChurnScore] {
        let (model, vector) = try churnModel(snapshot)
        let scores = try scoreChurn(model: model, vector: vector, asOf: asOf)
        try savePredictions(snapshot: snapshot, asOf: asOf, scores: scores.map { (userID: $0.userID, score: $0.probability) })
        return scores
    }
}
