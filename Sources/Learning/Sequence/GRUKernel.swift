import Foundation

/// The GRU's forward and backward pass over one sequence, on caller-owned buffers: nothing is
/// allocated per sequence or per period.
///
/// The cache holds, for each period t, the block [h_t, r, z, n, W_hn h_t + b_hn] (5h values,
/// h_0 = 0), then h_T: `cacheSize` values. The backward pass reads it in reverse.
struct GRUKernel: Sendable {
    let layout: GRULayout
    let periods: Int

    var d: Int { layout.inputSize }
    var h: Int { layout.hiddenSize }
    var block: Int { 5 * layout.hiddenSize }
    var cacheSize: Int { periods * block + layout.hiddenSize }
    /// Scratch for the backward pass: dh, dh_prev and the four gate gradients (6h).
    var scratchSize: Int { 6 * layout.hiddenSize }

    /// Runs the GRU over the sequence starting at `x[start]`, filling `cache`; returns w · h_T + b.
    func logOdds(theta: UnsafeBufferPointer<Double>, x: UnsafeBufferPointer<Double>, at start: Int,
                 cache: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = self.d, h = self.h
        let wih = layout.weightIH, whh = layout.weightHH, bih = layout.biasIH, bhh = layout.biasHH
        for j in 0..<h { cache[j] = 0 }
        for t in 0..<periods {
            let prev = t * block, r = prev + h, z = r + h, n = z + h, ghn = n + h, next = prev + block
            let input = start + t * d
            for i in 0..<h {
                var ar = theta[bih + i] + theta[bhh + i]
                var az = theta[bih + h + i] + theta[bhh + h + i]
                var ain = theta[bih + 2 * h + i]
                var ahn = theta[bhh + 2 * h + i]
                let rowR = wih + i * d, rowZ = wih + (h + i) * d, rowN = wih + (2 * h + i) * d
                for j in 0..<d {
                    let xj = x[input + j]
                    ar += theta[rowR + j] * xj
                    az += theta[rowZ + j] * xj
                    ain += theta[rowN + j] * xj
                }
                let hidR = whh + i * h, hidZ = whh + (h + i) * h, hidN = whh + (2 * h + i) * h
                for j in 0..<h {
                    let hj = cache[prev + j]
                    ar += theta[hidR + j] * hj
                    az += theta[hidZ + j] * hj
                    ahn += theta[hidN + j] * hj
                }
                let ri = logistic(ar), zi = logistic(az)
                let ni = tanh(ain + ri * ahn)
                cache[r + i] = ri
                cache[z + i] = zi
                cache[n + i] = ni
                cache[ghn + i] = ahn
                cache[next + i] = (1 - zi) * ni + zi * cache[prev + i]
            }
        }
        var eta = theta[layout.outputBias]
        let last = periods * block
        for j in 0..<h { eta += theta[layout.outputWeight + j] * cache[last + j] }
        return eta
    }

