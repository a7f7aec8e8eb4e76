import Foundation

/// Settings for fitting ``GradientBoostedTreesModel``. The defaults are scikit-learn's
/// `HistGradientBoostingClassifier` defaults (LightGBM's differ only in `minimumHessianPerLeaf`).
public struct GradientBoostingOptions: Sendable, Equatable {
    /// Boosting rounds (trees) at most.
    public var maximumIterations: Int
    /// Shrinkage η applied to every leaf value.
    public var learningRate: Double
    /// Leaves per tree at most (best-first growth); nil grows every leaf that can split up to
    /// `maximumDepth` (depth-wise growth).
    public var maximumLeafNodes: Int?
    /// Depth per tree at most (the root has depth 0); nil for no limit.
    public var maximumDepth: Int?
    /// Rows per leaf at least.
    public var minimumSamplesPerLeaf: Int
    /// Hessian sum per leaf at least.
    public var minimumHessianPerLeaf: Double
    /// A split must gain more than this.
    public var minimumSplitGain: Double
    /// L2 penalty λ on leaf values.
    public var l2Regularization: Double
    /// Bins per feature at most (2…255).
    public var maximumBins: Int
    /// Share of the training rows held out (stratified by label) to stop early on their log
    /// loss; nil or 0 trains all `maximumIterations` rounds on every row.
    public var validationFraction: Double?
    /// Stop when none of the last this-many rounds improved the validation loss by more than
    /// `tolerance` over the loss the round before them.
    public var earlyStoppingRounds: Int
    /// Improvement that counts for early stopping.
    public var tolerance: Double
    /// Seed of the validation split.
    public var seed: UInt64

    /// Creates fit settings.
    public init(maximumIterations: Int = 100, learningRate: Double = 0.1, maximumLeafNodes: Int? = 31, maximumDepth: Int? = nil,
                minimumSamplesPerLeaf: Int = 20, minimumHessianPerLeaf: Double = 1e-3, minimumSplitGain: Double = 0,
                l2Regularization: Double = 0, maximumBins: Int = 255, validationFraction: Double? = 0.1,
                earlyStoppingRounds: Int = 10, tolerance: Double = 1e-7, seed: UInt64 = 0) {
        self.maximumIterations = maximumIterations
        self.learningRate = learningRate
        self.maximumLeafNodes = maximumLeafNodes
        self.maximumDepth = maximumDepth
        self.minimumSamplesPerLeaf = minimumSamplesPerLeaf
        self.minimumHessianPerLeaf = minimumHessianPerLeaf
        self.minimumSplitGain = minimumSplitGain
        self.l2Regularization = l2Regularization
        self.maximumBins = maximumBins
        self.validationFraction = validationFraction
        self.earlyStoppingRounds = earlyStoppingRounds
        self.tolerance = tolerance
        self.seed = seed
    }
}

/// A fitted boosted ensemble with what the fit reported.
public struct GradientBoostingFit: Sendable, Equatable {
    /// The fitted model (every tree grown, as scikit-learn keeps them after early stopping).
    public var model: GradientBoostedTreesModel
    /// The binning the trees were grown on.
    public var binning: FeatureBinning
    /// Mean log loss of the training rows before the first tree, and after the last. (Not
    /// tracked round by round: nothing is decided on it, and the logarithm per row and round
    /// would cost a tenth of the fit.)
    public var initialTrainingLoss: Double
    public var finalTrainingLoss: Double
    /// Mean log loss of the validation rows before the first tree and after each tree (the
    /// early-stopping rule reads it); empty without a validation split.
    public var validationLoss: [Double]
    /// Whether boosting stopped before `maximumIterations` because validation loss stalled.
    public var stoppedEarly: Bool
    /// Rows used to grow trees and rows held out for early stopping.
    public var trainingRows: Int
    public var validationRows: Int
}

