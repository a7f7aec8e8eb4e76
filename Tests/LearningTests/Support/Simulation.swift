@testable import Learning

/// Simulated logistic-regression data: features xⱼ ~ N(meanⱼ, sdⱼ), y ~ Bernoulli(σ(b₀ + b·x)).
func simulateLogistic(
    rows: Int, intercept: Double, coefficients: [Double], means: [Double], sds: [Double], seed: UInt64
) -> (features: FeatureMatrix, labels: [Bool]) {
    var rng = Xoshiro256StarStar(seed: seed)
    let p = coefficients.count
    var values = [Double](repeating: 0, count: rows * p)
    var labels = [Bool](repeating: false, count: rows)
    for i in 0..<rows {
        var eta = intercept
        for j in 0..<p {
            let x = means[j] + sds[j] * rng.nextStandardNormal()
            values[i * p + j] = x
            eta += coefficients[j] * x
        }
        labels[i] = rng.nextBernoulli(logistic(eta))
    }
    return (FeatureMatrix(rows: rows, columns: p, values: values), labels)
}