    /// Adds `scale · ∂ℓ/∂θ` to `gradient`, where ℓ = softplus(η) − yη is the log loss of the
    /// sequence at `x[start]` with label `y`; returns ℓ. Backpropagation through time over the
    /// cache that the forward pass (run here) fills.
    func accumulateGradient(theta: UnsafeBufferPointer<Double>, x: UnsafeBufferPointer<Double>, at start: Int, label y: Double,
                            scale: Double, cache: UnsafeMutableBufferPointer<Double>,
                            scratch: UnsafeMutableBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = self.d, h = self.h
        let wih = layout.weightIH, whh = layout.weightHH, bih = layout.biasIH, bhh = layout.biasHH
        let eta = logOdds(theta: theta, x: x, at: start, cache: cache)
        let loss = softplus(eta) - y * eta
        let deta = (logistic(eta) - y) * scale
        let last = periods * block
        let dh = 0, dhPrev = h, gr = 2 * h, gz = 3 * h, gin = 4 * h, ghnGrad = 5 * h
        gradient[layout.outputBias] += deta
        for j in 0..<h {
            gradient[layout.outputWeight + j] += deta * cache[last + j]
            scratch[dh + j] = deta * theta[layout.outputWeight + j]
        }
        var current = dh, previous = dhPrev
        for t in stride(from: periods - 1, through: 0, by: -1) {
            let prev = t * block, r = prev + h, z = r + h, n = z + h, ghn = n + h
            let input = start + t * d
            for i in 0..<h {
                let dhi = scratch[current + i]
                let ri = cache[r + i], zi = cache[z + i], ni = cache[n + i]
                let dnPre = dhi * (1 - zi) * (1 - ni * ni)
                scratch[gr + i] = dnPre * cache[ghn + i] * ri * (1 - ri)
                scratch[gz + i] = dhi * (cache[prev + i] - ni) * zi * (1 - zi)
                scratch[gin + i] = dnPre
                scratch[ghnGrad + i] = dnPre * ri
                scratch[previous + i] = dhi * zi
            }
            for i in 0..<h {
                let gR = scratch[gr + i], gZ = scratch[gz + i], gN = scratch[gin + i], gHN = scratch[ghnGrad + i]
                gradient[bih + i] += gR
                gradient[bih + h + i] += gZ
                gradient[bih + 2 * h + i] += gN
                gradient[bhh + i] += gR
                gradient[bhh + h + i] += gZ
                gradient[bhh + 2 * h + i] += gHN
                let rowR = wih + i * d, rowZ = wih + (h + i) * d, rowN = wih + (2 * h + i) * d
                for j in 0..<d {
                    let xj = x[input + j]
                    gradient[rowR + j] += gR * xj
                    gradient[rowZ + j] += gZ * xj
                    gradient[rowN + j] += gN * xj
                }
                let hidR = whh + i * h, hidZ = whh + (h + i) * h, hidN = whh + (2 * h + i) * h
                for j in 0..<h {
                    let hj = cache[prev + j]
                    gradient[hidR + j] += gR * hj
                    gradient[hidZ + j] += gZ * hj
                    gradient[hidN + j] += gHN * hj
                    scratch[previous + j] += theta[hidR + j] * gR + theta[hidZ + j] * gZ + theta[hidN + j] * gHN
                }
            }
            swap(&current, &previous)
        }
        return loss
    }
}

/// Buffers for the kernel, allocated once per fit (or per call) and reused for every sequence.
struct GRUWorkspace {
    let kernel: GRUKernel
    private var cache: [Double]
    private var scratch: [Double]

    init(kernel: GRUKernel) {
        self.kernel = kernel
        cache = [Double](repeating: 0, count: kernel.cacheSize)
        scratch = [Double](repeating: 0, count: kernel.scratchSize)
    }

    /// Adds the gradient of the mean log loss over the sequences at `indices` to `gradient`;
    /// returns that mean loss.
    mutating func accumulate(theta: [Double], sequences: SequenceTensor, labels: [Bool], indices: ArraySlice<Int>,
                             gradient: inout [Double]) -> Double {
        let kernel = self.kernel
        let scale = 1 / Double(indices.count)
        var total = 0.0
        theta.withUnsafeBufferPointer { theta in
            sequences.values.withUnsafeBufferPointer { x in
                cache.withUnsafeMutableBufferPointer { cache in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        gradient.withUnsafeMutableBufferPointer { gradient in
                            for i in indices {
                                total += kernel.accumulateGradient(theta: theta, x: x, at: i * sequences.stride,
                                                                   label: labels[i] ? 1 : 0, scale: scale, cache: cache,
                                                                   scratch: scratch, gradient: gradient)
                            }
                        }
                    }
                }
            }
        }
        return total * scale
    }

    /// Mean log loss, from the log-odds, over the sequences at `indices`.
    mutating func meanLogLoss(theta: [Double], sequences: SequenceTensor, labels: [Bool], indices: [Int]) -> Double {
        let kernel = self.kernel
        var total = 0.0
        theta.withUnsafeBufferPointer { theta in
            sequences.values.withUnsafeBufferPointer { x in
                cache.withUnsafeMutableBufferPointer { cache in
                    for i in indices {
                        let eta = kernel.logOdds(theta: theta, x: x, at: i * sequences.stride, cache: cache)
                        total += softplus(eta) - (labels[i] ? eta : 0)
                    }
                }
            }
        }
        return total / Double(indices.count)
    }
}
