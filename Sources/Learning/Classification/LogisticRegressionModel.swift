import Foundation

/// A binary logistic regression model: P(y = 1 | x) = σ(β₀ + Σⱼ βⱼ zⱼ) with z the standardised
/// features (z = (x − mean) / sd, statistics from the training data and stored here).
public struct LogisticRegressionModel: Sendable, Equatable {
    /// The training data's feature means and standard deviations.
    public var standardizer: Standardizer
    /// β₀, on the standardised scale.
    public var intercept: Double
    /// β₁…β_p, one per feature, on the standardised scale.
    public var coefficients: [Double]

    /// Creates a model from stored parameters.
    public init(standardizer: Standardizer, intercept: Double, coefficients: [Double]) {
        precondition(standardizer.dimension == coefficients.count,
                     "\(coefficients.count) coefficients for \(standardizer.dimension) standardised features")
        self.standardizer = standardizer
        self.intercept = intercept
        self.coefficients = coefficients
    }

    /// Number of features a row must have.
    public var featureCount: Int { coefficients.count }

    /// The same model expressed on the original feature scale: σ(b₀ + Σⱼ bⱼ xⱼ).
    public var originalScale: (intercept: Double, coefficients: [Double]) {
        var b0 = intercept
        var b = coefficients
        for j in b.indices {
            b[j] = coefficients[j] / standardizer.standardDeviations[j]
            b0 -= b[j] * standardizer.means[j]
        }
        return (b0, b)
    }

    /// The linear predictor β₀ + Σ βⱼ zⱼ (log-odds) for one row of raw features.
    public func logOdds(_ row: [Double]) -> Double {
        precondition(row.count == featureCount, "row has \(row.count) features, the model has \(featureCount)")
        var eta = intercept
        for j in 0..<featureCount {
            eta += coefficients[j] * (row[j] - standardizer.means[j]) / standardizer.standardDeviations[j]
        }
        return eta
    }

    /// P(y = 1) for one row of raw (unstandardised) features.
    public func predictProbability(_ row: [Double]) -> Double {
        logistic(logOdds(row))
    }

    /// P(y = 1) for every row of `features`, without per-row allocations.
    public func predictProbabilities(_ features: FeatureMatrix) -> [Double] {
        precondition(features.columns == featureCount,
                     "matrix has \(features.columns) features, the model has \(featureCount)")
        let p = featureCount
        // Fold the standardisation into original-scale weights once.
        let (b0, b) = originalScale
        var out = [Double](repeating: 0, count: features.rows)
        features.values.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { w in
                for i in 0..<features.rows {
                    var eta = b0
                    let base = i * p
                    for j in 0..<p { eta += w[j] * x[base + j] }
                    out[i] = logistic(eta)
                }
            }
        }
        return out
    }
}

/// The logistic function 1 / (1 + e^−η), evaluated without overflow.
@inlinable
public func logistic(_ eta: Double) -> Double {
    if eta >= 0 {
        return 1 / (1 + exp(-eta))
    }
    let e = exp(eta)
    return e / (1 + e)
}

/// ln(1 + e^η) without overflow or underflow.
@inlinable
func softplus(_ eta: Double) -> Double {
    eta > 0 ? eta + log1p(exp(-eta)) : log1p(exp(eta))
}
