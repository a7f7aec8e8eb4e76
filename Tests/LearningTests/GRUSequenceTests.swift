import Foundation
import Testing
@testable import Learning

@Suite("GRU sequence model")
struct GRUSequenceTests {
    /// Random sequences with values in (−1.5, 1.5) and random labels.
    func randomSequences(count: Int, periods: Int, features: Int, seed: UInt64) -> (SequenceTensor, [Bool]) {
        var rng = Xoshiro256StarStar(seed: seed)
        let values = (0..<(count * periods * features)).map { _ in 3 * rng.nextUnitInterval() - 1.5 }
        let labels = (0..<count).map { _ in rng.nextBernoulli(0.5) }
        return (SequenceTensor(count: count, periods: periods, features: features, values: values), labels)
    }

    /// The GRU written out from PyTorch's equations with plain arrays, one gate at a time.
    func referenceProbability(_ model: GRUSequenceModel, _ sequences: SequenceTensor, _ s: Int) -> Double {
        let d = model.inputSize, h = model.hiddenSize
        let wih = Array(model.weightIH), whh = Array(model.weightHH), bih = Array(model.biasIH), bhh = Array(model.biasHH)
        func affine(_ w: [Double], _ b: [Double], gate: Int, row: Int, _ v: [Double]) -> Double {
            let k = gate * h + row
            return b[k] + v.indices.reduce(0) { $0 + w[k * v.count + $1] * v[$1] }
        }
        var state = [Double](repeating: 0, count: h)
        for t in 0..<sequences.periods {
            let start = (s * sequences.periods + t) * d
            let x = Array(sequences.values[start..<(start + d)])
            state = (0..<h).map { i in
                let r = 1 / (1 + exp(-(affine(wih, bih, gate: 0, row: i, x) + affine(whh, bhh, gate: 0, row: i, state))))
                let z = 1 / (1 + exp(-(affine(wih, bih, gate: 1, row: i, x) + affine(whh, bhh, gate: 1, row: i, state))))
                let n = tanh(affine(wih, bih, gate: 2, row: i, x) + r * affine(whh, bhh, gate: 2, row: i, state))
                return (1 - z) * n + z * state[i]
            }
        }
        let eta = model.outputBias + zip(model.outputWeight, state).reduce(0) { $0 + $1.0 * $1.1 }
        return 1 / (1 + exp(-eta))
    }

    @Test("predictions follow PyTorch's GRU equations, gate rows r, z, n, period 0 first")
    func forwardMatchesEquations() {
        let model = GRUSequenceModel(inputSize: 3, hiddenSize: 4, seed: 7)
        let (sequences, _) = randomSequences(count: 5, periods: 6, features: 3, seed: 8)
        let p = model.predictProbabilities(sequences)
        for s in 0..<5 { #expect(abs(p[s] - referenceProbability(model, sequences, s)) < 1e-14) }
    }

    @Test("one unit, one input, one period: the probability computed by hand")
    func handComputed() {
        // weight_ih = [0.5, -1, 2] (r, z, n), weight_hh = [0.3, 0.2, -0.4], biases 0.1 each, w = 1.5, b = -0.2.
        let model = GRUSequenceModel(inputSize: 1, hiddenSize: 1, parameters: [0.5, -1, 2, 0.3, 0.2, -0.4,
                                                                              0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 1.5, -0.2])
        let x = 0.8
        // h₀ = 0, so W_hh plays no part: r = σ(0.4 + 0.2), z = σ(−0.8 + 0.2), n = tanh(1.6 + 0.1 + r · 0.1), h₁ = (1 − z) n.
        let r = 1 / (1 + exp(-0.6)), z = 1 / (1 + exp(0.6)), n = tanh(1.7 + r * 0.1)
        let expected = 1 / (1 + exp(-(1.5 * (1 - z) * n - 0.2)))
        let p = model.predictProbabilities(SequenceTensor(count: 1, periods: 1, features: 1, values: [x]))
        #expect(abs(p[0] - expected) < 1e-15)
    }

    @Test("initial weights are uniform in (−1/√h, 1/√h), fixed by the seed")
    func initialisation() {
        let a = GRUSequenceModel(inputSize: 5, hiddenSize: 9, seed: 3)
        #expect(a.parameters.count == 3 * 9 * 5 + 3 * 9 * 9 + 6 * 9 + 9 + 1)
        #expect(a.parameters.allSatisfy { abs($0) < 1 / 3.0 })
        #expect(a.parameters.map(abs).max() ?? 0 > 0.3)
        #expect(a == GRUSequenceModel(inputSize: 5, hiddenSize: 9, seed: 3))
        #expect(a != GRUSequenceModel(inputSize: 5, hiddenSize: 9, seed: 4))
    }

    @Test("backpropagation through time equals central finite differences for every parameter (relative error < 1e-6)")
    func gradientMatchesFiniteDifferences() {
        let (sequences, labels) = randomSequences(count: 6, periods: 5, features: 3, seed: 11)
        let model = GRUSequenceModel(inputSize: 3, hiddenSize: 4, seed: 12)
        let (loss, gradient) = model.lossAndGradient(sequences, labels: labels)
        #expect(abs(loss - model.loss(sequences, labels: labels)) < 1e-14)
        let step = 1e-5
        var worst = 0.0
        for k in model.parameters.indices {
            var plus = model, minus = model
            plus.parameters[k] += step
            minus.parameters[k] -= step
            let numeric = (plus.loss(sequences, labels: labels) - minus.loss(sequences, labels: labels)) / (2 * step)
            // Relative to the larger magnitude; gradients below 1e-6 are compared absolutely.
            let error = abs(gradient[k] - numeric) / max(abs(gradient[k]), abs(numeric), 1e-6)
            worst = max(worst, error)
            #expect(error < 1e-6, "parameter \(k): analytic \(gradient[k]), numeric \(numeric)")
        }
        #expect(gradient.allSatisfy { $0.isFinite } && gradient.contains { abs($0) > 1e-3 })
        #expect(worst < 1e-6)
    }
}
