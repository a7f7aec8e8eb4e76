import Foundation
import Learning

/// A stored satisfaction model with the grid it scores on.
public struct StoredSatisfactionModel: Sendable {
    public let snapshot: ModelSnapshot
    public let model: SatisfactionModel
    public let period: ChurnSequenceShape.Period
    public let maximumPeriods: Int
}

extension Warehouse {
    /// Model name under which satisfaction models are stored, on either engine.
    public static let satisfactionModelName = "satisfaction"
}

extension ChurnEngine {
    /// Stores a training as the next `satisfaction` version (kind `satisfaction_recursion`).
    public func storeSatisfaction(_ training: SatisfactionTraining) throws -> ModelSnapshot {
        let draft = ModelSnapshotDraft(
            name: Warehouse.satisfactionModelName, parameters: training.fit.model.encodeParameters(),
            hyperparameters: .object([
                JSONMember("period", .string(training.shape.period.rawValue)),
                JSONMember("periods", .integer(Int64(training.shape.periods))),
                JSONMember("maximum_periods", .integer(Int64(training.options.maximumPeriods))),
                JSONMember("l2_penalty", .number(training.options.fit.l2Penalty)),
                JSONMember("inputs", .array(SatisfactionAnswers.inputDefinitions.map { .string("\($0.name) = \($0.definition)") })),
                JSONMember("initial", .object(zip(SatisfactionModel.parameterNames, training.fit.initial.vector).map { JSONMember($0, .number($1)) })),
            ]),
            trainingAsOf: training.asOf,
            trainingWindow: (training.asOf - Int64(training.shape.periods) * training.shape.period.seconds)...training.asOf,
            trainingRows: training.fit.pairs, dataFingerprint: training.fingerprint, metrics: training.metricsJSON)
        return try saveSnapshot(draft, createdAt: RegistryClock.now())
    }

    /// The model and grid of a stored `satisfaction_recursion` snapshot (checksum verified).
    public func satisfactionModel(_ snapshot: ModelSnapshot) throws -> StoredSatisfactionModel {
        let model = try loadModel(SatisfactionModel.self, from: snapshot)
        guard case .string(let name)? = snapshot.hyperparameters["period"], let period = ChurnSequenceShape.Period(rawValue: name),
              case .integer(let maximum)? = snapshot.hyperparameters["maximum_periods"], maximum >= 2 else {
            throw SatisfactionError(description: "\(snapshot.reference) does not record its period and grid; retrain it with `lifecycle train satisfaction`")
        }
        return StoredSatisfactionModel(snapshot: snapshot, model: model, period: period, maximumPeriods: Int(maximum))
    }
}

extension SatisfactionMetrics {
    var json: JSONValue {
        .object([JSONMember("roc_auc", rocAUC.map { .number($0) } ?? .null), JSONMember("log_loss", .number(logLoss)),
                 JSONMember("brier", .number(brierScore))])
    }
}

extension SatisfactionTraining {
    /// The fit and the holdout check, as stored in the snapshot. `holdout.roc_auc` is the main
    /// metric `models list` shows.
    var metricsJSON: JSONValue {
        .object([
            JSONMember("training", .object([
                JSONMember("customers", .integer(Int64(trainingCustomers))),
                JSONMember("pairs", .integer(Int64(fit.pairs))),
                JSONMember("next_period_purchase_rate", .number(fit.positiveRate)),
                JSONMember("initial_objective", .number(fit.initialObjective)),
                JSONMember("objective", .number(fit.objective)),
                JSONMember("initial_log_loss", .number(fit.initialLogLoss)),
                JSONMember("log_loss", .number(fit.logLoss)),
                JSONMember("iterations", .integer(Int64(fit.iterations))),
                JSONMember("seconds", .number(trainingSeconds)),
            ])),
            JSONMember("holdout", .object([
                JSONMember("as_of", .string(RegistryClock.iso(holdout.asOf))),
                JSONMember("customers", .integer(Int64(holdout.customers))),
                JSONMember("next_period_purchase_rate", .number(holdout.activeRate)),
                JSONMember("roc_auc", holdout.model.rocAUC.map { .number($0) } ?? .null),
                JSONMember("log_loss", .number(holdout.model.logLoss)),
                JSONMember("brier", .number(holdout.model.brierScore)),
                JSONMember("recency_baseline", holdout.baseline.json),
            ])),
        ])
    }
}
