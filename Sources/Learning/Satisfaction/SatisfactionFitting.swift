import Foundation

/// Settings for fitting ``SatisfactionModel``.
public struct SatisfactionOptions: Sendable, Equatable {
    /// L2 penalty λ on w_s and the input weights (not on b or the initial logit): the fit
    /// minimises the mean log loss + (λ/2) Σ w².
    public var l2Penalty: Double
    /// L-BFGS iteration limit.
    public var maximumIterations: Int
    /// Converged when every component of the objective's gradient is at most this.
    public var gradientTolerance: Double

    public init(l2Penalty: Double = 1e-3, maximumIterations: Int = 500, gradientTolerance: Double = 1e-7) {
        self.l2Penalty = l2Penalty
        self.maximumIterations = maximumIterations
        self.gradientTolerance = gradientTolerance
    }
}

/// A fitted satisfaction model and what the fit reported.
public struct SatisfactionFit: Sendable, Equatable {
    public let model: SatisfactionModel
    /// The model the fit started from.
    public let initial: SatisfactionModel
    /// (customer, period) pairs the objective sums over: every period t from a customer's start
    /// to the second-to-last, labelled by a purchase in t + 1.
    public let pairs: Int
    /// Share of pairs with a purchase in the next period.
    public let positiveRate: Double
    /// The penalised objective at the start and at the end.
    public let initialObjective: Double
    public let objective: Double
    /// The mean log loss (no penalty) at the start and at the end.
    public let initialLogLoss: Double
    public let logLoss: Double
    public let iterations: Int
}

extension SatisfactionModel {
    /// The training objective at `parameters` (``vector`` order) with its analytic gradient:
    /// the mean log loss of S(t) against a purchase in t + 1 over every pair, plus the L2
    /// penalty. The gradient is carried forward through the recursion (dS(t)/dθ = S(1 − S) ·
    /// (∂z/∂θ + w_s · dS(t−1)/dθ)), exact, checked against finite differences in the tests.
    public static func objective(_ parameters: [Double], histories: SatisfactionHistories, l2Penalty: Double)
        -> (value: Double, gradient: [Double], logLoss: Double, pairs: Int, positives: Int) {
        let model = SatisfactionModel(vector: parameters)
        let width = SatisfactionInput.count, p = 3 + width
        let initialIndex = p - 1
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: p)
        var pairs = 0, positives = 0
        var dPrevious = [Double](repeating: 0, count: p)
        var dz = [Double](repeating: 0, count: p)
        let zeros = [Double](repeating: 0, count: width)
        let s0 = model.initialScore
        for c in 0..<histories.count {
            let start = histories.starts[c], end = histories.offsets[c + 1]
            guard start < histories.periods - 1 else { continue }
            var previous = s0
            for j in 0..<p { dPrevious[j] = 0 }
            dPrevious[initialIndex] = s0 * (1 - s0)
            var k = histories.offsets[c]
            // Inputs of the current period; the label is whether the next period has a purchase.
            var current: ArraySlice<Double> = zeros[...]
            if k < end, Int(histories.entryPeriods[k]) == start {
                current = histories.entryInputs[(k * width)..<((k + 1) * width)]
                k += 1
            }
            for t in start..<(histories.periods - 1) {
                var z = model.bias + model.stateWeight * previous
                for i in 0..<width { z += model.inputWeights[i] * current[current.startIndex + i] }
                let s = logistic(z)
                var next: ArraySlice<Double> = zeros[...]
                if k < end, Int(histories.entryPeriods[k]) == t + 1 {
                    next = histories.entryInputs[(k * width)..<((k + 1) * width)]
                    k += 1
                }
                let y = next[next.startIndex] > 0
                loss += softplus(z) - (y ? z : 0)
                pairs += 1
                if y { positives += 1 }
                // dz/dθ: direct terms, then the previous score's sensitivity through w_s.
                dz[0] = 1
                dz[1] = previous
                for i in 0..<width { dz[2 + i] = current[current.startIndex + i] }
                dz[initialIndex] = 0
                let ws = model.stateWeight, residual = s - (y ? 1 : 0), slope = s * (1 - s)
                for j in 0..<p {
                    dz[j] += ws * dPrevious[j]
                    gradient[j] += residual * dz[j]
                    dPrevious[j] = slope * dz[j]
                }
                previous = s
                current = next
            }
        }
        let n = Double(max(pairs, 1))
        var value = loss / n
        for j in 0..<p { gradient[j] /= n }
        let logLoss = value
        for j in 1..<(p - 1) {
            value += 0.5 * l2Penalty * parameters[j] * parameters[j]
            gradient[j] += l2Penalty * parameters[j]
        }
        return (value, gradient, logLoss, pairs, positives)
    }

    /// Fits the weights by L-BFGS from `initial`, minimising ``objective(_:histories:l2Penalty:)``.
    ///
    /// - Throws: ``LearningError/invalidInput(model:index:reason:)`` when there is no pair to learn
    ///   from or every label is the same; ``LearningError/optimizationFailed(model:_:)`` when the
    ///   optimiser gives up.
    public static func fit(_ histories: SatisfactionHistories, from initial: SatisfactionModel = .initial,
                           options: SatisfactionOptions = SatisfactionOptions()) throws(LearningError) -> SatisfactionFit {
        let name = "satisfaction"
        if histories.entryInputs.contains(where: { !$0.isFinite }) {
            throw .invalidInput(model: name, index: nil, reason: "an input is not finite")
        }
        guard options.l2Penalty >= 0 else { throw .invalidInput(model: name, index: nil, reason: "L2 penalty \(options.l2Penalty) must be >= 0") }
        let start = objective(initial.vector, histories: histories, l2Penalty: options.l2Penalty)
        guard start.pairs > 0 else {
            throw .invalidInput(model: name, index: nil, reason: "no customer has two periods to learn from; use more periods or a later as-of")
        }
        guard start.positives > 0, start.positives < start.pairs else {
            throw .invalidInput(model: name, index: nil, reason: "every period is followed by the same outcome (\(start.positives) of \(start.pairs) with a purchase); a score needs both")
        }
        let minimizer = LBFGS(maximumIterations: options.maximumIterations, gradientTolerance: options.gradientTolerance)
        let result: OptimizationResult
        do {
            result = try minimizer.minimize(from: initial.vector) { x in
                let o = objective(x, histories: histories, l2Penalty: options.l2Penalty)
                return (o.value, o.gradient)
            }
        } catch {
            throw .optimizationFailed(model: name, error)
        }
        let end = objective(result.x, histories: histories, l2Penalty: options.l2Penalty)
        return SatisfactionFit(model: SatisfactionModel(vector: result.x), initial: initial, pairs: start.pairs,
                               positiveRate: Double(start.positives) / Double(start.pairs),
                               initialObjective: start.value, objective: end.value,
                               initialLogLoss: start.logLoss, logLoss: end.logLoss, iterations: result.iterations)
    }
}
