import Foundation

/// Settings for fitting ``BGNBDModel`` by maximum likelihood.
public struct BGNBDFitOptions: Sendable {
    /// L2 penalty λ: the objective is −(Σ wᵢ ℓᵢ)/(Σ wᵢ) + λ(r² + α'² + a² + b²), where α' is α in
    /// rescaled time (as in the lifetimes package). 0 gives the plain MLE.
    public var penalty: Double
    /// Time scale s: recency and age are divided by s during the fit and α is multiplied back.
    /// `nil` uses the largest age in the data, which puts rescaled ages in (0, 1].
    public var timeScale: Double?
    /// Starting values (r, α, a, b) in original time units; `nil` starts at r = a = b = 1 and
    /// α = s.
    public var start: BGNBDModel?
    /// The optimiser; its gradient tolerance applies to the mean log-likelihood in log-parameters.
    public var optimizer: LBFGS

    /// Creates fit settings.
    public init(penalty: Double = 0, timeScale: Double? = nil, start: BGNBDModel? = nil,
                optimizer: LBFGS = LBFGS()) {
        self.penalty = penalty
        self.timeScale = timeScale
        self.start = start
        self.optimizer = optimizer
    }
}

/// A fitted BG/NBD model with what the fit reported.
public struct BGNBDFit: Sendable, Equatable {
    /// The maximum-likelihood parameters in the data's time unit.
    public var model: BGNBDModel
    /// The total (weighted) log-likelihood of the data at ``model``, without the penalty.
    public var logLikelihood: Double
    /// Number of customers (sum of the weights).
    public var customers: Double
    /// The optimiser's report (iterations, gradient norm) in rescaled log-parameter space.
    public var optimization: OptimizationResult
}

extension BGNBDModel {
    /// Fits the model to customers' purchase histories by maximum likelihood.
    ///
    /// Optimises the mean log-likelihood over (ln r, ln α', ln a, ln b) with the analytic gradient
    /// and ``LBFGS``, in time rescaled by ``BGNBDFitOptions/timeScale``.
    ///
    /// - Parameters:
    ///   - histories: one (x, tₓ, T) per customer, or per group of identical customers.
    ///   - weights: optional counts or weights, one per history (for grouped data).
    /// - Throws: ``LearningError/invalidInput(model:index:reason:)`` for empty data or a history
    ///   outside the model's domain, ``LearningError/optimizationFailed(model:_:)`` when the
    ///   optimiser gives up.
    public static func fit(
        _ histories: [PurchaseHistory], weights: [Double]? = nil, options: BGNBDFitOptions = BGNBDFitOptions()
    ) throws(LearningError) -> BGNBDFit {
        let likelihood = try BGNBDLikelihood(histories: histories, weights: weights, timeScale: options.timeScale)
        let scale = likelihood.timeScale
        let start: [Double] = options.start.map {
            [log($0.r), log($0.alpha / scale), log($0.a), log($0.b)]
        } ?? [0, 0, 0, 0]
        let penalty = options.penalty
        let result: OptimizationResult
        do throws(OptimizationError) {
            result = try options.optimizer.minimize(from: start) { logParameters in
                likelihood.penalizedMeanNegativeLogLikelihood(logParameters: logParameters, penalty: penalty)
            }
        } catch {
            throw .optimizationFailed(model: "BG/NBD", error)
        }
        let p = result.x.map { exp($0) }
        let model = BGNBDModel(r: p[0], alpha: p[1] * scale, a: p[2], b: p[3])
        let total = histories.indices.reduce(0.0) { sum, i in
            sum + (weights?[i] ?? 1) * model.logLikelihood(histories[i])
        }
        return BGNBDFit(model: model, logLikelihood: total, customers: likelihood.totalWeight, optimization: result)
    }
}

/// The BG/NBD log-likelihood of a data set and its gradient in log-parameter space, in rescaled
/// time. Terms that depend only on x (ln Γ(r+x) and its kin) are computed once per distinct x.
struct BGNBDLikelihood: Sendable {
    let frequency: [Int]
    let recency: [Double]
    let age: [Double]
    let weight: [Double]
    let totalWeight: Double
    let timeScale: Double
    let maximumFrequency: Int

