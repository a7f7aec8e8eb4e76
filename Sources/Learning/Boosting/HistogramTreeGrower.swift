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

/// What the histogram workers read and write, as raw pointers: each worker adds its own block
/// of the node's rows into its own histogram.
private struct HistogramWork: @unchecked Sendable {
    /// Bins row-major: row i's bins at `bins[i * featureCount ..< (i + 1) * featureCount]`.
    let bins: UnsafePointer<UInt8>
    let featureCount: Int
    /// The node's rows, and their gradient and hessian interleaved, in the node's row order.
    let rows: UnsafePointer<Int32>
    let gradientsAndHessians: UnsafePointer<Double>
    let stride: Int

    /// Adds rows `block` (positions in the node's order) into `sums`.
    func fill(_ block: Range<Int>, into sums: UnsafeMutablePointer<Double>) {
        for k in block {
            let rowBins = bins + Int(rows[k]) * featureCount
            let g = gradientsAndHessians[2 * k], h = gradientsAndHessians[2 * k + 1]
            var base = 0
            for j in 0..<featureCount {
                let slot = 3 * (base + Int(rowBins[j]))
                sums[slot] += g
                sums[slot + 1] += h
                sums[slot + 2] += 1
                base += stride
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
    /// Bins row-major: feature j of row i at `bins[i * featureCount + j]`.
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

    /// Sums gradients, hessians and counts per feature and bin over the rows `order[rows]`. A
    /// large node's rows are summed in two halves, on both cores when there are two, and the
    /// halves added: always two halves, whatever the cores, so the sums (and the trees) are the
    /// same to the bit on every machine.
    private mutating func histogram(rows: Range<Int>, gradients: [Double], hessians: [Double]) -> GradientHistogram {
        var result = takeHistogram()
        let m = rows.count
        guard m > 0, featureCount > 0 else { return result }
        // The rows' gradients in row order once, so the loop reads them sequentially.
        var ordered = [Double](repeating: 0, count: 2 * m)
        let rowIndex = Array(order[rows])
        for k in 0..<m {
            let row = Int(rowIndex[k])
            ordered[2 * k] = gradients[row]
            ordered[2 * k + 1] = hessians[row]
        }
        let (features, width) = (featureCount, stride)
        let work = { (bins: UnsafePointer<UInt8>, rows: UnsafePointer<Int32>, values: UnsafePointer<Double>) in
            HistogramWork(bins: bins, featureCount: features, rows: rows, gradientsAndHessians: values, stride: width)
        }
        guard m * featureCount >= Self.parallelWork else {
            withPointers(rowIndex, ordered) { bins, rows, values in
                result.sums.withUnsafeMutableBufferPointer { work(bins, rows, values).fill(0..<m, into: $0.baseAddress!) }
            }
            return result
        }
        var second = takeHistogram()
        withPointers(rowIndex, ordered) { bins, rows, values in
            result.sums.withUnsafeMutableBufferPointer { first in
                second.sums.withUnsafeMutableBufferPointer { other in
                    let targets = HistogramTargets(first: first.baseAddress!, second: other.baseAddress!)
                    let halves = work(bins, rows, values)
                    if Self.cores > 1 {
                        DispatchQueue.concurrentPerform(iterations: 2) { half in
                            halves.fill(half == 0 ? 0..<(m / 2) : (m / 2)..<m, into: half == 0 ? targets.first : targets.second)
                        }
                    } else {
                        halves.fill(0..<(m / 2), into: targets.first)
                        halves.fill((m / 2)..<m, into: targets.second)
                    }
                    for i in first.indices { first[i] += other[i] }
                }
            }
        }
        spareHistograms.append(second)
        return result
    }

    /// Calls `body` with the bins, the node's rows and their gradients as pointers (all non-empty).
    private func withPointers(_ rows: [Int32], _ values: [Double],
                              _ body: (UnsafePointer<UInt8>, UnsafePointer<Int32>, UnsafePointer<Double>) -> Void) {
        bins.withUnsafeBufferPointer { binBuffer in
            rows.withUnsafeBufferPointer { rowBuffer in
                values.withUnsafeBufferPointer { valueBuffer in
                    body(binBuffer.baseAddress!, rowBuffer.baseAddress!, valueBuffer.baseAddress!)
                }
            }
        }
    }

    /// A zeroed histogram, reusing the memory of one from an earlier tree when there is one: a
    /// histogram is large (3 × features × bins doubles), and fresh ones cost page faults.
    private mutating func takeHistogram() -> GradientHistogram {
        guard var reused = spareHistograms.popLast() else { return GradientHistogram(bins: featureCount * stride) }
        reused.sums.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        return reused
    }

    /// Row × feature cells of a node below which its histogram is summed in one pass.
    private static let parallelWork = 50_000
    /// Cores this process may use.
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
        for k in rows {
            let row = order[k]
            if Int(bins[Int(row) * featureCount + feature]) <= splitBin {
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

/// The two histograms the halves of a large node are summed into.
private struct HistogramTargets: @unchecked Sendable {
    let first: UnsafeMutablePointer<Double>
    let second: UnsafeMutablePointer<Double>
}
