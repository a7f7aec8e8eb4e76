import Foundation

/// Settings for fitting ``GammaGammaModel`` by maximum likelihood.
public struct GammaGammaFitOptions: Sendable {
    /// L2 penalty λ: the objective is −(Σ wᵢ ℓᵢ)/(Σ wᵢ) + λ(p² + q² + γ²). 0 gives the plain MLE.
    public var penalty: Double
    /// Starting values; `nil` starts at p = q = γ = 1.
    public var start: GammaGammaModel?
    /// The optimiser; its gradient tolerance applies to the mean log-likelihood in log-parameters.
    public var optimizer: LBFGS

    /// Creates fit settings.
    public init(penalty: Double = 0, start: GammaGammaModel? = nil, optimizer: LBFGS = LBFGS()) {
        self.penalty = penalty
        self.start = start
        self.optimizer = optimizer
    }
}

/// A fitted Gamma-Gamma model with what the fit reported.
public struct GammaGammaFit: Sendable, Equatable {
    /// The maximum-likelihood parameters.
    public var model: GammaGammaModel
    /// The total (weighted) log-likelihood at ``model``, without the penalty.
    public var logLikelihood: Double
    /// Number of customers (sum of the weights).
    public var customers: Double
    /// The optimiser's report in log-parameter space.
    public var optimization: OptimizationResult
    /// Whether the maximum lies at q → ∞ (customers' spend differs only by order-to-order
    /// noise, ``GammaGammaLimit``): ``model`` is then that limit stored at q = 10,000 and
    /// ``logLikelihood`` the limit's.
    public var atHomogeneousLimit = false
}

