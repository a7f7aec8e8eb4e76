import Dispatch
import Foundation

/// Per-bin sums of gradients, hessians and row counts for every feature of one node: bin b of
/// feature j at `sums[3 · (j · stride + b)]` (gradient), `+ 1` (hessian), `+ 2` (rows, exact as a
/// double), so the three sums a row adds to share a cache line.
struct GradientHistogram {
    var sums: [Double]

    init(bins: Int) {
        sums = [Double](repeating: 0, count: 3 * bins)
    }

    /// The parent's histogram minus a child's: the sibling's, without reading its rows.
    mutating func subtract(_ child: GradientHistogram) {
        sums.withUnsafeMutableBufferPointer { mine in
            child.sums.withUnsafeBufferPointer { theirs in
                for i in mine.indices { mine[i] -= theirs[i] }
            }
        }
    }
}

/// What the histogram workers read and write, as raw pointers: each worker fills only its own
/// features' bins, so they never write the same memory.
private struct HistogramWork: @unchecked Sendable {
    let bins: UnsafePointer<UInt8>
    let rowCount: Int
    /// The node's rows, and their gradient and hessian interleaved, in the node's row order.
    let rows: UnsafePointer<Int32>
    let gradientsAndHessians: UnsafePointer<Double>
    let count: Int
    let sums: UnsafeMutablePointer<Double>
    let stride: Int

    func fill(features: Range<Int>) {
        for j in features {
            let column = bins + j * rowCount
            let out = sums + 3 * j * stride
            for k in 0..<count {
                let slot = 3 * Int(column[Int(rows[k])])
                out[slot] += gradientsAndHessians[2 * k]
                out[slot + 1] += gradientsAndHessians[2 * k + 1]
                out[slot + 2] += 1
            }
        }
    }
}

/// The best split of one node: rows with `bin ≤ splitBin` of `feature` go left.
struct NodeSplit {
    var feature: Int
    var splitBin: Int
    var gain: Double
    var leftGradient: Double
    var leftHessian: Double
    var leftCount: Int
}

/// A leaf of a grown tree: its rows (a range of the grower's row order) and its value.
struct GrownLeaf {
    var rows: Range<Int>
    var value: Double
}

/// Grows regression trees on binned features by best-first (leaf-wise) splitting of gradient
/// histograms, as LightGBM and scikit-learn's histogram boosting do: the leaf whose best split
/// gains most is split next, until `maximumLeafNodes` leaves (or no split gains, or every leaf
/// is at `maximumDepth`). Each node's histogram is built from the smaller child's rows and the
/// larger child's is the parent's minus it.
///
/// The split gain is G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ); a leaf's value is
/// −η · G/(H + λ) with G, H the sums of gradients and hessians of its rows.
struct HistogramTreeGrower {
    /// Bins column-major: feature j of row i at `bins[j * rowCount + i]`.
    let bins: [UInt8]
    let rowCount: Int
    let featureCount: Int
    /// Bins per feature.
    let binCounts: [Int]
    let thresholds: [[Double]]
    let options: GradientBoostingOptions
    /// Histogram width per feature.
    let stride: Int
    /// Row order: each node owns a contiguous range; reordered as nodes split.
    private(set) var order: [Int32]
    /// Histograms of the last tree's leaves, kept to be reused by the next tree.
    private var spareHistograms: [GradientHistogram] = []

    init(bins: [UInt8], rowCount: Int, binning: FeatureBinning, options: GradientBoostingOptions) {
        self.bins = bins
        self.rowCount = rowCount
        featureCount = binning.featureCount
        thresholds = binning.thresholds
        binCounts = binning.thresholds.map { $0.count + 1 }
        stride = max(binCounts.max() ?? 1, 1)
        self.options = options
        order = (0..<Int32(rowCount)).map { $0 }
    }

