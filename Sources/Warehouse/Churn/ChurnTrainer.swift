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
    /// The learner.
    public var model: ChurnModelKind
    /// Logistic regression's L2 penalty on the standardised coefficients.
    public var l2Penalty: Double
    /// The boosted trees' settings (their early-stopping split is taken from the training
    /// as-of's users, never from the holdout).
    public var boosting: GradientBoostingOptions
    /// The sequence model's fit settings (its early-stopping split, too, is taken from the
    /// training as-of's users) and the shape of the histories it reads.
    public var sequence: GRUSequenceOptions
    public var sequenceShape: ChurnSequenceShape
    /// A stored satisfaction model (`satisfaction@N`, trained as of this as-of or earlier) whose
    /// score becomes the input `satisfaction` of the feature-row learners (opt-in; docs/satisfaction.md).
    public var satisfactionModel: String?

    public init(asOf: Int64, horizonSeconds: Int64, evaluationAsOf: Int64? = nil, model: ChurnModelKind = .logistic,
                l2Penalty: Double = 1, boosting: GradientBoostingOptions = GradientBoostingOptions(),
                sequence: GRUSequenceOptions = GRUSequenceOptions(), sequenceShape: ChurnSequenceShape = .standard,
                satisfactionModel: String? = nil) {
        self.satisfactionModel = satisfactionModel
        self.asOf = asOf
        self.horizonSeconds = horizonSeconds
        self.evaluationAsOf = evaluationAsOf
        self.model = model
        self.l2Penalty = l2Penalty
        self.boosting = boosting
        self.sequence = sequence
        self.sequenceShape = sequenceShape
    }
}

/// A trained and evaluated churn model with the facts its snapshot records.
public struct ChurnTraining: Sendable {
    public let model: ChurnClassifier
    public let vector: ChurnFeatureVector
    public let options: ChurnTrainingOptions
    public let evaluationAsOf: Int64
    public let trainingRows: Int
    public let trainingChurnRate: Double
    public let fingerprint: String
    /// Newton iterations (logistic regression), trees grown (boosting) or epochs run (sequence).
    public let iterations: Int
    /// Whether boosting or the sequence model stopped early on its validation split (false for
    /// logistic regression).
    public let stoppedEarly: Bool
    /// The epoch whose weights the sequence model keeps (nil for the other kinds).
    public let bestEpoch: Int?
    /// Wall-clock seconds of the fit alone (not reading features).
    public let trainingSeconds: Double
    /// Wall-clock seconds to score the holdout's users, per 100,000 users.
    public let scoringSecondsPer100k: Double
    /// The model on the holdout as-of.
    public let metrics: ChurnMetrics
    /// The recency-only baseline, trained and evaluated the same way.
    public let baseline: ChurnMetrics
}

/// Why a churn model could not be trained.
public struct ChurnTrainingError: Error, CustomStringConvertible {
    public let description: String
}

