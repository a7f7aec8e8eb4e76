import Foundation

/// Settings for fitting ``GRUSequenceModel``. Adam's constants are PyTorch's defaults.
public struct GRUSequenceOptions: Sendable, Equatable {
    /// Width of the hidden state (h).
    public var hiddenSize: Int
    /// Adam's step size.
    public var learningRate: Double
    /// Adam's decay of the gradient's running mean (β1) and of its square's (β2), and ε.
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// Sequences per mini-batch (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// Passes over the training sequences at most.
    public var maximumEpochs: Int
    /// A mini-batch's gradient is scaled down to this global (L2) norm when longer, as
    /// `torch.nn.utils.clip_grad_norm_` does; nil never clips.
    public var gradientClipNorm: Double?
    /// Share of the sequences held out (stratified by label) to stop early on their log loss;
    /// 0 trains all `maximumEpochs` on every sequence and keeps the last weights.
    public var validationFraction: Double
    /// Stop after this many epochs in a row without a validation loss below the best so far.
    public var patience: Int
    /// Seed of the initial weights, the validation split and the mini-batch shuffles.
    public var seed: UInt64

    /// Creates fit settings.
    public init(hiddenSize: Int = 16, learningRate: Double = 0.01, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, batchSize: Int = 64, maximumEpochs: Int = 30, gradientClipNorm: Double? = 1,
                validationFraction: Double = 0.1, patience: Int = 3, seed: UInt64 = 0) {
        self.hiddenSize = hiddenSize
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.batchSize = batchSize
        self.maximumEpochs = maximumEpochs
        self.gradientClipNorm = gradientClipNorm
        self.validationFraction = validationFraction
        self.patience = patience
        self.seed = seed
    }
}

/// A fitted GRU with what the fit reported.
public struct GRUSequenceFit: Sendable, Equatable {
    /// The weights of the epoch with the lowest validation loss (the last epoch's without a split).
    public var model: GRUSequenceModel
    /// Mean mini-batch log loss during each epoch.
    public var trainingLoss: [Double]
    /// Validation log loss after each epoch; empty without a validation split.
    public var validationLoss: [Double]
    /// The epoch (1-based) whose weights ``model`` holds.
    public var bestEpoch: Int
    /// Whether training stopped before `maximumEpochs` because validation loss stalled.
    public var stoppedEarly: Bool
    /// Sequences trained on and sequences held out.
    public var trainingSequences: Int
    public var validationSequences: Int
}

extension GRUSequenceModel {
    /// Fits a GRU to binary labels by Adam on shuffled mini-batches of the mean log loss, with
    /// gradients by backpropagation through time, clipped by global norm, stopping early on a
    /// stratified held-out share. The same data, options and seed give the same model to the bit.
    ///
    /// - Throws: ``LearningError/invalidInput(model:index:reason:)`` for mismatched sizes,
    ///   non-finite values, one class only, or settings out of range.
    public static func fit(_ sequences: SequenceTensor, labels: [Bool],
                           options: GRUSequenceOptions = GRUSequenceOptions()) throws(LearningError) -> GRUSequenceFit {
        let name = "GRU sequence model"
        try validate(sequences, labels: labels, options: options, model: name)
        let (trainRows, validationRows) = GradientBoostedTreesModel.split(labels: labels, fraction: options.validationFraction,
                                                                          seed: options.seed)
        guard trainRows.contains(where: { labels[$0] }), trainRows.contains(where: { !labels[$0] }) else {
            throw .invalidInput(model: name, index: nil, reason: "the training sequences hold only one class")
        }
        var model = GRUSequenceModel(inputSize: sequences.features, hiddenSize: options.hiddenSize, seed: options.seed)
        let workspace = GRUWorkspace(kernel: GRUKernel(layout: model.layout, periods: sequences.periods))
        var adam = AdamState(count: model.parameters.count, options: options)
        var gradient = [Double](repeating: 0, count: model.parameters.count)
        var shuffler = Xoshiro256StarStar(seed: options.seed ^ 0x5EC0_E7CE)
        var order = trainRows
        var best = model, bestLoss = Double.infinity, bestEpoch = 0, stale = 0
        var trainingLoss: [Double] = [], validationLoss: [Double] = []
        var stoppedEarly = false

        for epoch in 1...options.maximumEpochs {
            order.shuffle(using: &shuffler)
            var epochLoss = 0.0
            var start = 0
            while start < order.count {
                let batch = order[start..<min(start + options.batchSize, order.count)]
                for k in gradient.indices { gradient[k] = 0 }
                let loss = workspace.accumulate(theta: model.parameters, sequences: sequences, labels: labels, indices: batch,
                                                gradient: &gradient)
                epochLoss += loss * Double(batch.count)
                if let clip = options.gradientClipNorm { clipByGlobalNorm(&gradient, to: clip) }
                adam.step(&model.parameters, gradient: gradient)
                start += options.batchSize
            }
            trainingLoss.append(epochLoss / Double(order.count))
            guard !validationRows.isEmpty else {
                best = model
                bestEpoch = epoch
                continue
            }
            let loss = workspace.meanLogLoss(theta: model.parameters, sequences: sequences, labels: labels, indices: validationRows)
            validationLoss.append(loss)
            if loss < bestLoss {
                best = model
                bestLoss = loss
                bestEpoch = epoch
                stale = 0
            } else {
                stale += 1
                if stale >= options.patience {
                    stoppedEarly = epoch < options.maximumEpochs
                    break
                }
            }
        }
        return GRUSequenceFit(model: best, trainingLoss: trainingLoss, validationLoss: validationLoss, bestEpoch: bestEpoch,
                              stoppedEarly: stoppedEarly, trainingSequences: trainRows.count, validationSequences: validationRows.count)
    }

