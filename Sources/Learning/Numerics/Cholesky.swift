/// The Cholesky factorisation A = L Lᵀ of a small dense symmetric positive definite matrix,
/// used to solve Newton systems (logistic regression) and to invert observed-information
/// matrices.
public struct CholeskyFactorization: Sendable {
    /// The dimension n of the n × n matrix.
    public let dimension: Int
    /// The lower-triangular factor L, row-major n × n (entries above the diagonal are zero).
    public let lower: [Double]

    /// Factorises the symmetric matrix `matrix` (row-major, n × n; only the lower triangle is
    /// read). Returns `nil` when the matrix is not numerically positive definite.
    public init?(matrix: [Double], dimension n: Int) {
        precondition(matrix.count == n * n, "Cholesky needs an n × n matrix, got \(matrix.count) values for n = \(n)")
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var diagonal = matrix[j * n + j]
            for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
            guard diagonal > 0, diagonal.isFinite else { return nil }
            let pivot = diagonal.squareRoot()
            l[j * n + j] = pivot
            for i in (j + 1)..<n {
                var value = matrix[i * n + j]
                for k in 0..<j { value -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = value / pivot
            }
        }
        dimension = n
        lower = l
    }

    /// Solves A x = b by forward then back substitution.
    public func solve(_ b: [Double]) -> [Double] {
        let n = dimension
        precondition(b.count == n, "right-hand side has \(b.count) entries, expected \(n)")
        var y = b
        for i in 0..<n {
            var value = y[i]
            for k in 0..<i { value -= lower[i * n + k] * y[k] }
            y[i] = value / lower[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var value = y[i]
            for k in (i + 1)..<n { value -= lower[k * n + i] * y[k] }
            y[i] = value / lower[i * n + i]
        }
        return y
    }

    /// The inverse A⁻¹, row-major n × n (for covariance matrices of small fits).
    public func inverse() -> [Double] {
        let n = dimension
        var result = [Double](repeating: 0, count: n * n)
        for column in 0..<n {
            var unit = [Double](repeating: 0, count: n)
            unit[column] = 1
            let solution = solve(unit)
            for row in 0..<n { result[row * n + column] = solution[row] }
        }
        return result
    }
}
