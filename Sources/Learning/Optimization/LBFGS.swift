/// Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) for smooth unconstrained problems with
/// analytic gradients: two-loop recursion over the last ``memory`` curvature pairs, initial
/// Hessian scaled by sᵀy / yᵀy, and a strong Wolfe line search.
///
/// Models fitted with it work in unconstrained coordinates (for example log-parameters) and
/// usually minimise a mean negative log-likelihood so that the default tolerance means the same
/// thing for any sample size.
public struct LBFGS: Sendable {
    /// Number of curvature pairs kept.
    public var memory: Int
    /// Iteration limit; reaching it throws ``OptimizationError/notConverged(iterations:gradientNorm:value:)``.
    public var maximumIterations: Int
    /// Converged when the largest absolute gradient component is at most this.
    public var gradientTolerance: Double

    /// Creates a minimiser with the given settings.
    public init(memory: Int = 10, maximumIterations: Int = 1000, gradientTolerance: Double = 1e-9) {
        precondition(memory > 0, "L-BFGS memory must be positive")
        self.memory = memory
        self.maximumIterations = maximumIterations
        self.gradientTolerance = gradientTolerance
    }

    /// Minimises `objective`, which returns the value and gradient at a point, starting at `start`.
    ///
    /// - Throws: ``OptimizationError`` when the start is not finite, the iteration limit is reached,
    ///   or no step decreases the objective (the message carries iterations and gradient norm).
    public func minimize(
        from start: [Double],
        objective: ([Double]) -> (value: Double, gradient: [Double])
    ) throws(OptimizationError) -> OptimizationResult {
        var x = start
        var (f, g) = objective(x)
        var evaluations = 1
        guard f.isFinite, g.count == x.count, g.allSatisfy(\.isFinite) else {
            throw .nonFiniteStart(value: f)
        }
        var sHistory: [[Double]] = []
        var yHistory: [[Double]] = []
        var rhoHistory: [Double] = []
        let lineSearch = WolfeLineSearch()
        var iteration = 0

        while true {
            let gradientNorm = g.reduce(0) { max($0, abs($1)) }
            if gradientNorm <= gradientTolerance {
                return OptimizationResult(x: x, value: f, gradient: g, iterations: iteration,
                                          evaluations: evaluations, gradientNorm: gradientNorm, converged: true)
            }
            if iteration >= maximumIterations {
                throw .notConverged(iterations: iteration, gradientNorm: gradientNorm, value: f)
            }

            var direction = twoLoopDirection(gradient: g, s: sHistory, y: yHistory, rho: rhoHistory)
            var slope = dot(g, direction)
            if !(slope < 0) {
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                direction = g.map { -$0 }
                slope = dot(g, direction)
            }
            let initialStep = sHistory.isEmpty ? min(1, 1 / gradientNorm) : 1
            var (accepted, used) = lineSearch.search(x: x, f0: f, slope0: slope, direction: direction,
                                                     initialStep: initialStep, objective: objective)
            evaluations += used
            if accepted == nil && !sHistory.isEmpty {
                // Retry once along steepest descent with the memory cleared.
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                direction = g.map { -$0 }
                slope = dot(g, direction)
                (accepted, used) = lineSearch.search(x: x, f0: f, slope0: slope, direction: direction,
                                                     initialStep: min(1, 1 / gradientNorm), objective: objective)
                evaluations += used
            }
            guard let point = accepted else {
                throw .lineSearchFailed(iterations: iteration, gradientNorm: gradientNorm, value: f)
            }

            let s = direction.map { $0 * point.step }
            var y = point.gradient
            for i in y.indices { y[i] -= g[i] }
            let sy = dot(s, y)
            if sy > 1e-12 * (dot(y, y).squareRoot() * dot(s, s).squareRoot()) && sy > 0 {
                if sHistory.count == memory {
                    sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst()
                }
                sHistory.append(s); yHistory.append(y); rhoHistory.append(1 / sy)
            }
            for i in x.indices { x[i] += s[i] }
            f = point.value
            g = point.gradient
            iteration += 1
        }
    }

    /// The L-BFGS direction −H g by the two-loop recursion.
    private func twoLoopDirection(gradient: [Double], s: [[Double]], y: [[Double]], rho: [Double]) -> [Double] {
        var q = gradient
        var alphas = [Double](repeating: 0, count: s.count)
        for k in stride(from: s.count - 1, through: 0, by: -1) {
            let alpha = rho[k] * dot(s[k], q)
            alphas[k] = alpha
            for i in q.indices { q[i] -= alpha * y[k][i] }
        }
        if let lastS = s.last, let lastY = y.last {
            let scale = dot(lastS, lastY) / dot(lastY, lastY)
            for i in q.indices { q[i] *= scale }
        }
        for k in 0..<s.count {
            let beta = rho[k] * dot(y[k], q)
            for i in q.indices { q[i] += (alphas[k] - beta) * s[k][i] }
        }
        return q.map { -$0 }
    }
}
