import Foundation

/// The Newton step of boosting on the log loss: for each row's log-odds η and label y,
/// p = σ(η), gradient p − y and hessian max(p(1 − p), 10⁻¹⁶), from one exponential per row.
///
/// A large set of rows is done in two halves, the second on `worker` when there is one; each
/// row's values depend on that row alone, so they are the same to the bit however it runs.
enum LogLossGradients {
    /// Writes row i's gradient and hessian to `gradientsAndHessians[2i]` and `[2i + 1]`, for the
    /// log-odds `raw` and `labels` (each 0 or 1).
    static func compute(raw: [Double], labels: [Double], into gradientsAndHessians: inout [Double], worker: PairedWorker?) {
        let n = raw.count
        precondition(labels.count == n && gradientsAndHessians.count == 2 * n, "one label and two slots per row")
        guard n > 0 else { return }
        raw.withUnsafeBufferPointer { eta in
            labels.withUnsafeBufferPointer { y in
                gradientsAndHessians.withUnsafeMutableBufferPointer { out in
                    let work = Work(eta: eta.baseAddress!, y: y.baseAddress!, out: out.baseAddress!)
                    if n >= parallelRows, let worker {
                        worker.run { half in
                            work.run(half == 0 ? 0..<(n / 2) : (n / 2)..<n)
                        }
                    } else {
                        work.run(0..<n)
                    }
                }
            }
        }
    }

    /// Rows below which the calling thread does them all.
    private static let parallelRows = 20_000

    private struct Work: @unchecked Sendable {
        let eta: UnsafePointer<Double>
        let y: UnsafePointer<Double>
        let out: UnsafeMutablePointer<Double>

        /// Fills rows `range`.
        func run(_ range: Range<Int>) {
            for i in range {
                let r = eta[i]
                let e = exp(-abs(r))
                let p = r >= 0 ? 1 / (1 + e) : e / (1 + e)
                out[2 * i] = p - y[i]
                out[2 * i + 1] = max(p * (1 - p), 1e-16)
            }
        }
    }
}
