/// Per-feature bin edges for histogram-based boosting, and the training rows mapped to bins.
///
/// As in scikit-learn's `HistGradientBoostingClassifier` and LightGBM, each feature is cut into
/// at most `maximumBins` (≤ 255) bins before any tree is grown, so finding a split scans a histogram of
/// bins instead of sorting rows. A feature with at most `maximumBins` distinct values gets one
/// bin per value, with thresholds at the midpoints between neighbours; otherwise the thresholds
/// are quantiles (midpoints between the two order statistics around each of the
/// `maximumBins − 1` evenly spaced ranks), duplicates removed.
///
/// A value `x` falls in bin `b`, the number of thresholds strictly below it: bin `b` holds
/// `thresholds[b − 1] < x ≤ thresholds[b]`. A split after bin `b` sends `x ≤ thresholds[b]`
/// left, so trees can be evaluated on raw values with the stored thresholds.
public struct FeatureBinning: Sendable, Equatable {
    /// Ascending thresholds per feature; feature `j` has `thresholds[j].count + 1` bins.
    public let thresholds: [[Double]]

    /// Number of features.
    public var featureCount: Int { thresholds.count }

    /// Learns bin thresholds from the columns of `features`.
    /// - Precondition: `maximumBins` in 2...255 (bins are stored as bytes).
    public init(fitting features: FeatureMatrix, maximumBins: Int) {
        precondition((2...255).contains(maximumBins), "maximumBins must be in 2...255, got \(maximumBins)")
        var all: [[Double]] = []
        all.reserveCapacity(features.columns)
        var column = [Double](repeating: 0, count: features.rows)
        for j in 0..<features.columns {
            for i in 0..<features.rows { column[i] = features.values[i * features.columns + j] }
            all.append(Self.thresholds(of: column, maximumBins: maximumBins))
        }
        thresholds = all
    }

    /// Wraps stored thresholds (each list ascending).
    public init(thresholds: [[Double]]) {
        self.thresholds = thresholds
    }

    /// The bin of `value` for feature `feature`: the number of thresholds below it.
    @inlinable
    public func bin(of value: Double, feature: Int) -> Int {
        let edges = thresholds[feature]
        var low = 0
        var high = edges.count
        while low < high {
            let middle = (low + high) / 2
            if edges[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Every row's bins, row-major (`bins[i * featureCount + j]`), so adding one row to a
    /// node's histograms reads its bins as one run of bytes.
    public func binRows(_ features: FeatureMatrix) -> [UInt8] {
        precondition(features.columns == featureCount, "matrix has \(features.columns) features, binning has \(featureCount)")
        var bins = [UInt8](repeating: 0, count: features.rows * featureCount)
        features.values.withUnsafeBufferPointer { x in
            bins.withUnsafeMutableBufferPointer { out in
                for i in 0..<(features.rows * featureCount) { out[i] = UInt8(bin(of: x[i], feature: i % featureCount)) }
            }
        }
        return bins
    }

    static func thresholds(of column: [Double], maximumBins: Int) -> [Double] {
        let sorted = column.sorted()
        var distinct: [Double] = []
        for value in sorted where distinct.last != value { distinct.append(value) }
        if distinct.count <= maximumBins {
            return zip(distinct, distinct.dropFirst()).map { ($0 + $1) / 2 }
        }
        // Quantiles at ranks k/maximumBins, k = 1 … maximumBins−1, each the midpoint of the two
        // order statistics around the rank (numpy's percentile with method="midpoint").
        var edges: [Double] = []
        let last = Double(sorted.count - 1)
        for k in 1..<maximumBins {
            let position = last * Double(k) / Double(maximumBins)
            let value = (sorted[Int(position.rounded(.down))] + sorted[Int(position.rounded(.up))]) / 2
            if edges.last != value { edges.append(value) }
        }
        // A threshold equal to the largest value would leave an empty last bin.
        if edges.last == sorted.last { edges.removeLast() }
        return edges
    }
}
