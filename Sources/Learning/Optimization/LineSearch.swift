/// A line search along a descent direction that returns a step satisfying the strong Wolfe
/// conditions (Nocedal & Wright 2006, algorithms 3.5 and 3.6, with safeguarded cubic
/// interpolation), or the approximate Wolfe conditions of Hager & Zhang (2005) near a minimum
/// where differences of objective values drown in rounding error.
struct WolfeLineSearch {
    /// Sufficient decrease constant (Armijo).
    var c1 = 1e-4
    /// Curvature constant.
    var c2 = 0.9
    /// Maximum objective evaluations in one search.
    var maximumEvaluations = 40
    /// Allowed increase of the objective for an approximate Wolfe step, relative to 1 + |f₀|.
    var approximateTolerance = 1e-10

    struct Point {
        var step: Double
        var value: Double
        var gradient: [Double]
        var slope: Double
    }

    /// Searches from `x` (objective `f0`, directional derivative `slope0 < 0`) along `direction`,
    /// trying `initialStep` first. Returns the accepted point and the number of evaluations.
    func search(
        x: [Double], f0: Double, slope0: Double, direction: [Double], initialStep: Double,
        objective: ([Double]) -> (value: Double, gradient: [Double])
    ) -> (point: Point?, evaluations: Int) {
        var evaluations = 0
        func evaluate(_ step: Double) -> Point {
            evaluations += 1
            var trial = x
            for i in trial.indices { trial[i] += step * direction[i] }
            let (value, gradient) = objective(trial)
            let finite = value.isFinite && gradient.allSatisfy(\.isFinite)
            let slope = finite ? dot(gradient, direction) : .nan
            return Point(step: step, value: finite ? value : .infinity, gradient: gradient, slope: slope)
        }
        func armijo(_ p: Point) -> Bool { p.value <= f0 + c1 * p.step * slope0 }
        func curvature(_ p: Point) -> Bool { abs(p.slope) <= -c2 * slope0 }
        func approximateWolfe(_ p: Point) -> Bool {
            p.value <= f0 + approximateTolerance * (1 + abs(f0))
                && c2 * slope0 <= p.slope && p.slope <= (2 * c1 - 1) * slope0
        }
        func acceptable(_ p: Point) -> Bool {
            (armijo(p) && curvature(p)) || approximateWolfe(p)
        }

        var previous = Point(step: 0, value: f0, gradient: [], slope: slope0)
        var step = initialStep
        var first = true
        while evaluations < maximumEvaluations {
            let current = evaluate(step)
            if acceptable(current) { return (current, evaluations) }
            if !current.value.isFinite || !armijo(current) || (!first && current.value >= previous.value) {
                return zoom(low: previous, high: current, f0: f0, slope0: slope0,
                            evaluate: evaluate, acceptable: acceptable, armijo: armijo,
                            evaluations: { evaluations })
            }
            if current.slope >= 0 {
                return zoom(low: current, high: previous, f0: f0, slope0: slope0,
                            evaluate: evaluate, acceptable: acceptable, armijo: armijo,
                            evaluations: { evaluations })
            }
            previous = current
            step *= 2
            first = false
        }
        return (nil, evaluations)
    }

    private func zoom(
        low: Point, high: Point, f0: Double, slope0: Double,
        evaluate: (Double) -> Point, acceptable: (Point) -> Bool, armijo: (Point) -> Bool,
        evaluations: () -> Int
    ) -> (point: Point?, evaluations: Int) {
        var low = low
        var high = high
        while evaluations() < maximumEvaluations {
            let width = high.step - low.step
            if abs(width) <= 1e-16 * max(abs(low.step), 1e-300) { break }
            var trialStep = cubicMinimizer(low, high) ?? (low.step + 0.5 * width)
            // Keep the trial well inside the bracket so the bracket keeps shrinking.
            let lower = min(low.step, high.step) + 0.1 * abs(width)
            let upper = max(low.step, high.step) - 0.1 * abs(width)
            if !(trialStep >= lower && trialStep <= upper) { trialStep = low.step + 0.5 * width }
            let trial = evaluate(trialStep)
            if acceptable(trial) { return (trial, evaluations()) }
            if !trial.value.isFinite || !armijo(trial) || trial.value >= low.value {
                high = trial
            } else {
                if trial.slope * (high.step - low.step) >= 0 { high = low }
                low = trial
            }
        }
        // Fall back to the best point with sufficient decrease, if any: the caller skips the
        // curvature-pair update when it would break positive definiteness.
        return (low.step > 0 && low.value < f0 ? low : nil, evaluations())
    }

    /// The minimiser of the cubic interpolating values and slopes at two points, if it exists.
    private func cubicMinimizer(_ a: Point, _ b: Point) -> Double? {
        guard a.value.isFinite, b.value.isFinite, a.slope.isFinite, b.slope.isFinite else { return nil }
        let d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.step - b.step)
        let discriminant = d1 * d1 - a.slope * b.slope
        guard discriminant >= 0 else { return nil }
        let d2 = (b.step > a.step ? 1.0 : -1.0) * discriminant.squareRoot()
        let denominator = b.slope - a.slope + 2 * d2
        guard denominator != 0 else { return nil }
        let step = b.step - (b.step - a.step) * (b.slope + d2 - d1) / denominator
        return step.isFinite ? step : nil
    }
}

@inline(__always)
func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
}
