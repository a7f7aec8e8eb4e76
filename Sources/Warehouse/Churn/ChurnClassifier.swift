import Learning

/// The learner behind a churn model (`train churn --model`).
public enum ChurnModelKind: String, Sendable, CaseIterable {
    /// L2-regularised logistic regression on standardised features.
    case logistic
    /// Histogram gradient-boosted trees (``GradientBoostedTreesModel``).
    case gbt
}

/// A fitted churn classifier of any kind: what training returns, the registry stores and
/// scoring applies, so `score churn@production` works whatever the kind.
public enum ChurnClassifier: Sendable {
    case logistic(LogisticRegressionModel)
    case gradientBoostedTrees(GradientBoostedTreesModel)

    /// The kind of learner.
    public var kind: ChurnModelKind {
        switch self {
        case .logistic: .logistic
        case .gradientBoostedTrees: .gbt
        }
    }

    /// Number of features a row must have.
    public var featureCount: Int {
        switch self {
        case .logistic(let model): model.featureCount
        case .gradientBoostedTrees(let model): model.featureCount
        }
    }

    /// P(churn) for every row.
    public func predictProbabilities(_ features: FeatureMatrix) -> [Double] {
        switch self {
        case .logistic(let model): model.predictProbabilities(features)
        case .gradientBoostedTrees(let model): model.predictProbabilities(features)
        }
    }

    /// Each feature's share of the trees' split gain; nil for logistic regression, whose
    /// coefficients say the same.
    public var featureImportances: [Double]? {
        if case .gradientBoostedTrees(let model) = self { return model.featureImportances }
        return nil
    }

    /// The parameters the registry stores.
    func encodeParameters() -> ModelParameters {
        switch self {
        case .logistic(let model): model.encodeParameters()
        case .gradientBoostedTrees(let model): model.encodeParameters()
        }
    }
}

extension Warehouse {
    /// Decodes a stored churn snapshot's classifier by the snapshot's kind (checksum verified).
    func churnClassifier(_ snapshot: ModelSnapshot) throws -> ChurnClassifier {
        switch snapshot.kind {
        case GradientBoostedTreesModel.parameterKind:
            return .gradientBoostedTrees(try loadModel(GradientBoostedTreesModel.self, from: snapshot))
        default:
            return .logistic(try loadModel(LogisticRegressionModel.self, from: snapshot))
        }
    }
}
