import Foundation

/// Settings for fitting ``LogisticRegressionModel``.
public struct LogisticRegressionOptions: Sendable {
    /// L2 penalty λ on the standardised slopes (never on the intercept): the fit minimises
    /// −Σ wᵢ ℓᵢ + (λ/2) Σⱼ βⱼ². λ = 1 matches scikit-learn's default C = 1 on standardised data.
    public var l2Penalty: Double
    /// Newton iteration limit.
    public var maximumIterations: Int
    /// Converged when no Newton step component exceeds tolerance · (1 + max |β|).
    public var tolerance: Double

    /// Creates fit settings.
    public init(l2Penalty: Double = 1, maximumIterations: Int = 50, tolerance: Double = 1e-8) {
        self.l2Penalty = l2Penalty
        self.maximumIterations = maximumIterations
        self.tolerance = tolerance
    }
}

/// A fitted logistic regression with what the fit reported.
public struct LogisticRegressionFit: Sendable, Equatable {
    /// The fitted model.
    public var model: LogisticRegressionModel
    /// Newton iterations taken.
    public var iterations: Int
    /// The (weighted) log-likelihood of the training data, without the penalty.
    public var logLikelihood: Double
    /// The largest absolute component of the penalised gradient at the solution.
    public var gradientNorm: Double
    /// Approximate standard errors of (β₀, β₁…β_p) on the standardised scale: square roots of
    /// the diagonal of the inverse penalised Hessian.
    public var standardErrors: [Double]
}

extension LogisticRegressionModel {
    /// Fits an L2-regularised logistic regression by Newton's method (iteratively reweighted
    /// least squares), solving each (p+1) × (p+1) Newton system by Cholesky and halving steps
    /// that do not decrease the penalised objective.
    ///
    /// Features are standardised with statistics of `features` (stored in the model). Storage is
    /// one flat row-major design matrix; each iteration makes two passes over it.
    ///
    /// - Parameters:
    ///   - features: n × p raw features.
    ///   - labels: n outcomes.
    ///   - weights: optional non-negative case weights.
    /// - Throws: ``LearningError/invalidInput(model:index:reason:)`` for mismatched sizes or
    ///   non-finite values; ``LearningError/notConverged(model:iterations:detail:)`` when Newton
    ///   does not converge, typically because the classes are separable and λ = 0.
    public static func fit(
        _ features: FeatureMatrix, labels: [Bool], weights: [Double]? = nil,
        options: LogisticRegressionOptions = LogisticRegressionOptions()
    ) throws(LearningError) -> LogisticRegressionFit {
        let name = "logistic regression"
        let n = features.rows
        guard n > 0 else { throw .invalidInput(model: name, index: nil, reason: "no rows to fit") }
        guard labels.count == n else {
            throw .invalidInput(model: name, index: nil, reason: "\(labels.count) labels for \(n) rows")
        }
        if let weights {
            guard weights.count == n else {
                throw .invalidInput(model: name, index: nil, reason: "\(weights.count) weights for \(n) rows")
            }
            if let bad = weights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
                throw .invalidInput(model: name, index: bad, reason: "weight \(weights[bad]) must be finite and >= 0")
            }
        }
        if let bad = features.values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidInput(model: name, index: bad / max(features.columns, 1),
                                reason: "feature \(bad % max(features.columns, 1)) is \(features.values[bad])")
        }
        guard options.l2Penalty >= 0 else {
            throw .invalidInput(model: name, index: nil, reason: "L2 penalty \(options.l2Penalty) must be >= 0")
        }

        let standardizer = Standardizer(fitting: features)
        let design = DesignMatrix(features: features, standardizer: standardizer)
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let w = weights ?? [Double](repeating: 1, count: n)
        let k = design.width
        let lambda = options.l2Penalty

        var beta = [Double](repeating: 0, count: k)
        // Start the intercept at the log-odds of the (weighted) base rate: one Newton step fewer.
        let positives = zip(y, w).reduce(0.0) { $0 + $1.0 * $1.1 }
        let total = w.reduce(0, +)
        if positives > 0 && positives < total { beta[0] = log(positives / (total - positives)) }

        var objective = design.penalizedNegativeLogLikelihood(beta: beta, y: y, w: w, lambda: lambda)
        var iteration = 0
        while true {
            let (gradient, hessian) = design.gradientAndHessian(beta: beta, y: y, w: w, lambda: lambda)
            let gradientNorm = gradient.reduce(0) { max($0, abs($1)) }
            guard let factor = CholeskyFactorization(matrix: hessian, dimension: k) else {
                throw .notConverged(model: name, iterations: iteration, detail:
                    "the Hessian is singular (gradient norm \(gradientNorm)); the classes may be perfectly "
                    + "separable or a feature may be constant: use an L2 penalty > 0")
            }
            // Newton step: H Δ = −∇(objective) = gradient of the penalised log-likelihood.
            let step = factor.solve(gradient)
            let betaScale = 1 + beta.reduce(0) { max($0, abs($1)) }
            let stepSize = step.reduce(0) { max($0, abs($1)) }
            if stepSize <= options.tolerance * betaScale {
                let standardErrors = factor.inverse().enumerated().compactMap { index, value in
                    index % (k + 1) == 0 ? value.squareRoot() : nil
                }
                let model = LogisticRegressionModel(standardizer: standardizer, intercept: beta[0],
                                                    coefficients: Array(beta[1...]))
                let penaltyTerm = 0.5 * lambda * beta[1...].reduce(0) { $0 + $1 * $1 }
                return LogisticRegressionFit(model: model, iterations: iteration, logLikelihood: -(objective - penaltyTerm),
                                             gradientNorm: gradientNorm, standardErrors: standardErrors)
            }
            if iteration >= options.maximumIterations {
                throw .notConverged(model: name, iterations: iteration, detail:
                    "Newton step \(stepSize), gradient norm \(gradientNorm); the classes may be separable: "
                    + "use an L2 penalty > 0 or raise the iteration limit")
            }
            // Damped step: halve until the penalised objective does not increase.
            var scale = 1.0
            var candidate = beta
            var candidateObjective = Double.infinity
            for _ in 0..<30 {
                for j in 0..<k { candidate[j] = beta[j] + scale * step[j] }
                candidateObjective = design.penalizedNegativeLogLikelihood(beta: candidate, y: y, w: w, lambda: lambda)
                if candidateObjective <= objective + 1e-12 * abs(objective) { break }
                scale *= 0.5
            }
            beta = candidate
            objective = candidateObjective
            iteration += 1
        }
    }
}

