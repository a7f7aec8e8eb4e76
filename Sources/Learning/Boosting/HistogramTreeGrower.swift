import Foundation

/// Per-bin sums of gradients, hessians and row counts for every feature of one node: bin b of
/// feature j at `sums[4 · (offset_j + b)]` (gradient), `+ 1` (hessian), `+ 2` (rows, exact as a
/// double) and `+ 3` (always 0), so a row adds to one aligned 32-byte slot with one vector add. Features are packed one after
/// another (`offset_j` is the bins of the features before j), so a histogram is as small as the
/// binning allows and stays in cache while rows are added.
struct GradientHistogram {
    var sums: [Double]

    init(bins: Int) {
        sums = [Double](repeating: 0, count: Self.slotWidth * bins)
    }

    /// The gradient and hessian sums over every row: those of feature 0's bins, the first `bins`.
    func totals(bins: Int) -> (gradient: Double, hessian: Double) {
        var gradient = 0.0, hessian = 0.0
        for b in 0..<bins {
            gradient += sums[Self.slotWidth * b]
            hessian += sums[Self.slotWidth * b + 1]
        }
        return (gradient, hessian)
    }

    /// Doubles per bin: gradient, hessian, rows and a zero, so a bin is one `SIMD4<Double>`.
    static let slotWidth = 4

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
    /// The node's rows, in the grower's order (ascending within a node).
    let rows: UnsafePointer<Int32>
    /// Every row's gradient and hessian, interleaved: row i's at `2i` and `2i + 1`.
    let gradientsAndHessians: UnsafePointer<Double>
    /// Where each feature's bins start in a histogram.
    let offsets: UnsafePointer<Int>

    /// Adds rows `block` (positions in the node's order) into `sums`: each bin's four sums
    /// (gradient, hessian, rows, 0) as one `SIMD4<Double>` add.
    func fill(_ block: Range<Int>, into sums: UnsafeMutablePointer<Double>) {
        let slots = UnsafeMutableRawPointer(sums)
        let slotBytes = MemoryLayout<Double>.stride &* GradientHistogram.slotWidth
        for k in block {
            let row = Int(rows[k])
            let rowBins = bins + row &* featureCount
            let add = SIMD4(gradientsAndHessians[2 &* row], gradientsAndHessians[2 &* row &+ 1], 1, 0)
            for j in 0..<featureCount {
                let byte = (offsets[j] &+ Int(rowBins[j])) &* slotBytes
                let sum = slots.loadUnaligned(fromByteOffset: byte, as: SIMD4<Double>.self) + add
                slots.storeBytes(of: sum, toByteOffset: byte, as: SIMD4<Double>.self)
            }
        }
    }
}