extension GradientBoostedTreesModel {
    /// Fits a boosted ensemble of regression trees to binary labels by Newton boosting on the
    /// log loss (gradient p − y, hessian p(1 − p) per row), growing each tree on binned
    /// features with ``HistogramTreeGrower``.
    ///
    /// - Throws: ``LearningError/invalidInput(model:index:reason:)`` for mismatched sizes,
    ///   non-finite features, one class only, or settings out of range.
    public static func fit(_ features: FeatureMatrix, labels: [Bool],
                           options: GradientBoostingOptions = GradientBoostingOptions()) throws(LearningError) -> GradientBoostingFit {
        let name = "gradient-boosted trees"
        try validate(features, labels: labels, options: options, model: name)
        let (trainRows, validationRows) = split(labels: labels, fraction: options.validationFraction ?? 0, seed: options.seed)
        let train = features.selecting(rows: trainRows), trainLabels = trainRows.map { labels[$0] }
        let validation = features.selecting(rows: validationRows), validationLabels = validationRows.map { labels[$0] }
        guard trainLabels.contains(true), trainLabels.contains(false) else {
            throw .invalidInput(model: name, index: nil, reason: "the training rows hold only one class")
        }

        let binning = FeatureBinning(fitting: train, maximumBins: options.maximumBins)
        var grower = HistogramTreeGrower(bins: binning.binRows(train), rowCount: train.rows, binning: binning, options: options)
        let validationBins = binning.binRows(validation)
        let positives = Double(trainLabels.lazy.filter { $0 }.count)
        let baseline = log(positives / (Double(train.rows) - positives))
        let y = trainLabels.map { $0 ? 1.0 : 0.0 }

        var raw = [Double](repeating: baseline, count: train.rows)
        var validationRaw = [Double](repeating: baseline, count: validation.rows)
        let validationY = validationLabels.map { $0 ? 1.0 : 0.0 }
        var gradientsAndHessians = [Double](repeating: 0, count: 2 * train.rows)
        var trees: [RegressionTree] = []
        let initialTrainingLoss = meanLogLoss(raw, y)
        var validationLoss = validation.rows > 0 ? [meanLogLoss(validationRaw, validationY)] : []
        var stoppedEarly = false

        for _ in 0..<options.maximumIterations {
            LogLossGradients.compute(raw: raw, labels: y, into: &gradientsAndHessians, worker: grower.worker)
            let (tree, leaves) = grower.grow(gradientsAndHessians: gradientsAndHessians)
            if tree.nodeCount == 1 { break }  // nothing left to gain: further rounds would add constants
            trees.append(tree)
            grower.withRowOrder { order in
                for leaf in leaves {
                    for k in leaf.rows { raw[Int(order[k])] += leaf.value }
                }
            }
            for i in 0..<validation.rows {
                validationRaw[i] += tree.value(binned: validationBins, row: i, featureCount: features.columns)
            }
            if validation.rows > 0 {
                validationLoss.append(meanLogLoss(validationRaw, validationY))
                if shouldStop(validationLoss, rounds: options.earlyStoppingRounds, tolerance: options.tolerance) {
                    stoppedEarly = true
                    break
                }
            }
        }
        let model = GradientBoostedTreesModel(baseline: baseline, featureCount: features.columns, trees: trees)
        return GradientBoostingFit(model: model, binning: binning, initialTrainingLoss: initialTrainingLoss,
                                   finalTrainingLoss: meanLogLoss(raw, y), validationLoss: validationLoss,
                                   stoppedEarly: stoppedEarly, trainingRows: train.rows, validationRows: validation.rows)
    }

    private static func validate(_ features: FeatureMatrix, labels: [Bool], options: GradientBoostingOptions, model name: String) throws(LearningError) {
        guard features.rows > 0 else { throw .invalidInput(model: name, index: nil, reason: "no rows to fit") }
        guard labels.count == features.rows else {
            throw .invalidInput(model: name, index: nil, reason: "\(labels.count) labels for \(features.rows) rows")
        }
        if let bad = features.values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidInput(model: name, index: bad / max(features.columns, 1), reason: "a feature value is not finite")
        }
        guard options.maximumIterations >= 1, options.learningRate > 0, options.minimumSamplesPerLeaf >= 1,
              options.l2Regularization >= 0, (2...255).contains(options.maximumBins), options.earlyStoppingRounds >= 1,
              (options.maximumLeafNodes ?? 2) >= 2, (options.maximumDepth ?? 1) >= 1,
              options.maximumLeafNodes != nil || options.maximumDepth != nil,
              (0..<1).contains(options.validationFraction ?? 0) else {
            throw .invalidInput(model: name, index: nil, reason: "settings out of range: \(options)")
        }
    }

    /// Row indices for growing trees and for early stopping: `fraction` of each class, chosen by
    /// a seeded shuffle, held out (at least one row of each class when the fraction is positive).
    static func split(labels: [Bool], fraction: Double, seed: UInt64) -> (train: [Int], validation: [Int]) {
        guard fraction > 0 else { return (Array(labels.indices), []) }
        var generator = Xoshiro256StarStar(seed: seed)
        var validation: [Int] = []
        for label in [false, true] {
            var rows = labels.indices.filter { labels[$0] == label }
            rows.shuffle(using: &generator)
            let held = min(max(Int((fraction * Double(rows.count)).rounded(.up)), 1), rows.count - 1)
            if held > 0 { validation += rows.prefix(held) }
        }
        validation.sort()
        var isHeld = [Bool](repeating: false, count: labels.count)
        for row in validation { isHeld[row] = true }
        return (labels.indices.filter { !isHeld[$0] }, validation)
    }

    /// scikit-learn's rule: stop when none of the last `rounds` losses is below the loss just
    /// before them minus `tolerance`.
    static func shouldStop(_ losses: [Double], rounds: Int, tolerance: Double) -> Bool {
        guard losses.count > rounds else { return false }
        let reference = losses[losses.count - rounds - 1] - tolerance
        return !losses.suffix(rounds).contains { $0 < reference }
    }

    static func meanLogLoss(_ raw: [Double], _ y: [Double]) -> Double {
        guard !raw.isEmpty else { return 0 }
        var total = 0.0
        for i in raw.indices { total += softplus(raw[i]) - y[i] * raw[i] }
        return total / Double(raw.count)
    }
}

extension RegressionTree {
    /// The leaf contribution for row `row` of row-major `bins` (the training binning).
    func value(binned bins: [UInt8], row: Int, featureCount: Int) -> Double {
        var node = 0
        while feature[node] >= 0 {
            node = Int(bins[row * featureCount + feature[node]]) <= bin[node] ? left[node] : right[node]
        }
        return value[node]
    }
}
