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
}

extension ChurnEngine {

    /// Stores a churn training as the next `churn` version, whatever its kind. With `promote`,
    /// `production` moves to it when there is no production model yet, or when it beats the
    /// current production model on this training's holdout on both ROC AUC (higher) and log
    /// loss (lower); otherwise the note says which measure did not improve.
    public func storeChurn(_ training: ChurnTraining, promote: Bool) throws -> StoredChurnModel {
        let firstOrder = try firstOrderInstant() ?? training.options.asOf
        let draft = ModelSnapshotDraft(
            name: Warehouse.churnModelName, parameters: training.model.encodeParameters(),
            hyperparameters: .object(Self.churnHyperparameters(training)),
            trainingAsOf: training.options.asOf,
            trainingWindow: min(firstOrder, training.options.asOf)...training.options.asOf,
            trainingRows: training.trainingRows, dataFingerprint: training.fingerprint,
            metrics: .object(Self.churnMetrics(training)))
        let snapshot = try saveSnapshot(draft, createdAt: RegistryClock.now())
        guard promote else { return StoredChurnModel(snapshot: snapshot, promoted: false, promotionNote: nil) }
        guard let current = try currentAliases(of: Warehouse.churnModelName)[ModelNaming.production] else {
            try promoteToProduction(name: Warehouse.churnModelName, version: snapshot.version, reason: "first churn model")
            return StoredChurnModel(snapshot: snapshot, promoted: true, promotionNote: "no production model before")
        }
        let incumbent = try churnModel(try self.snapshot("\(Warehouse.churnModelName)@\(current)", at: nil))
        let holdout = try churnDataset(asOf: training.evaluationAsOf, horizonSeconds: training.options.horizonSeconds, vector: incumbent.vector)
        let incumbentMetrics = ChurnMetrics(probabilities: try churnProbabilities(incumbent.model, on: holdout), churned: holdout.churned ?? [])
        let challenger = training.metrics
        let (challengerAUC, incumbentAUC) = (challenger.rocAUC ?? 0, incumbentMetrics.rocAUC ?? 0)
        var note = String(format: "on the holdout as of %@: v%d ROC AUC %.4f, log loss %.4f; production v%d ROC AUC %.4f, log loss %.4f",
                          CalendarDate.day(training.evaluationAsOf), snapshot.version, challengerAUC, challenger.logLoss,
                          current, incumbentAUC, incumbentMetrics.logLoss)
        var shortfalls: [String] = []
        if challengerAUC <= incumbentAUC { shortfalls.append("ROC AUC is not higher") }
        if challenger.logLoss >= incumbentMetrics.logLoss { shortfalls.append("log loss is not lower") }
        guard shortfalls.isEmpty else {
            note += "; not promoted: " + shortfalls.joined(separator: " and ")
            return StoredChurnModel(snapshot: snapshot, promoted: false, promotionNote: note)
        }
        try promoteToProduction(name: Warehouse.churnModelName, version: snapshot.version, reason: note)
        return StoredChurnModel(snapshot: snapshot, promoted: true, promotionNote: note)
    }

    /// What defines a churn training besides its weights: the learner and its settings.
    private static func churnHyperparameters(_ training: ChurnTraining) -> [JSONMember] {
        let options = training.options
        var members: [JSONMember] = [
            JSONMember("model", .string(options.model.rawValue)),
            JSONMember("horizon_days", .integer(options.horizonSeconds / 86_400)),
        ]
        switch options.model {
        case .logistic:
            members.append(JSONMember("l2_penalty", .number(options.l2Penalty)))
        case .gbt:
            let boosting = options.boosting
            members += [
                JSONMember("max_iterations", .integer(Int64(boosting.maximumIterations))),
                JSONMember("learning_rate", .number(boosting.learningRate)),
                JSONMember("max_leaf_nodes", boosting.maximumLeafNodes.map { .integer(Int64($0)) } ?? .null),
                JSONMember("max_depth", boosting.maximumDepth.map { .integer(Int64($0)) } ?? .null),
                JSONMember("min_samples_leaf", .integer(Int64(boosting.minimumSamplesPerLeaf))),
                JSONMember("l2_regularization", .number(boosting.l2Regularization)),
                JSONMember("max_bins", .integer(Int64(boosting.maximumBins))),
                JSONMember("validation_fraction", .number(boosting.validationFraction ?? 0)),
                JSONMember("early_stopping_rounds", .integer(Int64(boosting.earlyStoppingRounds))),
                JSONMember("seed", .integer(Int64(bitPattern: boosting.seed))),
            ]
        case .sequence:
            let fit = options.sequence
            members += [
                JSONMember("sequence_period", .string(options.sequenceShape.period.rawValue)),
                JSONMember("periods", .integer(Int64(options.sequenceShape.periods))),
                JSONMember("hidden_size", .integer(Int64(fit.hiddenSize))),
                JSONMember("learning_rate", .number(fit.learningRate)),
                JSONMember("batch_size", .integer(Int64(fit.batchSize))),
                JSONMember("max_epochs", .integer(Int64(fit.maximumEpochs))),
                JSONMember("gradient_clip_norm", fit.gradientClipNorm.map { .number($0) } ?? .null),
                JSONMember("validation_fraction", .number(fit.validationFraction)),
                JSONMember("patience", .integer(Int64(fit.patience))),
                JSONMember("seed", .integer(Int64(bitPattern: fit.seed))),
            ]
        }
        let inputs = options.model == .sequence ? ChurnSequencePeriod.inputNames : training.vector.names
        members.append(JSONMember("features", .array(inputs.map(JSONValue.string))))
        members.append(JSONMember("evaluation_as_of", .string(CalendarDate.day(training.evaluationAsOf))))
        if let satisfaction = training.vector.satisfactionModel { members.append(JSONMember("satisfaction_model", .string(satisfaction))) }
        return members
    }

