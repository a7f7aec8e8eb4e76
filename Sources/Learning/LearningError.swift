/// Errors from fitting models and decoding their parameters. Each message names the model, what
/// was wrong and what to try.
public enum LearningError: Error, Equatable, CustomStringConvertible {
    /// The training data cannot be used (empty, wrong sizes, a value outside the model's domain).
    /// `index` is the offending row, when there is one.
    case invalidInput(model: String, index: Int?, reason: String)
    /// The optimiser behind a maximum-likelihood fit gave up.
    case optimizationFailed(model: String, OptimizationError)
    /// An iterative fit that is not driven by ``LBFGS`` (Newton, Lloyd) did not converge.
    case notConverged(model: String, iterations: Int, detail: String)
    /// Stored parameters do not describe a model of this kind (missing tensor, wrong shape,
    /// value out of range).
    case invalidParameters(model: String, reason: String)

    public var description: String {
        switch self {
        case .invalidInput(let model, let index, let reason):
            let location = index.map { " at row \($0)" } ?? ""
            return "\(model): invalid input\(location): \(reason)"
        case .optimizationFailed(let model, let error):
            return "\(model): fit failed: \(error.description)"
        case .notConverged(let model, let iterations, let detail):
            return "\(model): no convergence after \(iterations) iterations: \(detail)"
        case .invalidParameters(let model, let reason):
            return "\(model): invalid stored parameters: \(reason)"
        }
    }
}