extension GammaGammaModel {
    /// Fits the model by maximum likelihood to customers with at least one repeat transaction.
    ///
    /// Optimises the mean log-likelihood over (ln p, ln q, ln γ) with the analytic gradient and
    /// ``LBFGS``.
    ///
    /// - Parameters:
    ///   - spend: one (x, m̄) per customer, with x ≥ 1 and m̄ > 0 (leave out one-time buyers).
    ///   - weights: optional counts or weights, one per customer.
    /// Without a penalty, when the optimiser gives up on a ridge whose supremum (q → ∞, every
    /// customer's spend alike) is at least as likely as where it stopped, or when that limit is
    /// more likely than the point it converged to, the fit is the limit (``GammaGammaLimit``,
    /// flagged by ``GammaGammaFit/atHomogeneousLimit``).
    ///
    /// - Throws: ``LearningError/invalidInput(model:index:reason:)`` for empty data, x < 1 or
    ///   m̄ ≤ 0; ``LearningError/optimizationFailed(model:_:)`` when the optimiser gives up
    ///   and the limit is not the answer.
    public static func fit(
        _ spend: [SpendHistory], weights: [Double]? = nil, options: GammaGammaFitOptions = GammaGammaFitOptions()
    ) throws(LearningError) -> GammaGammaFit {
        let name = "Gamma-Gamma"
        guard !spend.isEmpty else { throw .invalidInput(model: name, index: nil, reason: "no customers to fit") }
        if let weights, weights.count != spend.count {
            throw .invalidInput(model: name, index: nil, reason: "\(weights.count) weights for \(spend.count) customers")
        }
        for (i, s) in spend.enumerated() {
            guard s.frequency >= 1 else {
                throw .invalidInput(model: name, index: i, reason:
                    "frequency \(s.frequency): the model needs at least one repeat transaction; leave one-time buyers out")
            }
            guard s.monetaryValue > 0, s.monetaryValue.isFinite else {
                throw .invalidInput(model: name, index: i, reason:
                    "monetary value \(s.monetaryValue) must be positive and finite; leave out customers with no spend")
            }
            let w = weights?[i] ?? 1
            guard w >= 0, w.isFinite else {
                throw .invalidInput(model: name, index: i, reason: "weight \(w) must be finite and >= 0")
            }
        }
        let w = weights ?? [Double](repeating: 1, count: spend.count)
        let totalWeight = w.reduce(0, +)
        guard totalWeight > 0 else { throw .invalidInput(model: name, index: nil, reason: "weights sum to zero") }
        let x = spend.map { Double($0.frequency) }
        let logX = x.map { log($0) }
        let m = spend.map(\.monetaryValue)
        let logM = m.map { log($0) }
        let penalty = options.penalty

        let start: [Double] = options.start.map { [log($0.p), log($0.q), log($0.gamma)] } ?? [0, 0, 0]
        let result: OptimizationResult
        let limit = penalty == 0 ? GammaGammaLimit.fit(x: x, m: m, weights: w) : nil
        func limitFit(iterations: Int) -> GammaGammaFit {
            let model = GammaGammaLimit.model(p: limit!.p, rate: limit!.rate)
            let point = [log(model.p), log(model.q), log(model.gamma)]
            let optimization = OptimizationResult(x: point, value: -limit!.logLikelihood / totalWeight, gradient: [0, 0, 0],
                                                  iterations: iterations, evaluations: iterations, gradientNorm: 0, converged: true)
            return GammaGammaFit(model: model, logLikelihood: limit!.logLikelihood, customers: totalWeight,
                                 optimization: optimization, atHomogeneousLimit: true)
        }
        // The most likely point the optimiser evaluated: where it stopped when it gives up.
        var best = (value: Double.infinity, logQ: start[1])
        do throws(OptimizationError) {
            result = try options.optimizer.minimize(from: start) { logParameters in
                let p = exp(logParameters[0])
                let q = exp(logParameters[1])
                let g = exp(logParameters[2])
                let lgQ = SpecialFunctions.logGamma(q)
                let psiQ = SpecialFunctions.digamma(q)
                let logG = log(g)
                var sum = 0.0, dP = 0.0, dQ = 0.0, dG = 0.0
                for i in x.indices {
                    let px = p * x[i]
                    let logDenominator = log(g + m[i] * x[i])
                    let lgPXQ = SpecialFunctions.logGamma(px + q)
                    let psiPXQ = SpecialFunctions.digamma(px + q)
                    let ll = lgPXQ - SpecialFunctions.logGamma(px) - lgQ + q * logG
                        + (px - 1) * logM[i] + px * logX[i] - (px + q) * logDenominator
                    sum += w[i] * ll
                    dP += w[i] * x[i] * (psiPXQ - SpecialFunctions.digamma(px) + logM[i] + logX[i] - logDenominator)
                    dQ += w[i] * (psiPXQ - psiQ + logG - logDenominator)
                    dG += w[i] * (q / g - (px + q) / (g + m[i] * x[i]))
                }
                let n = totalWeight
                let value = -sum / n + penalty * (p * p + q * q + g * g)
                if value < best.value { best = (value, logParameters[1]) }
                return (value, [
                    p * (-dP / n + 2 * penalty * p),
                    q * (-dQ / n + 2 * penalty * q),
                    g * (-dG / n + 2 * penalty * g),
                ])
            }
        } catch {
            // The optimiser stopped short on the ridge to q → ∞: past q = 10,000 the points along
            // it differ by less than lnΓ(q)'s rounding, so the line search can go no further and
            // the limit is the answer; so it is when the limit is at least as likely.
            switch error {
            case .lineSearchFailed(let iterations, _, _), .notConverged(let iterations, _, _):
                if let limit, exp(best.logQ) >= GammaGammaLimit.storedQ
                    || limit.logLikelihood >= -best.value * totalWeight - 1e-9 * abs(best.value * totalWeight) {
                    return limitFit(iterations: iterations)
                }
            case .nonFiniteStart: break
            }
            throw .optimizationFailed(model: name, error)
        }
        let model = GammaGammaModel(p: exp(result.x[0]), q: exp(result.x[1]), gamma: exp(result.x[2]))
        let total = spend.indices.reduce(0.0) { $0 + w[$1] * model.logLikelihood(spend[$1]) }
        if let limit, model.q >= GammaGammaLimit.storedQ || limit.logLikelihood > total + 1e-9 * abs(total) {
            return limitFit(iterations: result.iterations)
        }
        return GammaGammaFit(model: model, logLikelihood: total, customers: totalWeight, optimization: result)
    }
}
