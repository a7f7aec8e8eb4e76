/// Per-column centring and scaling, z = (x − mean) / standard deviation, with the statistics
/// computed once on training data and stored so that predictions apply exactly the same map.
///
/// Columns with zero (or non-finite) spread get a scale of 1, so a constant feature becomes 0
/// instead of NaN.
public struct Standardizer: Sendable, Equatable {
    /// Column means of the training data.
    public let means: [Double]
    /// Column population standard deviations (divisor n) of the training data, 1 for constant
    /// columns.
    public let standardDeviations: [Double]

    /// Uses given statistics (for example, loaded from a stored model).
    public init(means: [Double], standardDeviations: [Double]) {
        precondition(means.count == standardDeviations.count,
                     "\(means.count) means but \(standardDeviations.count) standard deviations")
        self.means = means
        self.standardDeviations = standardDeviations
    }

    /// Computes column means and standard deviations of `data` (two passes, for accuracy).
    public init(fitting data: FeatureMatrix) {
        let p = data.columns
        var means = [Double](repeating: 0, count: p)
        var squares = [Double](repeating: 0, count: p)
        data.values.withUnsafeBufferPointer { x in
            for i in 0..<data.rows {
                let base = i * p
                for j in 0..<p { means[j] += x[base + j] }
            }
            let n = Double(max(data.rows, 1))
            for j in 0..<p { means[j] /= n }
            for i in 0..<data.rows {
                let base = i * p
                for j in 0..<p {
                    let d = x[base + j] - means[j]
                    squares[j] += d * d
                }
            }
        }
        let n = Double(max(data.rows, 1))
        let deviations = squares.map { sum -> Double in
            let sd = (sum / n).squareRoot()
            return sd > 0 && sd.isFinite ? sd : 1
        }
        self.init(means: means, standardDeviations: deviations)
    }

    /// The number of columns this standardizer expects.
    public var dimension: Int { means.count }

    /// Standardises one row.
    public func transform(_ row: [Double]) -> [Double] {
        precondition(row.count == dimension, "row has \(row.count) values, expected \(dimension)")
        return (0..<dimension).map { (row[$0] - means[$0]) / standardDeviations[$0] }
    }

    /// Standardises every row of `data`.
    public func transform(_ data: FeatureMatrix) -> FeatureMatrix {
        precondition(data.columns == dimension, "matrix has \(data.columns) columns, expected \(dimension)")
        var out = data.values
        transformRows(&out)
        return FeatureMatrix(rows: data.rows, columns: dimension, values: out)
    }

    /// Standardises, in place, `values` read as consecutive rows of ``dimension`` values (no copy
    /// when the caller holds the only reference).
    public func transformRows(_ values: inout [Double]) {
        precondition(values.count % dimension == 0, "\(values.count) values are not rows of \(dimension)")
        let p = dimension
        values.withUnsafeMutableBufferPointer { z in
            for base in stride(from: 0, to: z.count, by: p) {
                for j in 0..<p { z[base + j] = (z[base + j] - means[j]) / standardDeviations[j] }
            }
        }
    }

    /// Maps a standardised row back to the original scale.
    public func inverseTransform(_ row: [Double]) -> [Double] {
        precondition(row.count == dimension, "row has \(row.count) values, expected \(dimension)")
        return (0..<dimension).map { row[$0] * standardDeviations[$0] + means[$0] }
    }
}
