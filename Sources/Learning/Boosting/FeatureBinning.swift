import Dispatch

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

    /// Learns bin thresholds from the columns of `features`, the columns shared between the
    /// cores (each column's thresholds depend on that column alone).
    /// - Precondition: `maximumBins` in 2...255 (bins are stored as bytes).
    public init(fitting features: FeatureMatrix, maximumBins: Int) {
        precondition((2...255).contains(maximumBins), "maximumBins must be in 2...255, got \(maximumBins)")
        let (rows, columns) = (features.rows, features.columns)
        let results = ColumnResults(count: columns)
        features.values.withUnsafeBufferPointer { values in
            let x = SharedValues(pointer: values.baseAddress)
            DispatchQueue.concurrentPerform(iterations: columns) { j in
                let column = (0..<rows).map { x.pointer![$0 * columns + j] }
                results.slots[j] = Self.thresholds(of: column, maximumBins: maximumBins)
            }
        }
        thresholds = Array(results.slots)
    }

    /// Wraps stored thresholds (each list ascending).
    public init(thresholds: [[Double]]) {
        self.thresholds = thresholds
    }

    /// The bin of `value` for feature `feature`: the number of thresholds below it.
    @inlinable
    public func bin(of value: Double, feature: Int) -> Int {
        thresholds[feature].withUnsafeBufferPointer { Self.bin(of: value, edges: $0) }
    }

    /// The number of `edges` (ascending) below `value`, by a binary search whose steps are
    /// selects rather than branches (bins of unsorted values would mispredict half of them).
    @inlinable
    static func bin(of value: Double, edges: UnsafeBufferPointer<Double>) -> Int {
        var low = 0
        var length = edges.count
        while length > 0 {
            let half = length / 2
            let goRight = edges[low + half] < value
            low = goRight ? low + half + 1 : low
            length = goRight ? length - half - 1 : half
        }
        return low
    }

    /// Every row's bins, row-major (`bins[i * featureCount + j]`), so adding one row to a
    /// node's histograms reads its bins as one run of bytes. Blocks of rows are shared between
    /// the cores.
    public func binRows(_ features: FeatureMatrix) -> [UInt8] {
        precondition(features.columns == featureCount, "matrix has \(features.columns) features, binning has \(featureCount)")
        let (rows, columns) = (features.rows, featureCount)
        var bins = [UInt8](repeating: 0, count: rows * columns)
        guard rows > 0, columns > 0 else { return bins }
        let edges = thresholds
        let blockRows = 16_384
        features.values.withUnsafeBufferPointer { x in
            bins.withUnsafeMutableBufferPointer { out in
                let shared = BinningBuffers(values: x.baseAddress!, bins: out.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: (rows + blockRows - 1) / blockRows) { block in
                    for j in 0..<columns {
                        edges[j].withUnsafeBufferPointer { featureEdges in
                            for i in (block * blockRows)..<min(rows, (block + 1) * blockRows) {
                                shared.bins[i * columns + j] = UInt8(Self.bin(of: shared.values[i * columns + j], edges: featureEdges))
                            }
                        }
                    }
                }
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

/// One slot per column for the threshold lists the binning workers compute.
private final class ColumnResults: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<[Double]>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: [])
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
}

/// The feature values the binning workers read.
private struct SharedValues: @unchecked Sendable {
    let pointer: UnsafePointer<Double>?
}

/// The values the row-binning workers read and the bins they write (disjoint blocks of rows).
private struct BinningBuffers: @unchecked Sendable {
    let values: UnsafePointer<Double>
    let bins: UnsafeMutablePointer<UInt8>
}