    /// The holdout metrics, the baseline's, and what the fit reported.
    private static func churnMetrics(_ training: ChurnTraining) -> [JSONMember] {
        var members: [JSONMember] = [
            JSONMember("holdout", training.metrics.jsonValue),
            JSONMember("baseline_recency", training.baseline.jsonValue),
            JSONMember("training_churn_rate", .number(training.trainingChurnRate)),
            JSONMember("training_seconds", .number(training.trainingSeconds)),
            JSONMember("scoring_seconds_per_100k", .number(training.scoringSecondsPer100k)),
        ]
        switch training.model {
        case .logistic:
            members.append(JSONMember("newton_iterations", .integer(Int64(training.iterations))))
        case .gradientBoostedTrees(let model):
            members.append(JSONMember("trees", .integer(Int64(training.iterations))))
            members.append(JSONMember("stopped_early", .bool(training.stoppedEarly)))
            members.append(JSONMember("feature_importances", .object(zip(training.vector.names, model.featureImportances).map {
                JSONMember($0, .number($1))
            })))
        case .sequence:
            members.append(JSONMember("epochs", .integer(Int64(training.iterations))))
            members.append(JSONMember("best_epoch", .integer(Int64(training.bestEpoch ?? training.iterations))))
            members.append(JSONMember("stopped_early", .bool(training.stoppedEarly)))
        }
        return members
    }

    /// The classifier and feature vector of a stored churn snapshot (checksum verified). A
    /// sequence model reads histories, not feature rows: its vector is the standard one, whose
    /// rows give the users and labels of its datasets, and its stored inputs must be the
    /// per-period inputs this build computes.
    public func churnModel(_ snapshot: ModelSnapshot) throws -> (model: ChurnClassifier, vector: ChurnFeatureVector) {
        let model = try churnClassifier(snapshot)
        var names: [String] = []
        if case .array(let items)? = snapshot.hyperparameters["features"] {
            names = items.compactMap { if case .string(let name) = $0 { return name } else { return nil } }
        }
        if case .sequence = model {
            guard names == ChurnSequencePeriod.inputNames, names.count == model.featureCount else {
                throw ChurnTrainingError(description: "\(snapshot.reference) does not list the per-period inputs this build computes; retrain it with `lifecycle train churn --model sequence`")
            }
            return (model, .standard)
        }
        var satisfaction: String?
        if case .string(let reference)? = snapshot.hyperparameters["satisfaction_model"] { satisfaction = reference }
        guard let vector = ChurnFeatureVector(names: names, satisfactionModel: satisfaction), vector.inputs.count == model.featureCount else {
            throw ChurnTrainingError(description: "\(snapshot.reference) does not list the churn features this build knows; retrain it with `lifecycle train churn`")
        }
        return (model, vector)
    }

    /// Scores every user with a purchase before `asOf` with a stored churn model and records the
    /// scores in `predictions` under that snapshot (replacing an earlier run for the same as-of).
    /// With `users`, only those users are scored, stored and returned; the run's other rows stay.
    public func scoreChurn(_ snapshot: ModelSnapshot, asOf: Int64, users: Set<Int64>? = nil) throws -> [ChurnScore] {
        let (model, vector) = try churnModel(snapshot)
        let scores = try scoreChurn(model: model, vector: vector, asOf: asOf, users: users)
        try saveChurnScores(scores, snapshot: snapshot, asOf: asOf, only: users)
        return scores
    }
}
