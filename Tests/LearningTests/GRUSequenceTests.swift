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

    @Test("clipping scales a long gradient to the norm as PyTorch does and leaves a short one alone")
    func clipping() {
        var long = [3.0, 4.0]
        GRUSequenceModel.clipByGlobalNorm(&long, to: 1)
        #expect(abs(long[0] - 3 / (5 + 1e-6)) < 1e-15 && abs(long[1] - 4 / (5 + 1e-6)) < 1e-15)
        var short = [0.3, 0.4]
        GRUSequenceModel.clipByGlobalNorm(&short, to: 1)
        #expect(short == [0.3, 0.4])
    }

    @Test("Adam's first step moves every parameter by the learning rate against its gradient's sign")
    func adamFirstStep() {
        var adam = AdamState(count: 3, options: GRUSequenceOptions(learningRate: 0.01, epsilon: 1e-12))
        var theta = [1.0, 1.0, 1.0]
        adam.step(&theta, gradient: [0.5, -2, 1e-3])
        #expect(abs(theta[0] - 0.99) < 1e-9 && abs(theta[1] - 1.01) < 1e-9 && abs(theta[2] - 0.99) < 1e-9)
    }

    /// Activity per period for `count` customers over `periods` periods: a label-1 customer's
    /// activity fell over the last three periods, a label-0 customer's did not. Both end at the
    /// same level drawn from the same distribution, so the last period alone says nothing.
    func decliningActivity(count: Int, periods: Int, seed: UInt64) -> (SequenceTensor, [Bool]) {
        var rng = Xoshiro256StarStar(seed: seed)
        var values: [Double] = [], labels: [Bool] = []
        for _ in 0..<count {
            let declined = rng.nextBernoulli(0.5)
            let level = 0.2 + rng.nextUnitInterval()
            for t in 0..<periods {
                let early = t < periods - 3
                let mean = early && declined ? level + 0.8 : level
                values.append(mean + 0.15 * rng.nextStandardNormal())
                values.append(rng.nextStandardNormal())  // a feature that is noise only
            }
            labels.append(declined)
        }
        return (SequenceTensor(count: count, periods: periods, features: 2, values: values), labels)
    }

    @Test("learns that activity fell over the last periods, which a last-period-only model cannot see")
    func learnsDecline() throws {
        let periods = 8
        let (train, trainLabels) = decliningActivity(count: 1500, periods: periods, seed: 21)
        let (test, testLabels) = decliningActivity(count: 600, periods: periods, seed: 22)
        let options = GRUSequenceOptions(hiddenSize: 8, learningRate: 0.02, batchSize: 32, maximumEpochs: 15, seed: 5)
        let fit = try GRUSequenceModel.fit(train, labels: trainLabels, options: options)
        let auc = try #require(RankingMetrics.rocAUC(scores: fit.model.predictProbabilities(test), labels: testLabels))
        #expect(auc > 0.9, "held-out ROC AUC \(auc)")

        func lastPeriod(_ s: SequenceTensor) -> FeatureMatrix {
            FeatureMatrix(rows: s.count, columns: 2, values: (0..<s.count).flatMap { i in
                s.values[((i * periods + periods - 1) * 2)..<((i * periods + periods) * 2)]
            })
        }
        let baseline = try LogisticRegressionModel.fit(lastPeriod(train), labels: trainLabels).model
        let baselineAUC = try #require(RankingMetrics.rocAUC(scores: baseline.predictProbabilities(lastPeriod(test)), labels: testLabels))
        #expect(baselineAUC < 0.6, "last-period logistic regression ROC AUC \(baselineAUC)")
        // 10% of each class, rounded up.
        #expect(fit.trainingSequences + fit.validationSequences == 1500 && (150...151).contains(fit.validationSequences))
        #expect((1...fit.validationLoss.count).contains(fit.bestEpoch))
        #expect(fit.validationLoss[fit.bestEpoch - 1] == fit.validationLoss.min())
    }

    @Test("two fits with the same seed are equal to the bit; another seed gives other weights")
    func deterministic() throws {
        let (sequences, labels) = decliningActivity(count: 300, periods: 6, seed: 31)
        let options = GRUSequenceOptions(hiddenSize: 5, batchSize: 16, maximumEpochs: 4, seed: 9)
        let a = try GRUSequenceModel.fit(sequences, labels: labels, options: options)
        let b = try GRUSequenceModel.fit(sequences, labels: labels, options: options)
        #expect(a == b)
        #expect(a.model.parameters.map(\.bitPattern) == b.model.parameters.map(\.bitPattern))
        var other = options
        other.seed = 10
        #expect(try GRUSequenceModel.fit(sequences, labels: labels, options: other).model != a.model)
    }

    @Test("keeps the best epoch's weights when validation loss rises, and stops after `patience` epochs")
    func earlyStopping() throws {
        // Random labels: the model can only overfit, so validation loss stops improving quickly.
        let (sequences, labels) = randomSequences(count: 200, periods: 4, features: 3, seed: 41)
        let options = GRUSequenceOptions(hiddenSize: 16, learningRate: 0.05, batchSize: 8, maximumEpochs: 40,
                                         validationFraction: 0.3, patience: 2, seed: 1)
        let fit = try GRUSequenceModel.fit(sequences, labels: labels, options: options)
        #expect(fit.stoppedEarly)
        #expect(fit.validationLoss.count == fit.bestEpoch + 2)
        #expect(fit.validationLoss[fit.bestEpoch - 1] == fit.validationLoss.min())
        let validation = GradientBoostedTreesModel.split(labels: labels, fraction: 0.3, seed: 1).validation
        let held = sequences.selecting(validation)
        #expect(fit.model.loss(held, labels: validation.map { labels[$0] }) == fit.validationLoss[fit.bestEpoch - 1])
    }

    @Test("refuses mismatched labels, non-finite values, one class and settings out of range, naming the sequence")
    func refusals() {
        let (sequences, labels) = randomSequences(count: 20, periods: 3, features: 2, seed: 51)
        #expect(throws: LearningError.self) { try GRUSequenceModel.fit(sequences, labels: Array(labels.dropLast())) }
        var broken = sequences
        broken.values[2 * 6 + 3] = .nan
        #expect(throws: LearningError.invalidInput(model: "GRU sequence model", index: 2, reason: "period 1, feature 1 is not finite")) {
            try GRUSequenceModel.fit(broken, labels: labels)
        }
        #expect(throws: LearningError.self) { try GRUSequenceModel.fit(sequences, labels: labels.map { _ in true }) }
        #expect(throws: LearningError.self) {
            try GRUSequenceModel.fit(sequences, labels: labels, options: GRUSequenceOptions(batchSize: 0))
        }
        #expect(throws: LearningError.self) {
            try GRUSequenceModel.fit(sequences, labels: labels, options: GRUSequenceOptions(gradientClipNorm: 0))
        }
    }

    @Test("weights round-trip exactly under PyTorch's names and shapes; a wrong shape is refused")
    func parameters() throws {
        let model = GRUSequenceModel(inputSize: 3, hiddenSize: 4, seed: 61)
        let encoded = model.encodeParameters()
        #expect(encoded.kind == "gru_sequence")
        #expect(encoded.tensors.map(\.name) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "output_weight", "output_bias"])
        #expect(encoded.tensors.map(\.shape) == [[12, 3], [12, 4], [12], [12], [4], []])
        #expect(encoded["weight_hh"]?.values == Array(model.weightHH))
        #expect(try GRUSequenceModel(parameters: encoded) == model)
        var wrong = encoded
        wrong.tensors[1] = NamedTensor(name: "weight_hh", shape: [12, 3], values: Array(model.weightHH.prefix(36)))
        #expect(throws: LearningError.self) { try GRUSequenceModel(parameters: wrong) }
        var notThree = encoded
        notThree.tensors[0] = NamedTensor(name: "weight_ih", shape: [11, 3], values: [Double](repeating: 0, count: 33))
        #expect(throws: LearningError.self) { try GRUSequenceModel(parameters: notThree) }
    }
}
