import Dispatch

/// One regression tree of a boosted ensemble, stored as parallel arrays (node 0 is the root).
///
/// An internal node sends a row left when `row[feature[i]] <= threshold[i]`, else right; a
/// leaf (`feature[i] == -1`) adds `value[i]` (already multiplied by the learning rate) to the
/// log-odds. `gain[i]` is the split's gain (zero at leaves), from which feature importances are
/// summed; `bin[i]` is the threshold's bin in the training binning.
public struct RegressionTree: Sendable, Equatable {
    /// Split feature per node; −1 marks a leaf.
    public var feature: [Int]
    /// Split threshold per node (raw feature value); 0 at leaves.
    public var threshold: [Double]
    /// Split bin per node in the training binning (rows with bin ≤ it go left); 0 at leaves.
    public var bin: [Int]
    /// Left and right child per node; −1 at leaves.
    public var left: [Int]
    public var right: [Int]
    /// Leaf contribution to the log-odds; 0 at internal nodes.
    public var value: [Double]
    /// Split gain per node; 0 at leaves.
    public var gain: [Double]

    /// A tree of one leaf.
    public init(leafValue: Double) {
        self.init(feature: [-1], threshold: [0], bin: [0], left: [-1], right: [-1], value: [leafValue], gain: [0])
    }

    /// A tree from its node arrays (all of one length, children after their parent).
    public init(feature: [Int], threshold: [Double], bin: [Int], left: [Int], right: [Int], value: [Double], gain: [Double]) {
        let count = feature.count
        precondition([threshold.count, bin.count, left.count, right.count, value.count, gain.count].allSatisfy { $0 == count },
                     "tree node arrays must have one length")
        self.feature = feature
        self.threshold = threshold
        self.bin = bin
        self.left = left
        self.right = right
        self.value = value
        self.gain = gain
    }

    /// Number of nodes.
    public var nodeCount: Int { feature.count }

    /// Number of leaves.
    public var leafCount: Int { feature.lazy.filter { $0 < 0 }.count }

    /// Adds the leaf contribution of each row in `rows` (row-major, `featureCount` per row) to
    /// `out` at the row's index.
    func addValues(_ x: UnsafeBufferPointer<Double>, featureCount: Int, rows: Range<Int>, into out: UnsafeMutableBufferPointer<Double>) {
        feature.withUnsafeBufferPointer { feature in
            threshold.withUnsafeBufferPointer { threshold in
                left.withUnsafeBufferPointer { left in
                    right.withUnsafeBufferPointer { right in
                        value.withUnsafeBufferPointer { value in
                            for i in rows {
                                let base = i * featureCount
                                var node = 0
                                while feature[node] >= 0 {
                                    node = x[base + feature[node]] <= threshold[node] ? left[node] : right[node]
                                }
                                out[i] += value[node]
                            }
                        }
                    }
                }
            }
        }
    }

    /// The leaf contribution for one row of raw features (`stride` apart from `base`).
    @inlinable
    func value(_ x: UnsafeBufferPointer<Double>, base: Int) -> Double {
        var node = 0
        while feature[node] >= 0 {
            node = x[base + feature[node]] <= threshold[node] ? left[node] : right[node]
        }
        return value[node]
    }
}

/// A gradient-boosted ensemble of regression trees for binary classification:
/// P(y = 1 | x) = σ(baseline + Σₜ treeₜ(x)).
public struct GradientBoostedTreesModel: Sendable, Equatable {
    /// The log-odds before any tree: log(p̄ / (1 − p̄)) of the training labels.
    public var baseline: Double
    /// Number of features a row must have.
    public var featureCount: Int
    /// The trees, in the order they were fitted.
    public var trees: [RegressionTree]

    /// Creates a model from its parts.
    public init(baseline: Double, featureCount: Int, trees: [RegressionTree]) {
        precondition(trees.allSatisfy { $0.feature.allSatisfy { $0 < featureCount } }, "a tree splits on a feature the model does not have")
        self.baseline = baseline
        self.featureCount = featureCount
        self.trees = trees
    }

    /// The log-odds for one row of raw features.
    public func logOdds(_ row: [Double]) -> Double {
        precondition(row.count == featureCount, "row has \(row.count) features, the model has \(featureCount)")
        return row.withUnsafeBufferPointer { x in trees.reduce(baseline) { $0 + $1.value(x, base: 0) } }
    }

    /// P(y = 1) for one row of raw features.
    public func predictProbability(_ row: [Double]) -> Double {
        logistic(logOdds(row))
    }

    /// P(y = 1) for every row of `features`.
    ///
    /// Rows are scored in blocks spread over the cores; each row's trees are added in order, so
    /// the probabilities are the same to the bit however many cores there are.
    public func predictProbabilities(_ features: FeatureMatrix) -> [Double] {
        precondition(features.columns == featureCount, "matrix has \(features.columns) features, the model has \(featureCount)")
        let n = features.rows, blockRows = Self.blockRows, columns = featureCount
        var out = [Double](repeating: baseline, count: n)
        features.values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in
                let buffers = PredictionBuffers(rows: x, out: out)
                DispatchQueue.concurrentPerform(iterations: (n + blockRows - 1) / blockRows) { block in
                    let rows = block * blockRows..<min(n, (block + 1) * blockRows)
                    for tree in trees { tree.addValues(buffers.rows, featureCount: columns, rows: rows, into: buffers.out) }
                    for i in rows { buffers.out[i] = logistic(buffers.out[i]) }
                }
            }
        }
        return out
    }

    /// Rows scored together: every tree walks a block while its nodes stay in cache.
    private static let blockRows = 4_096

    /// Each feature's share of the total split gain (sums to 1 when any tree splits; all zero
    /// for a model of leaves only), LightGBM's "gain" importance.
    public var featureImportances: [Double] {
        var totals = [Double](repeating: 0, count: featureCount)
        for tree in trees {
            for node in 0..<tree.nodeCount where tree.feature[node] >= 0 {
                totals[tree.feature[node]] += tree.gain[node]
            }
        }
        let sum = totals.reduce(0, +)
        return sum > 0 ? totals.map { $0 / sum } : totals
    }
}

/// The feature rows and the output a prediction's blocks read and write.
private struct PredictionBuffers: @unchecked Sendable {
    let rows: UnsafeBufferPointer<Double>
    let out: UnsafeMutableBufferPointer<Double>
}
