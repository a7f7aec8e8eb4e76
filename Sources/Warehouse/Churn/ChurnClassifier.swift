import Learning

/// The learner behind a churn model (`train churn --model`).
public enum ChurnModelKind: String, Sendable, CaseIterable {
    /// L2-regularised logistic regression on standardised features.
    case logistic
    /// Histogram gradient-boosted trees (``GradientBoostedTreesModel``).
    case gbt
    /// A GRU over each customer's per-period history (``GRUSequenceClassifier``).
    case sequence
}

/// The sequence churn model: the GRU with its input scaling, and the shape of the histories it
/// reads (both stored with the snapshot, so scoring builds the same sequences).
public struct ChurnSequenceModel: Sendable, Equatable {
    public let classifier: GRUSequenceClassifier
    public let shape: ChurnSequenceShape

    public init(classifier: GRUSequenceClassifier, shape: ChurnSequenceShape) {
        self.classifier = classifier
        self.shape = shape
    }
}

/// A fitted churn classifier of any kind: what training returns, the registry stores and
/// scoring applies, so `score churn@production` works whatever the kind.
public enum ChurnClassifier: Sendable {
    case logistic(LogisticRegressionModel)
    case gradientBoostedTrees(GradientBoostedTreesModel)
    case sequence(ChurnSequenceModel)

    /// The kind of learner.
    public var kind: ChurnModelKind {
        switch self {
        case .logistic: .logistic
        case .gradientBoostedTrees: .gbt
        case .sequence: .sequence
        }
    }

    /// Number of inputs: features of a row, or features of one period of a sequence.
    public var featureCount: Int {
        switch self {
        case .logistic(let model): model.featureCount
        case .gradientBoostedTrees(let model): model.featureCount
        case .sequence(let model): model.classifier.inputSize
        }
    }

    /// P(churn) for every feature row, for the kinds that read one row per user; the sequence
    /// model reads histories instead (``Warehouse/churnProbabilities(_:on:)`` handles every kind).
    public func predictProbabilities(_ features: FeatureMatrix) -> [Double] {
        switch self {
        case .logistic(let model): model.predictProbabilities(features)
        case .gradientBoostedTrees(let model): model.predictProbabilities(features)
        case .sequence: preconditionFailure("the sequence model scores histories, not feature rows: use Warehouse.churnProbabilities")
        }
    }

    /// Each feature's share of the trees' split gain; nil for logistic regression, whose
    /// coefficients say the same, and for the sequence model.
    public var featureImportances: [Double]? {
        if case .gradientBoostedTrees(let model) = self { return model.featureImportances }
        return nil
    }

    /// The parameters the registry stores.
    func encodeParameters() -> ModelParameters {
        switch self {
        case .logistic(let model): model.encodeParameters()
        case .gradientBoostedTrees(let model): model.encodeParameters()
        case .sequence(let model): model.classifier.encodeParameters()
        }
    }
}

extension ChurnEngine {
    /// Decodes a stored churn snapshot's classifier by the snapshot's kind (checksum verified);
    /// a sequence model's history shape comes from its hyperparameters.
    func churnClassifier(_ snapshot: ModelSnapshot) throws -> ChurnClassifier {
        switch snapshot.kind {
        case GradientBoostedTreesModel.parameterKind:
            return .gradientBoostedTrees(try loadModel(GradientBoostedTreesModel.self, from: snapshot))
        case GRUSequenceClassifier.parameterKind:
            guard let period = snapshot.hyperparameters["sequence_period"]?.stringValue.flatMap(ChurnSequenceShape.Period.init),
                  let periods = snapshot.hyperparameters["periods"]?.doubleValue.flatMap({ Int(exactly: $0) }), periods >= 1 else {
                throw ChurnTrainingError(description: "\(snapshot.reference) does not record its sequence_period and periods; retrain it with `lifecycle train churn --model sequence`")
            }
            let classifier = try loadModel(GRUSequenceClassifier.self, from: snapshot)
            return .sequence(ChurnSequenceModel(classifier: classifier, shape: ChurnSequenceShape(period: period, periods: periods)))
        default:
            return .logistic(try loadModel(LogisticRegressionModel.self, from: snapshot))
        }
    }

    /// P(churn) of every user of `dataset` by any kind of churn model: the feature rows for
    /// logistic regression and trees, the users' histories as of the dataset's as-of (read in
    /// chunks) for the sequence model.
    public func churnProbabilities(_ model: ChurnClassifier, on dataset: ChurnDataset) throws -> [Double] {
        guard case .sequence(let sequence) = model else { return model.predictProbabilities(dataset.features) }
        var probabilities: [Double] = []
        probabilities.reserveCapacity(dataset.userIDs.count)
        try forEachChurnSequenceChunk(users: dataset.userIDs, asOf: dataset.asOf, shape: sequence.shape) { _, chunk in
            probabilities += sequence.classifier.predictProbabilities(chunk)
        }
        return probabilities
    }
}
