/// What a minimiser found.
public struct OptimizationResult: Sendable, Equatable {
    /// The minimiser's final point.
    public let x: [Double]
    /// The objective at ``x``.
    public let value: Double
    /// The gradient at ``x``.
    public let gradient: [Double]
    /// Iterations (accepted steps) taken.
    public let iterations: Int
    /// Objective evaluations, including those inside line searches.
    public let evaluations: Int
    /// The largest absolute gradient component at ``x`` (the ∞-norm).
    public let gradientNorm: Double
    /// Whether a convergence test passed (always `true` for a returned result: failures throw).
    public let converged: Bool
}

/// Why a minimiser gave up; the message says where it stopped and what to try.
public enum OptimizationError: Error, Equatable, CustomStringConvertible {
    /// The starting point has a non-finite objective or gradient.
    case nonFiniteStart(value: Double)
    /// The iteration limit was reached before the gradient was small enough.
    case notConverged(iterations: Int, gradientNorm: Double, value: Double)
    /// No step along the search direction (nor along the steepest descent direction) decreased
    /// the objective.
    case lineSearchFailed(iterations: Int, gradientNorm: Double, value: Double)

    public var description: String {
        switch self {
        case .nonFiniteStart(let value):
            return "optimizer: objective or gradient is not finite at the starting point (value \(value)); "
                + "start from other parameters or rescale the data"
        case .notConverged(let iterations, let gradientNorm, let value):
            return "optimizer: no convergence after \(iterations) iterations (gradient norm \(gradientNorm), "
                + "objective \(value)); raise the iteration limit, rescale the data or add a penalty"
        case .lineSearchFailed(let iterations, let gradientNorm, let value):
            return "optimizer: line search found no decrease after \(iterations) iterations (gradient norm "
                + "\(gradientNorm), objective \(value)); the gradient may be wrong or the tolerance too tight"
        }
    }
}
