import Foundation

/// The GRU's forward and backward pass over one sequence, on caller-owned buffers: nothing is
/// allocated per sequence or per period.
///
/// The cache holds, for each period t, the block [h_t, r, z, n, W_hn h_t + b_hn] (5h values,
/// h_0 = 0), then h_T: `cacheSize` values. The backward pass reads it in reverse.
///
/// The forward pass reads the weights transposed (``transpose(theta:into:)``): column j of
/// W_ih and of W_hh as 3h contiguous values, so each input adds `x_j · column` to all 3h gate
/// sums in one loop the compiler vectorises, instead of 3h dot products of length d and h.
struct GRUKernel: Sendable {
    let layout: GRULayout
    let periods: Int

    var d: Int { layout.inputSize }
    var h: Int { layout.hiddenSize }
    var block: Int { 5 * layout.hiddenSize }
    var cacheSize: Int { periods * block + layout.hiddenSize }
    /// Scratch for either pass: the forward pass's 3h input and 3h hidden gate sums, or the
    /// backward pass's dh, dh_prev and four gate gradients (6h).
    var scratchSize: Int { 6 * layout.hiddenSize }
    /// Values of the transposed weights: (d + h) columns of 3h.
    var transposedSize: Int { (layout.inputSize + layout.hiddenSize) * 3 * layout.hiddenSize }

    /// Writes W_ih's d columns, then W_hh's h columns, each as 3h contiguous values (gate rows r, z, n).
    func transpose(theta: UnsafeBufferPointer<Double>, into columns: UnsafeMutableBufferPointer<Double>) {
        let d = self.d, h = self.h, g = 3 * h
        for k in 0..<g {
            for j in 0..<d { columns[j * g + k] = theta[layout.weightIH + k * d + j] }
            for j in 0..<h { columns[(d + j) * g + k] = theta[layout.weightHH + k * h + j] }
        }
    }

    /// Runs the GRU over the sequence starting at `x[start]`, filling `cache`; returns w · h_T + b.
    /// `columns` holds ``transpose(theta:into:)`` of `theta`.
    func logOdds(theta: UnsafeBufferPointer<Double>, columns: UnsafeBufferPointer<Double>, x: UnsafeBufferPointer<Double>,
                 at start: Int, cache: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = self.d, h = self.h, g = 3 * h
        let bih = layout.biasIH, bhh = layout.biasHH
        for j in 0..<h { cache[j] = 0 }
        for t in 0..<periods {
            let prev = t * block, r = prev + h, z = r + h, n = z + h, ghn = n + h, next = prev + block
            let input = start + t * d
            // scratch[0..<3h] = b_ih + W_ih x_t, scratch[3h..<6h] = b_hh + W_hh h_{t−1}.
            for k in 0..<g {
                scratch[k] = theta[bih + k]
                scratch[g + k] = theta[bhh + k]
            }
            for j in 0..<d {
                let xj = x[input + j], column = j * g
                for k in 0..<g { scratch[k] += columns[column + k] * xj }
            }
            for j in 0..<h {
                let hj = cache[prev + j], column = (d + j) * g
                for k in 0..<g { scratch[g + k] += columns[column + k] * hj }
            }
            for i in 0..<h {
                let ri = logistic(scratch[i] + scratch[g + i])
                let zi = logistic(scratch[h + i] + scratch[g + h + i])
                let ahn = scratch[g + 2 * h + i]
                let ni = tanh(scratch[2 * h + i] + ri * ahn)
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
    func accumulateGradient(theta: UnsafeBufferPointer<Double>, columns: UnsafeBufferPointer<Double>,
                            x: UnsafeBufferPointer<Double>, at start: Int, label y: Double, scale: Double,
                            cache: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>,
                            gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = self.d, h = self.h
        let wih = layout.weightIH, whh = layout.weightHH, bih = layout.biasIH, bhh = layout.biasHH
        let eta = logOdds(theta: theta, columns: columns, x: x, at: start, cache: cache, scratch: scratch)
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