extension ChurnEngine {
    /// Trains the churn model as of `options.asOf` and evaluates it, and a recency-only baseline,
    /// on the later holdout as-of. Both label windows must be fully inside the data.
    public func trainChurn(_ options: ChurnTrainingOptions) throws -> ChurnTraining {
        guard let dataEnd = try dayAfterLastOrder(currency: nil) else { throw ChurnTrainingError(description: "the warehouse has no orders: import some first") }
        let evaluationAsOf = options.evaluationAsOf ?? options.asOf + options.horizonSeconds
        guard evaluationAsOf >= options.asOf + options.horizonSeconds else {
            throw ChurnTrainingError(description: "the evaluation as-of \(CalendarDate.day(evaluationAsOf)) must be at least one horizon after the training as-of, so the label windows do not overlap")
        }
        guard evaluationAsOf + options.horizonSeconds <= dataEnd else {
            let latest = dataEnd - 2 * options.horizonSeconds
            throw ChurnTrainingError(description: "the holdout window ends \(CalendarDate.day(evaluationAsOf + options.horizonSeconds)), after the data (last order before \(CalendarDate.day(dataEnd))): use --as-of \(CalendarDate.day(latest)) or earlier, or a shorter --horizon")
        }
        var vector = ChurnFeatureVector.standard
        if let satisfaction = options.satisfactionModel {
            vector = .withSatisfaction(try satisfactionForChurn(satisfaction, asOf: options.asOf, model: options.model))
        }
        let training = try churnDataset(asOf: options.asOf, horizonSeconds: options.horizonSeconds, vector: vector)
        let holdout = try churnDataset(asOf: evaluationAsOf, horizonSeconds: options.horizonSeconds, vector: vector)
        guard let labels = training.churned, let holdoutLabels = holdout.churned, training.userIDs.count >= 10, holdout.userIDs.count >= 10 else {
            throw ChurnTrainingError(description: "too few users with purchases before \(CalendarDate.day(options.asOf)) to train (\(training.userIDs.count)); use a later --as-of")
        }
        guard Set(labels).count == 2 else {
            throw ChurnTrainingError(description: "every user before \(CalendarDate.day(options.asOf)) has the same label; a model needs both churners and returners")
        }
        let regression = LogisticRegressionOptions(l2Penalty: options.l2Penalty)
        // The sequence model reads histories of the same users; they are built before the clock
        // starts, as the feature rows are.
        var sequences = options.model == .sequence
            ? try churnSequences(users: training.userIDs, asOf: options.asOf, shape: options.sequenceShape) : nil
        let fingerprint = sequences.map { Self.fingerprint(training, sequences: $0) } ?? training.fingerprint
        let clock = ContinuousClock()
        var model: ChurnClassifier?
        var iterations = 0, stoppedEarly = false
        var bestEpoch: Int?
        let baselineFit: LogisticRegressionFit
        let trainingTime: Duration
        do {
            trainingTime = try clock.measure {
                switch options.model {
                case .logistic:
                    let fit = try LogisticRegressionModel.fit(training.features, labels: labels, options: regression)
                    (model, iterations) = (.logistic(fit.model), fit.iterations)
                case .gbt:
                    let fit = try GradientBoostedTreesModel.fit(training.features, labels: labels, options: options.boosting)
                    (model, iterations, stoppedEarly) = (.gradientBoostedTrees(fit.model), fit.model.trees.count, fit.stoppedEarly)
                case .sequence:
                    // Handed over, not copied: the fit scales the histories in place.
                    guard let histories = sequences.take() else { break }
                    let (classifier, fit) = try GRUSequenceClassifier.fit(consume histories, labels: labels, options: options.sequence)
                    model = .sequence(ChurnSequenceModel(classifier: classifier, shape: options.sequenceShape))
                    (iterations, stoppedEarly, bestEpoch) = (fit.trainingLoss.count, fit.stoppedEarly, fit.bestEpoch)
                }
            }
            baselineFit = try LogisticRegressionModel.fit(column(0, of: training.features), labels: labels, options: regression)
        } catch {
            throw ChurnTrainingError(description: "churn model as of \(CalendarDate.day(options.asOf)): \(error)")
        }
        guard let model else { throw ChurnTrainingError(description: "churn model as of \(CalendarDate.day(options.asOf)): the fit returned no model") }
        var probabilities: [Double] = []
        var scoringTime = Duration.zero
        if case .sequence(let sequence) = model {
            // Chunk by chunk, as scoring reads them; only the predictions are timed.
            try forEachChurnSequenceChunk(users: holdout.userIDs, asOf: evaluationAsOf, shape: sequence.shape) { _, chunk in
                scoringTime += clock.measure { probabilities += sequence.classifier.predictProbabilities(chunk) }
            }
        } else {
            scoringTime = clock.measure { probabilities = model.predictProbabilities(holdout.features) }
        }
        let metrics = ChurnMetrics(probabilities: probabilities, churned: holdoutLabels)
        let baseline = ChurnMetrics(probabilities: baselineFit.model.predictProbabilities(column(0, of: holdout.features)), churned: holdoutLabels)
        return ChurnTraining(model: model, vector: vector, options: options, evaluationAsOf: evaluationAsOf,
                             trainingRows: training.userIDs.count, trainingChurnRate: training.churnRate ?? 0,
                             fingerprint: fingerprint,
                             iterations: iterations, stoppedEarly: stoppedEarly, bestEpoch: bestEpoch,
                             trainingSeconds: trainingTime.seconds,
                             scoringSecondsPer100k: scoringTime.seconds * 100_000 / Double(max(holdout.userIDs.count, 1)),
                             metrics: metrics, baseline: baseline)
    }

    /// SHA-256 of what the sequence model was fitted on: per user in order, its id, its
    /// sequence's values and its label.
    private static func fingerprint(_ training: ChurnDataset, sequences: SequenceTensor) -> String {
        var fingerprint = DataFingerprint()
        for (row, user) in training.userIDs.enumerated() {
            fingerprint.add(user)
            for k in (row * sequences.stride)..<((row + 1) * sequences.stride) { fingerprint.add(sequences.values[k]) }
            if let churned = training.churned { fingerprint.add(Int64(churned[row] ? 1 : 0)) }
        }
        return fingerprint.hex()
    }

    /// Column `index` of a matrix as a one-column matrix (the baseline's recency input is column 0).
    private func column(_ index: Int, of matrix: FeatureMatrix) -> FeatureMatrix {
        FeatureMatrix(rows: matrix.rows, columns: 1, values: (0..<matrix.rows).map { matrix[$0, index] })
    }
}