extension HistogramWork {
    /// Adds all `rowCount` rows into `sums`; with a non-empty `halves`, the second half of the
    /// rows goes into `halves` (on a second core when there is one) and is then added to `sums`.
    func fill(rowCount: Int, into sums: UnsafeMutableBufferPointer<Double>, halves: UnsafeMutableBufferPointer<Double>,
              worker: PairedWorker?) {
        guard !halves.isEmpty else { return fill(0..<rowCount, into: sums.baseAddress!) }
        let targets = HistogramTargets(first: sums.baseAddress!, second: halves.baseAddress!)
        if let worker {
            worker.run { half in
                fill(half == 0 ? 0..<(rowCount / 2) : (rowCount / 2)..<rowCount, into: half == 0 ? targets.first : targets.second)
            }
        } else {
            fill(0..<(rowCount / 2), into: targets.first)
            fill((rowCount / 2)..<rowCount, into: targets.second)
        }
        for i in sums.indices { sums[i] += halves[i] }
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
    /// Where each feature's bins start in a histogram; the last entry is the histogram's bins.
    let offsets: [Int]
    /// Row order: each node owns a contiguous range; reordered as nodes split.
    private var order: [Int32]
    /// Room for the rows going right while a node is partitioned.
    private var rightRows: [Int32]
    /// The second thread for the halves of large nodes; nil to do both on the calling thread.
    let worker: PairedWorker?
    /// Histograms of the last tree's leaves, kept to be reused by the next tree.
    private var spareHistograms: [GradientHistogram] = []

    /// A grower of trees on `bins` (row-major, `rowCount` rows), whose large nodes are done in
    /// halves on `worker` and the calling thread when there is a worker.
    init(bins: [UInt8], rowCount: Int, binning: FeatureBinning, options: GradientBoostingOptions,
         worker: PairedWorker? = PairedWorker.forAvailableCores()) {
        self.worker = worker
        self.bins = bins
        self.rowCount = rowCount
        featureCount = binning.featureCount
        thresholds = binning.thresholds
        binCounts = binning.thresholds.map { $0.count + 1 }
        offsets = binCounts.reduce(into: [0]) { $0.append($0.last! + $1) }
        self.options = options
        order = (0..<Int32(rowCount)).map { $0 }
        rightRows = [Int32](repeating: 0, count: rowCount)
    }

    /// Calls `body` with the row order of the last grown tree: a leaf's `rows` index into it.
    func withRowOrder<Result>(_ body: (UnsafeBufferPointer<Int32>) throws -> Result) rethrows -> Result {
        try order.withUnsafeBufferPointer(body)
    }

    /// Grows one tree for the rows' gradients and hessians, interleaved (row i's at `2i` and
    /// `2i + 1`).
    mutating func grow(gradientsAndHessians: [Double]) -> (tree: RegressionTree, leaves: [GrownLeaf]) {
        for i in order.indices { order[i] = Int32(i) }
        var feature: [Int] = [-1], threshold: [Double] = [0], splitBins: [Int] = [0]
        var left: [Int] = [-1], right: [Int] = [-1], value: [Double] = [0], gain: [Double] = [0]

        struct Open { var node: Int; var rows: Range<Int>; var gradient: Double; var hessian: Double; var depth: Int
                      var histogram: GradientHistogram?; var split: NodeSplit? }
        let rootHistogram = histogram(rows: 0..<rowCount, gradientsAndHessians: gradientsAndHessians)
        let (rootG, rootH) = rootHistogram.totals(bins: binCounts.first ?? 0)
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
            let small = histogram(rows: smallerIsLeft ? leftRows : rightRows, gradientsAndHessians: gradientsAndHessians)
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
    /// large node's rows are summed in two halves, the second on the worker when there is one,
    /// and the halves added: always two halves, worker or not, so the sums (and the trees) are
    /// the same to the bit on every machine.
    private mutating func histogram(rows: Range<Int>, gradientsAndHessians: [Double]) -> GradientHistogram {
        var result = takeHistogram()
        let m = rows.count
        guard m > 0, featureCount > 0 else { return result }
        let features = featureCount
        let parallel = m * featureCount >= Self.parallelWork
        var second = parallel ? takeHistogram() : GradientHistogram(bins: 0)
        bins.withUnsafeBufferPointer { binBuffer in
            order.withUnsafeBufferPointer { orderBuffer in
                gradientsAndHessians.withUnsafeBufferPointer { values in
                    offsets.withUnsafeBufferPointer { offsetBuffer in
                        let work = HistogramWork(bins: binBuffer.baseAddress!, featureCount: features,
                                                 rows: orderBuffer.baseAddress! + rows.lowerBound,
                                                 gradientsAndHessians: values.baseAddress!, offsets: offsetBuffer.baseAddress!)
                        result.sums.withUnsafeMutableBufferPointer { first in
                            second.sums.withUnsafeMutableBufferPointer { other in
                                work.fill(rowCount: m, into: first, halves: other, worker: worker)
                            }
                        }
                    }
                }
            }
        }
        if parallel { spareHistograms.append(second) }
        return result
    }

    /// A zeroed histogram, reusing the memory of one from an earlier tree when there is one: a
    /// histogram is large (3 × features × bins doubles), and fresh ones cost page faults.
    private mutating func takeHistogram() -> GradientHistogram {
        guard var reused = spareHistograms.popLast() else { return GradientHistogram(bins: offsets[featureCount]) }
        reused.sums.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        return reused
    }

    /// Row × feature cells of a node below which its histogram is summed in one pass.
    private static let parallelWork = 50_000

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
        histogram.sums.withUnsafeBufferPointer { sums in
            for j in 0..<featureCount {
                let base = offsets[j]
                var leftG = 0.0, leftH = 0.0, leftCount = 0
                for b in 0..<(binCounts[j] - 1) {
                    let slot = GradientHistogram.slotWidth * (base + b)
                    leftG += sums[slot]
                    leftH += sums[slot + 1]
                    leftCount += Int(sums[slot + 2])
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
        }
        return best
    }

    /// Reorders `order[rows]` so rows going left come first (each side keeps its order);
    /// returns where the right side starts. A large node is split in two halves, the second on
    /// the worker when there is one, and the sides put together: the same order as one pass gives.
    private mutating func partition(_ rows: Range<Int>, feature: Int, splitBin: Int) -> Int {
        let (features, threshold) = (featureCount, UInt8(splitBin))
        return bins.withUnsafeBufferPointer { bins in
            order.withUnsafeMutableBufferPointer { order in
                rightRows.withUnsafeMutableBufferPointer { right in
                    let work = PartitionWork(bins: bins.baseAddress!, featureCount: features, feature: feature, threshold: threshold,
                                             order: order.baseAddress!, right: right.baseAddress!)
                    guard rows.count >= Self.parallelPartitionRows, let worker else {
                        let leftCount = work.split(rows)
                        work.appendRight(from: rows.lowerBound, count: rows.count - leftCount, at: rows.lowerBound + leftCount)
                        return rows.lowerBound + leftCount
                    }
                    let middle = rows.lowerBound + rows.count / 2
                    let halves = [rows.lowerBound..<middle, middle..<rows.upperBound]
                    let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2)
                    defer { counts.deallocate() }
                    let leftCounts = SharedCounts(counts: counts)
                    worker.run { half in
                        leftCounts.counts[half] = work.split(halves[half])
                    }
                    // [left₁ right₁ | left₂ right₂] → [left₁ left₂ right₁ right₂]; the rights wait in `right`.
                    let (firstLeft, secondLeft) = (counts[0], counts[1])
                    let secondLeftStart = rows.lowerBound + firstLeft
                    (order.baseAddress! + secondLeftStart).update(from: order.baseAddress! + middle, count: secondLeft)
                    let rightStart = secondLeftStart + secondLeft
                    let firstRight = halves[0].count - firstLeft
                    work.appendRight(from: rows.lowerBound, count: firstRight, at: rightStart)
                    work.appendRight(from: middle, count: halves[1].count - secondLeft, at: rightStart + firstRight)
                    return rightStart
                }
            }
        }
    }

    /// Rows of a node below which it is partitioned in one pass.
    private static let parallelPartitionRows = 16_384
}

/// What the partition workers read and write: each worker moves its own range of the order.
private struct PartitionWork: @unchecked Sendable {
    let bins: UnsafePointer<UInt8>
    let featureCount: Int
    let feature: Int
    let threshold: UInt8
    let order: UnsafeMutablePointer<Int32>
    /// Scratch as long as the order: a range's right rows wait at the same positions.
    let right: UnsafeMutablePointer<Int32>

    /// Moves the rows of `order[range]` going left to the front of the range, in order, and
    /// those going right to `right[range.lowerBound...]`, in order; returns how many go left.
    ///
    /// Branch-free: each row is written to both sides and only its side's cursor moves, as
    /// which side a row takes is as unpredictable as the data.
    func split(_ range: Range<Int>) -> Int {
        var write = range.lowerBound, rightCount = range.lowerBound
        for k in range {
            let row = order[k]
            let goesLeft = bins[Int(row) &* featureCount &+ feature] <= threshold ? 1 : 0
            order[write] = row
            right[rightCount] = row
            write &+= goesLeft
            rightCount &+= 1 &- goesLeft
        }
        return write - range.lowerBound
    }

    /// Copies `count` right rows waiting at `right[from...]` to `order[at...]`.
    func appendRight(from: Int, count: Int, at: Int) {
        (order + at).update(from: right + from, count: count)
    }
}

/// The left counts of the partition halves.
private struct SharedCounts: @unchecked Sendable {
    let counts: UnsafeMutableBufferPointer<Int>
}

/// The two histograms the halves of a large node are summed into.
private struct HistogramTargets: @unchecked Sendable {
    let first: UnsafeMutablePointer<Double>
    let second: UnsafeMutablePointer<Double>
}
