import Foundation

/// Buffers for ``GRUKernel``, allocated once per fit (or per call) and reused for every sequence.
///
/// Work over a list of sequences is cut in two lanes, the first half of the list and the second,
/// each with its own cache, scratch and gradient sum; the lanes run on two cores when the machine
/// has them. Lane results are added in lane order, so a fit gives the same weights to the bit on
/// one core or two.
final class GRUWorkspace: @unchecked Sendable {
    let kernel: GRUKernel
    private let parameterCount: Int
    /// The weights of the current call, then their transposed columns (``GRUKernel/transpose(theta:into:)``).
    private let weights: UnsafeMutablePointer<Double>
    private let columns: UnsafeMutablePointer<Double>
    /// Per lane: cache, scratch, gradient sum.
    private let lanes: UnsafeMutablePointer<Double>
    private var laneSize: Int { kernel.cacheSize + kernel.scratchSize + parameterCount }

    /// Lists shorter than this run both lanes on the calling thread: a thread hand-off costs more.
    private static let parallelMinimum = 16
    private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    init(kernel: GRUKernel) {
        self.kernel = kernel
        parameterCount = kernel.layout.parameterCount
        weights = .allocate(capacity: parameterCount)
        columns = .allocate(capacity: kernel.transposedSize)
        lanes = .allocate(capacity: 2 * (kernel.cacheSize + kernel.scratchSize + parameterCount))
    }

    deinit {
        weights.deallocate()
        columns.deallocate()
        lanes.deallocate()
    }

    /// Adds the gradient of the mean log loss over the sequences at `indices` to `gradient`;
    /// returns that mean loss.
    func accumulate(theta: [Double], sequences: SequenceTensor, labels: [Bool], indices: ArraySlice<Int>,
                    gradient: inout [Double]) -> Double {
        load(theta)
        let scale = 1 / Double(indices.count)
        let total = sumOverLanes(sequences: sequences, labels: labels, indices: indices) { lane, x, y, i in
            lane.kernel.accumulateGradient(theta: lane.theta, columns: lane.columns, x: x, at: i * sequences.stride,
                                           label: y ? 1 : 0, scale: scale, cache: lane.cache, scratch: lane.scratch,
                                           gradient: lane.gradient)
        }
        let first = lanes + kernel.cacheSize + kernel.scratchSize, second = first + laneSize
        for k in 0..<parameterCount { gradient[k] += first[k] + second[k] }
        return total * scale
    }

    /// Mean log loss, from the log-odds, over the sequences at `indices`.
    func meanLogLoss(theta: [Double], sequences: SequenceTensor, labels: [Bool], indices: [Int]) -> Double {
        load(theta)
        let total = sumOverLanes(sequences: sequences, labels: labels, indices: indices[...]) { lane, x, y, i in
            let eta = lane.kernel.logOdds(theta: lane.theta, columns: lane.columns, x: x, at: i * sequences.stride,
                                          cache: lane.cache, scratch: lane.scratch)
            return softplus(eta) - (y ? eta : 0)
        }
        return total / Double(indices.count)
    }

    /// P(y = 1) for every sequence.
    func probabilities(theta: [Double], sequences: SequenceTensor) -> [Double] {
        load(theta)
        var out = [Double](repeating: 0, count: sequences.count)
        out.withUnsafeMutableBufferPointer { out in
            let target = SendableOutput(values: out)
            _ = sumOverLanes(sequences: sequences, labels: nil, indices: Array(0..<sequences.count)[...]) { lane, x, _, i in
                target.values[i] = logistic(lane.kernel.logOdds(theta: lane.theta, columns: lane.columns, x: x,
                                                                at: i * sequences.stride, cache: lane.cache,
                                                                scratch: lane.scratch))
                return 0
            }
        }
        return out
    }

    /// Copies `theta` and its transposed columns into the workspace.
    private func load(_ theta: [Double]) {
        precondition(theta.count == parameterCount, "\(theta.count) weights for a GRU of \(parameterCount)")
        theta.withUnsafeBufferPointer { weights.update(from: $0.baseAddress!, count: parameterCount) }
        kernel.transpose(theta: UnsafeBufferPointer(start: weights, count: parameterCount),
                         into: UnsafeMutableBufferPointer(start: columns, count: kernel.transposedSize))
    }

    /// Runs `body` on every index, the first half in lane 0 and the rest in lane 1 (each lane's
    /// gradient sum zeroed first); returns the sum of `body`'s results, lane 0's first.
    private func sumOverLanes(sequences: SequenceTensor, labels: [Bool]?, indices: ArraySlice<Int>,
                              _ body: @escaping @Sendable (GRULane, UnsafeBufferPointer<Double>, Bool, Int) -> Double) -> Double {
        let lanes = (0..<2).map { lane(at: $0) }
        var sums = (0.0, 0.0)
        sequences.values.withUnsafeBufferPointer { x in
            (labels ?? []).withUnsafeBufferPointer { y in
                indices.withUnsafeBufferPointer { indices in
                    let input = GRULaneInput(x: x, labels: y, indices: indices)
                    let half = indices.count / 2
                    let results = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2)
                    defer { results.deallocate() }
                    let output = SendableOutput(values: results)
                    let run: @Sendable (Int) -> Void = { lane in
                        let range = lane == 0 ? 0..<half : half..<input.indices.count
                        var total = 0.0
                        for position in range {
                            let i = input.indices[position]
                            total += body(lanes[lane], input.x, input.labels.isEmpty ? false : input.labels[i], i)
                        }
                        output.values[lane] = total
                    }
                    if Self.cores > 1 && indices.count >= Self.parallelMinimum {
                        DispatchQueue.concurrentPerform(iterations: 2, execute: run)
                    } else {
                        run(0)
                        run(1)
                    }
                    sums = (results[0], results[1])
                }
            }
        }
        return sums.0 + sums.1
    }

    /// Lane `index`'s buffers, its gradient sum zeroed.
    private func lane(at index: Int) -> GRULane {
        let base = lanes + index * laneSize
        let gradient = UnsafeMutableBufferPointer(start: base + kernel.cacheSize + kernel.scratchSize, count: parameterCount)
        gradient.update(repeating: 0)
        return GRULane(kernel: kernel, theta: UnsafeBufferPointer(start: weights, count: parameterCount),
                       columns: UnsafeBufferPointer(start: columns, count: kernel.transposedSize),
                       cache: UnsafeMutableBufferPointer(start: base, count: kernel.cacheSize),
                       scratch: UnsafeMutableBufferPointer(start: base + kernel.cacheSize, count: kernel.scratchSize),
                       gradient: gradient)
    }
}

/// One lane's view of the workspace: shared weights, its own cache, scratch and gradient sum.
struct GRULane: @unchecked Sendable {
    let kernel: GRUKernel
    let theta: UnsafeBufferPointer<Double>
    let columns: UnsafeBufferPointer<Double>
    let cache: UnsafeMutableBufferPointer<Double>
    let scratch: UnsafeMutableBufferPointer<Double>
    let gradient: UnsafeMutableBufferPointer<Double>
}

/// The sequences, labels (empty when there are none) and indices both lanes read.
private struct GRULaneInput: @unchecked Sendable {
    let x: UnsafeBufferPointer<Double>
    let labels: UnsafeBufferPointer<Bool>
    let indices: UnsafeBufferPointer<Int>
}

/// Values the lanes write at disjoint positions.
private struct SendableOutput: @unchecked Sendable {
    let values: UnsafeMutableBufferPointer<Double>
}
