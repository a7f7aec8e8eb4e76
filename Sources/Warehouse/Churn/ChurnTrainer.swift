import Foundation
import Learning

/// Settings of one churn training run.
public struct ChurnTrainingOptions: Sendable {
    /// Features before this instant, labels from purchases in [asOf, asOf + horizon).
    public var asOf: Int64
    public var horizonSeconds: Int64
    /// The temporal holdout: a later as-of whose label window does not overlap the training one
    /// (default asOf + horizon).
    public var evaluationAsOf: Int64?
    public var l2Penalty: Double

    public init(asOf: Int64, horizonSeconds: Int64, evaluationAsOf: Int64? = nil, l2Penalty: Double = 1) {
        self.asOf = asOf
        self.horizonSeconds = horizonSeconds
        self.evaluationAsOf = evaluationAsOf
        self.l2Penalty = l2Penalty
    }
}

/// A trained and evaluated churn model with the facts its snapshot records.
public struct ChurnTraining: Sendable {
    public let model: LogisticRegressionModel
    public let vector: ChurnFeatureVector
    public let options: ChurnTrainingOptions
    public let evaluationAsOf: Int64
    public let trainingRows: Int
    public let trainingChurnRate: Double
    public let fingerprint: String
    public let iterations: Int
    /// The model on the holdout as-of.
    public let metrics: ChurnMetrics
    /// The recency-only baseline, trained and evaluated the same way.
    public let baseline: ChurnMetrics
}

/// Why a churn model could not be trained.
public struct ChurnTrainingError: Error, CustomStringConvertible {
    public let description: String
}

extension Warehouse {
    /// Trains the churn model as of `options.asOf` and evaluates it, and a recency-only baseline,
    /// on the later holdout as-of. Both label windows must be fully inside the data.
    public func trainChurn(_ options: ChurnTrainingOptions) throws -> ChurnTraining {
        guard let dataEnd = try dayAfterLastOrder() else { throw ChurnTrainingError(description: "the warehouse has no orders: import some first") }
        let evaluationAsOf = options.evaluationAsOf ?? options.asOf + options.horizonSeconds
        guard evaluationAsOf >= options.asOf + options.horizonSeconds else {
            throw ChurnTrainingError(description: "the evaluation as-of \(CalendarDate.day(evaluationAsOf)) must be at least one horizon after the training as-of, so the label windows do not overlap")
        }
        guard evaluationAsOf + options.horizonSeconds <= dataEnd else {
            let latest = dataEnd - 2 * options.horizonSeconds
            throw ChurnTrainingError(description: "the holdout window ends \(CalendarDate.day(evaluationAsOf + options.horizonSeconds)), after the data (last order before \(CalendarDate.day(dataEnd))): use --as-of \(CalendarDate.day(latest)) or earlier, or a shorter --horizon")
        }
        let vector = ChurnFeatureVector.standard
        let training = try churnDataset(asOf: options.asOf, horizonSeconds: options.horizonSeconds, vector: vector)
        let holdout = try churnDataset(asOf: evaluationAsOf, horizonSeconds: options.horizonSeconds, vector: vector)
        guard let labels = training.churned, let holdoutLabels = holdout.churned, training.userIDs.count >= 10, holdout.userIDs.count >= 10 else {
            throw ChurnTrainingError(description: "too few users with purchases before \(CalendarDate.day(options.asOf)) to train (\(training.userIDs.count)); use a later --as-of")
        }
        guard Set(labels).count == 2 else {
            throw ChurnTrainingError(description: "every user before \(CalendarDate.day(options.asOf)) has the same label; a model needs both churners and returners")
        }
        let regression = LogisticRegressionOptions(l2Penalty: options.l2Penalty)
        let fit: LogisticRegressionFit
        let baselineFit: LogisticRegressionFit
        do {
            fit = try LogisticRegressionModel.fit(training.features, labels: labels, options: regression)
            baselineFit = try LogisticRegressionModel.fit(column(0, of: training.features), labels: labels, options: regression)
        } catch {
            throw ChurnTrainingError(description: "churn model as of \(CalendarDate.day(options.asOf)): \(error)")
        }
        let metrics = ChurnMetrics(probabilities: fit.model.predictProbabilities(holdout.features), churned: holdoutLabels)
        let baseline = ChurnMetrics(probabilities: baselineFit.model.predictProbabilities(column(0, of: holdout.features)), churned: holdoutLabels)
        return ChurnTraining(model: fit.model, vector: vector, options: options, evaluationAsOf: evaluationAsOf,
                             trainingRows: training.userIDs.count, trainingChurnRate: training.churnRate ?? 0,
                             fingerprint: training.fingerprint, iterations: fit.iterations, metrics: metrics, baseline: baseline)
    }

    /// Column `index` of a matrix as a one-column matrix (the baseline's recency input is column 0).
    private func column(_ index: Int, of matrix: FeatureMatrix) -> FeatureMatrix {
        FeatureMatrix(rows: matrix.rows, columns: 1, values: (0..<matrix.rows).map { matrix[$0, index] })
    }
}