    private static func validate(_ sequences: SequenceTensor, labels: [Bool], options: GRUSequenceOptions,
                                 model name: String) throws(LearningError) {
        guard sequences.count > 0 else { throw .invalidInput(model: name, index: nil, reason: "no sequences to fit") }
        guard labels.count == sequences.count else {
            throw .invalidInput(model: name, index: nil, reason: "\(labels.count) labels for \(sequences.count) sequences")
        }
        if let bad = sequences.values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidInput(model: name, index: bad / sequences.stride, reason:
                "period \(bad % sequences.stride / sequences.features), feature \(bad % sequences.features) is not finite")
        }
        guard options.hiddenSize >= 1, options.learningRate > 0, options.learningRate.isFinite, options.batchSize >= 1,
              options.maximumEpochs >= 1, options.patience >= 1, (0..<1).contains(options.beta1), (0..<1).contains(options.beta2),
              options.epsilon > 0, (options.gradientClipNorm ?? 1) > 0, (0..<1).contains(options.validationFraction) else {
            throw .invalidInput(model: name, index: nil, reason: "settings out of range: \(options)")
        }
    }

    /// Scales `gradient` to norm `maximum` when its norm exceeds it, with PyTorch's
    /// `clip_grad_norm_` rule (factor maximum / (norm + 10⁻⁶), applied only when below 1).
    static func clipByGlobalNorm(_ gradient: inout [Double], to maximum: Double) {
        var squares = 0.0
        for g in gradient { squares += g * g }
        let factor = maximum / (squares.squareRoot() + 1e-6)
        guard factor < 1 else { return }
        for k in gradient.indices { gradient[k] *= factor }
    }
}

/// Adam's running moments and step count, updating parameters as `torch.optim.Adam` does
/// (no weight decay, no AMSGrad).
struct AdamState {
    private var mean: [Double]
    private var square: [Double]
    private var steps = 0
    let learningRate: Double, beta1: Double, beta2: Double, epsilon: Double

    init(count: Int, options: GRUSequenceOptions) {
        mean = [Double](repeating: 0, count: count)
        square = mean
        learningRate = options.learningRate
        beta1 = options.beta1
        beta2 = options.beta2
        epsilon = options.epsilon
    }

    /// θ ← θ − lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε).
    mutating func step(_ theta: inout [Double], gradient: [Double]) {
        steps += 1
        let correction1 = 1 - pow(beta1, Double(steps))
        let correction2 = (1 - pow(beta2, Double(steps))).squareRoot()
        let stepSize = learningRate / correction1
        for k in theta.indices {
            let g = gradient[k]
            mean[k] = beta1 * mean[k] + (1 - beta1) * g
            square[k] = beta2 * square[k] + (1 - beta2) * g * g
            theta[k] -= stepSize * mean[k] / (square[k].squareRoot() / correction2 + epsilon)
        }
    }
}
