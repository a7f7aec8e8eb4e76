@testable import Learning

/// Standard errors of an M-estimate from the observed information: the Hessian of the total
/// negative log-likelihood, by central differences of the analytic gradient, inverted by Cholesky.
/// `meanGradient` is the gradient of the mean objective; `n` the number of observations.
func standardErrors(at x: [Double], n: Double, meanGradient: ([Double]) -> [Double]) -> [Double]? {
    let k = x.count
    var hessian = [Double](repeating: 0, count: k * k)
    let h = 1e-5
    for j in 0..<k {
        var plus = x, minus = x
        plus[j] += h
        minus[j] -= h
        let gp = meanGradient(plus), gm = meanGradient(minus)
        for i in 0..<k { hessian[i * k + j] = n * (gp[i] - gm[i]) / (2 * h) }
    }
    // Symmetrise the finite-difference estimate.
    for i in 0..<k { for j in 0..<i {
        let s = 0.5 * (hessian[i * k + j] + hessian[j * k + i])
        hessian[i * k + j] = s
        hessian[j * k + i] = s
    } }
    guard let factor = CholeskyFactorization(matrix: hessian, dimension: k) else { return nil }
    let covariance = factor.inverse()
    return (0..<k).map { covariance[$0 * k + $0].squareRoot() }
}