    init(histories: [PurchaseHistory], weights: [Double]?, timeScale: Double?) throws(LearningError) {
        let model = "BG/NBD"
        guard !histories.isEmpty else {
            throw .invalidInput(model: model, index: nil, reason: "no customers to fit")
        }
        if let weights, weights.count != histories.count {
            throw .invalidInput(model: model, index: nil,
                                reason: "\(weights.count) weights for \(histories.count) customers")
        }
        for (i, h) in histories.enumerated() {
            let w = weights?[i] ?? 1
            guard h.frequency >= 0, h.recency >= 0, h.recency <= h.age,
                  h.frequency > 0 || h.recency == 0, h.recency.isFinite, h.age.isFinite else {
                throw .invalidInput(model: model, index: i, reason:
                    "frequency \(h.frequency), recency \(h.recency), age \(h.age) is not a valid history "
                    + "(need x >= 0, 0 <= recency <= age, recency = 0 when x = 0)")
            }
            guard w >= 0, w.isFinite else {
                throw .invalidInput(model: model, index: i, reason: "weight \(w) must be finite and >= 0")
            }
        }
        let scale = timeScale ?? histories.map(\.age).max() ?? 1
        guard scale > 0, scale.isFinite else {
            throw .invalidInput(model: model, index: nil, reason: "time scale \(scale) must be positive")
        }
        frequency = histories.map(\.frequency)
        recency = histories.map { $0.recency / scale }
        age = histories.map { $0.age / scale }
        weight = weights ?? [Double](repeating: 1, count: histories.count)
        totalWeight = weight.reduce(0, +)
        guard totalWeight > 0 else {
            throw .invalidInput(model: model, index: nil, reason: "weights sum to zero")
        }
        self.timeScale = scale
        maximumFrequency = frequency.max() ?? 0
    }

    /// −(Σ wᵢ ℓᵢ)/(Σ wᵢ) + λ Σ θ², and its gradient with respect to ln θ, θ = (r, α', a, b).
    func penalizedMeanNegativeLogLikelihood(logParameters: [Double], penalty: Double) -> (value: Double, gradient: [Double]) {
        let r = exp(logParameters[0])
        let alpha = exp(logParameters[1])
        let a = exp(logParameters[2])
        let b = exp(logParameters[3])

        // Per distinct x: ln Γ and ψ terms.
        let count = maximumFrequency + 1
        var lnTermX = [Double](repeating: 0, count: count)     // ln A1 + ln A2 without r ln α
        var dRTermX = [Double](repeating: 0, count: count)     // ψ(r+x) − ψ(r)
        var dATermX = [Double](repeating: 0, count: count)     // ψ(a+b) − ψ(a+b+x)
        var dBTermX = [Double](repeating: 0, count: count)     // ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x)
        let lgR = SpecialFunctions.logGamma(r)
        let lgB = SpecialFunctions.logGamma(b)
        let lgAB = SpecialFunctions.logGamma(a + b)
        let psiR = SpecialFunctions.digamma(r)
        let psiB = SpecialFunctions.digamma(b)
        let psiAB = SpecialFunctions.digamma(a + b)
        var seen = [Bool](repeating: false, count: count)
        for x in frequency where !seen[x] {
            seen[x] = true
            let xd = Double(x)
            lnTermX[x] = SpecialFunctions.logGamma(r + xd) - lgR + lgAB + SpecialFunctions.logGamma(b + xd)
                - lgB - SpecialFunctions.logGamma(a + b + xd)
            let psiABX = SpecialFunctions.digamma(a + b + xd)
            dRTermX[x] = SpecialFunctions.digamma(r + xd) - psiR
            dATermX[x] = psiAB - psiABX
            dBTermX[x] = psiAB + SpecialFunctions.digamma(b + xd) - psiB - psiABX
        }

        let logAlpha = log(alpha)
        let logA = log(a)
        var sum = 0.0
        var gR = 0.0, gAlpha = 0.0, gA = 0.0, gB = 0.0
        for i in frequency.indices {
            let x = frequency[i]
            let xd = Double(x)
            let w = weight[i]
            let logAlphaT = log(alpha + age[i])
            let lnA3 = -(r + xd) * logAlphaT
            var ll = lnTermX[x] + r * logAlpha
            var dR = dRTermX[x] + logAlpha
            var dAlpha = r / alpha
            var dA = dATermX[x]
            var dB = dBTermX[x]
            if x == 0 {
                ll += lnA3
                dR -= logAlphaT
                dAlpha -= (r + xd) / (alpha + age[i])
            } else {
                let logAlphaTx = log(alpha + recency[i])
                let lnA4 = logA - log(b + xd - 1) - (r + xd) * logAlphaTx
                let lnSum = SpecialFunctions.logAddExp(lnA3, lnA4)
                let w3 = exp(lnA3 - lnSum)
                let w4 = exp(lnA4 - lnSum)
                ll += lnSum
                dR -= w3 * logAlphaT + w4 * logAlphaTx
                dAlpha -= (r + xd) * (w3 / (alpha + age[i]) + w4 / (alpha + recency[i]))
                dA += w4 / a
                dB -= w4 / (b + xd - 1)
            }
            sum += w * ll
            gR += w * dR
            gAlpha += w * dAlpha
            gA += w * dA
            gB += w * dB
        }
        let n = totalWeight
        let value = -sum / n + penalty * (r * r + alpha * alpha + a * a + b * b)
        // Chain rule to log space: ∂/∂ln θ = θ ∂/∂θ.
        let gradient = [
            r * (-gR / n + 2 * penalty * r),
            alpha * (-gAlpha / n + 2 * penalty * alpha),
            a * (-gA / n + 2 * penalty * a),
            b * (-gB / n + 2 * penalty * b),
        ]
        return (value, gradient)
    }
}