    /// Grows one tree for `gradients` and `hessians` (one per row).
    mutating func grow(gradients: [Double], hessians: [Double]) -> (tree: RegressionTree, leaves: [GrownLeaf]) {
        for i in order.indices { order[i] = Int32(i) }
        var feature: [Int] = [-1], threshold: [Double] = [0], splitBins: [Int] = [0]
        var left: [Int] = [-1], right: [Int] = [-1], value: [Double] = [0], gain: [Double] = [0]

        struct Open { var node: Int; var rows: Range<Int>; var gradient: Double; var hessian: Double; var depth: Int
                      var histogram: GradientHistogram?; var split: NodeSplit? }
        let (rootG, rootH) = (gradients.reduce(0, +), hessians.reduce(0, +))
        let rootHistogram = histogram(rows: 0..<rowCount, gradients: gradients, hessians: hessians)
        var open = [Open(node: 0, rows: 0..<rowCount, gradient: rootG, hessian: rootH, depth: 0, histogram: rootHistogram,
                         split: bestSplit(rootHistogram, gradient: rootG, hessian: rootH, count: rowCount, depth: 0))]
        var leafCount = 1
        let maximumLeaves = options.maximumLeafNodes ?? Int.max

        while leafCount < maximumLeaves {
            guard let chosen = open.indices.filter({ open[$0].split != nil })
                .max(by: { open[$0].split!.gain < open[$1].split!.gain }) else { break }
            let parent = open.remove(at: chosen)
            guard let split = parent.split, var parentHistogram = parent.histogram else { continue }
            let middle = partition(parent.rows, feature: split.feature, splitBin: split.splitBin)
            let leftRows = parent.rows.lowerBound..<middle, rightRows = middle..<parent.rows.upperBound
            let (leftNode, rightNode) = (feature.count, feature.count + 1)
            feature[parent.node] = split.feature
            threshold[parent.node] = thresholds[split.feature][split.splitBin]
            splitBins[parent.node] = split.splitBin
            left[parent.node] = leftNode
            right[parent.node] = rightNode
            gain[parent.node] = split.gain
            feature += [-1, -1]; threshold += [0, 0]; splitBins += [0, 0]; left += [-1, -1]; right += [-1, -1]
            value += [0, 0]; gain += [0, 0]

            let leftG = split.leftGradient, leftH = split.leftHessian
            let rightG = parent.gradient - leftG, rightH = parent.hessian - leftH
            let smallerIsLeft = leftRows.count <= rightRows.count
            let small = histogram(rows: smallerIsLeft ? leftRows : rightRows, gradients: gradients, hessians: hessians)
            parentHistogram.subtract(small)
            let (leftHistogram, rightHistogram) = smallerIsLeft ? (small, parentHistogram) : (parentHistogram, small)
            let depth = parent.depth + 1
            open.append(Open(node: leftNode, rows: leftRows, gradient: leftG, hessian: leftH, depth: depth, histogram: leftHistogram,
                             split: bestSplit(leftHistogram, gradient: leftG, hessian: leftH, count: leftRows.count, depth: depth)))
            open.append(Open(node: rightNode, rows: rightRows, gradient: rightG, hessian: rightH, depth: depth, histogram: rightHistogram,
                             split: bestSplit(rightHistogram, gradient: rightG, hessian: rightH, count: rightRows.count, depth: depth)))
            leafCount += 1
        }

        var leaves: [GrownLeaf] = []
        for index in open.indices {
            if let histogram = open[index].histogram { spareHistograms.append(histogram) }
            open[index].histogram = nil
        }
        for leaf in open {
            let leafValue = -options.learningRate * leaf.gradient / (leaf.hessian + options.l2Regularization + 1e-15)
            value[leaf.node] = leafValue
            leaves.append(GrownLeaf(rows: leaf.rows, value: leafValue))
        }
        let tree = RegressionTree(feature: feature, threshold: threshold, bin: splitBins, left: left, right: right, value: value, gain: gain)
        return (tree, leaves)
    }

