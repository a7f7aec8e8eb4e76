import Foundation

/// A one-layer GRU over each sequence with a logistic output on its final state, PyTorch's
/// `nn.GRU(d, h, batch_first=True)` followed by `nn.Linear(h, 1)` and a sigmoid:
///
///     r = σ(W_ir x + b_ir + W_hr h + b_hr)
///     z = σ(W_iz x + b_iz + W_hz h + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
///     h' = (1 − z) ⊙ n + z ⊙ h,     h₀ = 0,     P(y = 1) = σ(w · h_T + b)
///
/// All parameters live in one flat vector (``parameters``), in this order: `weight_ih` [3h, d],
/// `weight_hh` [3h, h], `bias_ih` [3h], `bias_hh` [3h] (gate rows r, z, n, as PyTorch stacks
/// them), `output_weight` [h], `output_bias` [1]; matrices row-major.
public struct GRUSequenceModel: Sendable, Equatable {
    /// Features per period (d).
    public let inputSize: Int
    /// Width of the hidden state (h).
    public let hiddenSize: Int
    /// Every parameter, in the order above; gradients use the same layout.
    public internal(set) var parameters: [Double]

    /// Creates a model from its flat parameter vector (layout in the type's documentation).
    public init(inputSize: Int, hiddenSize: Int, parameters: [Double]) {
        precondition(inputSize >= 1 && hiddenSize >= 1, "a GRU needs inputSize ≥ 1 and hiddenSize ≥ 1")
        let layout = GRULayout(inputSize: inputSize, hiddenSize: hiddenSize)
        precondition(parameters.count == layout.parameterCount,
                     "\(parameters.count) parameters for a GRU of input \(inputSize), hidden \(hiddenSize): expected \(layout.parameterCount)")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.parameters = parameters
    }

    /// A freshly initialised model, as PyTorch initialises `nn.GRU` and `nn.Linear`: every
    /// parameter uniform in (−1/√h, 1/√h), drawn in the flat order from a generator seeded with `seed`.
    public init(inputSize: Int, hiddenSize: Int, seed: UInt64) {
        let layout = GRULayout(inputSize: inputSize, hiddenSize: hiddenSize)
        let bound = 1 / Double(hiddenSize).squareRoot()
        var generator = Xoshiro256StarStar(seed: seed)
        let values = (0..<layout.parameterCount).map { _ in (2 * generator.nextUnitInterval() - 1) * bound }
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, parameters: values)
    }

    /// Where each parameter block starts in ``parameters``.
    var layout: GRULayout { GRULayout(inputSize: inputSize, hiddenSize: hiddenSize) }

    /// `weight_ih` [3h, d], gate rows r, z, n.
    public var weightIH: ArraySlice<Double> { parameters[layout.weightIH..<layout.weightHH] }
    /// `weight_hh` [3h, h].
    public var weightHH: ArraySlice<Double> { parameters[layout.weightHH..<layout.biasIH] }
    /// `bias_ih` [3h].
    public var biasIH: ArraySlice<Double> { parameters[layout.biasIH..<layout.biasHH] }
    /// `bias_hh` [3h].
    public var biasHH: ArraySlice<Double> { parameters[layout.biasHH..<layout.outputWeight] }
    /// `output_weight` [h]: w of σ(w · h_T + b).
    public var outputWeight: ArraySlice<Double> { parameters[layout.outputWeight..<layout.outputBias] }
    /// `output_bias`: b of σ(w · h_T + b).
    public var outputBias: Double { parameters[layout.outputBias] }

    /// P(y = 1) for every sequence, without allocations per sequence, on both cores when there are two.
    public func predictProbabilities(_ sequences: SequenceTensor) -> [Double] {
        precondition(sequences.features == inputSize, "sequences have \(sequences.features) features, the model \(inputSize)")
        return GRUWorkspace(kernel: GRUKernel(layout: layout, periods: sequences.periods))
            .probabilities(theta: parameters, sequences: sequences)
    }

    /// Mean log loss over `sequences` and its gradient with respect to every parameter (same
    /// layout as ``parameters``), by backpropagation through time.
    public func lossAndGradient(_ sequences: SequenceTensor, labels: [Bool]) -> (loss: Double, gradient: [Double]) {
        precondition(sequences.features == inputSize, "sequences have \(sequences.features) features, the model \(inputSize)")
        precondition(labels.count == sequences.count, "\(labels.count) labels for \(sequences.count) sequences")
        var gradient = [Double](repeating: 0, count: parameters.count)
        let workspace = GRUWorkspace(kernel: GRUKernel(layout: layout, periods: sequences.periods))
        let loss = workspace.accumulate(theta: parameters, sequences: sequences, labels: labels,
                                        indices: Array(0..<sequences.count)[...], gradient: &gradient)
        return (loss, gradient)
    }

    /// Mean log loss over `sequences`, computed from the log-odds (no clipping: the same loss
    /// whose gradient ``lossAndGradient(_:labels:)`` returns).
    public func loss(_ sequences: SequenceTensor, labels: [Bool]) -> Double {
        precondition(sequences.features == inputSize, "sequences have \(sequences.features) features, the model \(inputSize)")
        precondition(labels.count == sequences.count, "\(labels.count) labels for \(sequences.count) sequences")
        let workspace = GRUWorkspace(kernel: GRUKernel(layout: layout, periods: sequences.periods))
        return workspace.meanLogLoss(theta: parameters, sequences: sequences, labels: labels, indices: Array(0..<sequences.count))
    }
}

/// Offsets of the parameter blocks in a GRU's flat parameter vector.
struct GRULayout: Sendable, Equatable {
    let inputSize: Int
    let hiddenSize: Int
    var weightIH: Int { 0 }
    var weightHH: Int { 3 * hiddenSize * inputSize }
    var biasIH: Int { weightHH + 3 * hiddenSize * hiddenSize }
    var biasHH: Int { biasIH + 3 * hiddenSize }
    var outputWeight: Int { biasHH + 3 * hiddenSize }
    var outputBias: Int { outputWeight + hiddenSize }
    var parameterCount: Int { outputBias + 1 }
}