/// The standardised design matrix with a leading column of ones, flat row-major n × (p+1).
struct DesignMatrix {
    let rows: Int
    let width: Int
    let values: [Double]

    init(features: FeatureMatrix, standardizer: Standardizer) {
        let p = features.columns
        rows = features.rows
        width = p + 1
        var z = [Double](repeating: 1, count: features.rows * (p + 1))
        let means = standardizer.means
        let sds = standardizer.standardDeviations
        features.values.withUnsafeBufferPointer { x in
            z.withUnsafeMutableBufferPointer { z in
                for i in 0..<features.rows {
                    let source = i * p
                    let target = i * (p + 1) + 1
                    for j in 0..<p { z[target + j] = (x[source + j] - means[j]) / sds[j] }
                }
            }
        }
        values = z
    }

    /// −Σ wᵢ [yᵢ ηᵢ − ln(1 + e^ηᵢ)] + (λ/2) Σ_{j≥1} βⱼ².
    func penalizedNegativeLogLikelihood(beta: [Double], y: [Double], w: [Double], lambda: Double) -> Double {
        var sum = 0.0
        let k = width
        values.withUnsafeBufferPointer { z in
            beta.withUnsafeBufferPointer { b in
                for i in 0..<rows {
                    let base = i * k
                    var eta = 0.0
                    for j in 0..<k { eta += z[base + j] * b[j] }
                    sum += w[i] * (softplus(eta) - y[i] * eta)
                }
            }
        }
        var penalty = 0.0
        for j in 1..<k { penalty += beta[j] * beta[j] }
        return sum + 0.5 * lambda * penalty
    }

    /// The gradient of the penalised log-likelihood (Zᵀ W(y − μ) − λβ̃) and the Hessian of the
    /// penalised negative log-likelihood (Zᵀ diag(w μ(1−μ)) Z + λĨ), row-major (p+1) × (p+1).
    func gradientAndHessian(beta: [Double], y: [Double], w: [Double], lambda: Double) -> ([Double], [Double]) {
        let k = width
        var gradient = [Double](repeating: 0, count: k)
        var hessian = [Double](repeating: 0, count: k * k)
        values.withUnsafeBufferPointer { z in
            beta.withUnsafeBufferPointer { b in
                gradient.withUnsafeMutableBufferPointer { g in
                    hessian.withUnsafeMutableBufferPointer { h in
                        for i in 0..<rows {
                            let base = i * k
                            var eta = 0.0
                            for j in 0..<k { eta += z[base + j] * b[j] }
                            let mu = logistic(eta)
                            let residual = w[i] * (y[i] - mu)
                            let curvature = w[i] * mu * (1 - mu)
                            for j in 0..<k {
                                let zj = z[base + j]
                                g[j] += residual * zj
                                let cz = curvature * zj
                                let row = j * k
                                // Upper triangle only; mirrored below.
                                for l in j..<k { h[row + l] += cz * z[base + l] }
                            }
                        }
                    }
                }
            }
        }
        for j in 0..<k {
            for l in 0..<j { hessian[j * k + l] = hessian[l * k + j] }
        }
        for j in 1..<k {
            gradient[j] -= lambda * beta[j]
            hessian[j * k + j] += lambda
        }
        return (gradient, hessian)
    }
}