    /// Sums gradients, hessians and counts per feature and bin over the rows `order[rows]`; on
    /// both cores when the node is large enough to pay for the hand-over (features split in two).
    private mutating func histogram(rows: Range<Int>, gradients: [Double], hessians: [Double]) -> GradientHistogram {
        var result = takeHistogram()
        let m = rows.count
        guard m > 0, featureCount > 0 else { return result }
        // The rows' gradients in row order once, so the per-feature loops read them sequentially.
        var ordered = [Double](repeating: 0, count: 2 * m)
        let rowIndex = Array(order[rows])
        for k in 0..<m {
            let row = Int(rowIndex[k])
            ordered[2 * k] = gradients[row]
            ordered[2 * k + 1] = hessians[row]
        }
        let workers = m * featureCount >= Self.parallelWork ? min(Self.cores, featureCount) : 1
        bins.withUnsafeBufferPointer { binBuffer in
            rowIndex.withUnsafeBufferPointer { rowBuffer in
                ordered.withUnsafeBufferPointer { orderedBuffer in
                    result.sums.withUnsafeMutableBufferPointer { out in
                        guard let bins = binBuffer.baseAddress, let rows = rowBuffer.baseAddress,
                              let values = orderedBuffer.baseAddress, let sums = out.baseAddress else { return }
                        let work = HistogramWork(bins: bins, rowCount: rowCount, rows: rows, gradientsAndHessians: values,
                                                 count: m, sums: sums, stride: stride)
                        if workers == 1 {
                            work.fill(features: 0..<featureCount)
                        } else {
                            let features = featureCount
                            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                                work.fill(features: (worker * features / workers)..<((worker + 1) * features / workers))
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// A zeroed histogram, reusing the memory of one from an earlier tree when there is one: a
    /// histogram is large (3 × features × bins doubles), and fresh ones cost page faults.
    private mutating func takeHistogram() -> GradientHistogram {
        guard var reused = spareHistograms.popLast() else { return GradientHistogram(bins: featureCount * stride) }
        reused.sums.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        return reused
    }

    /// Row × feature cells of a node below which its histogram is built on one core.
    private static let parallelWork = 50_000
    /// Cores to build a histogram on.
    private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The split of a node with the largest gain over every feature and bin, or nil when none
    /// gains, leaves `minimumSamplesPerLeaf` rows and enough hessian on each side, or the node is
    /// at the depth limit.
    private func bestSplit(_ histogram: GradientHistogram, gradient: Double, hessian: Double, count: Int, depth: Int) -> NodeSplit? {
        if let maximumDepth = options.maximumDepth, depth >= maximumDepth { return nil }
        let minimumLeaf = options.minimumSamplesPerLeaf
        guard count >= 2 * minimumLeaf else { return nil }
        let lambda = options.l2Regularization
        let parentScore = gradient * gradient / (hessian + lambda)
        var best: NodeSplit?
        for j in 0..<featureCount {
            let base = j * stride
            var leftG = 0.0, leftH = 0.0, leftCount = 0
            for b in 0..<(binCounts[j] - 1) {
                let slot = 3 * (base + b)
                leftG += histogram.sums[slot]
                leftH += histogram.sums[slot + 1]
                leftCount += Int(histogram.sums[slot + 2])
                if leftCount < minimumLeaf { continue }
                let rightCount = count - leftCount
                if rightCount < minimumLeaf { break }
                let rightG = gradient - leftG, rightH = hessian - leftH
                if leftH < options.minimumHessianPerLeaf || rightH < options.minimumHessianPerLeaf { continue }
                let gain = leftG * leftG / (leftH + lambda) + rightG * rightG / (rightH + lambda) - parentScore
                if gain > (best?.gain ?? options.minimumSplitGain) {
                    best = NodeSplit(feature: j, splitBin: b, gain: gain, leftGradient: leftG, leftHessian: leftH, leftCount: leftCount)
                }
            }
        }
        return best
    }

    /// Reorders `order[rows]` so rows going left come first (each side keeps its order);
    /// returns where the right side starts.
    private mutating func partition(_ rows: Range<Int>, feature: Int, splitBin: Int) -> Int {
        var rightSide: [Int32] = []
        var write = rows.lowerBound
        let column = feature * rowCount
        for k in rows {
            let row = order[k]
            if Int(bins[column + Int(row)]) <= splitBin {
                order[write] = row
                write += 1
            } else {
                rightSide.append(row)
            }
        }
        for (offset, row) in rightSide.enumerated() { order[write + offset] = row }
        return write
    }
}
