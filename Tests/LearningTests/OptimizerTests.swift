import Foundation
import Testing
@testable import Learning

@Suite("L-BFGS")
struct OptimizerTests {
    /// Rosenbrock's banana function: minimum 0 at (1, 1), a curved narrow valley.
    static func rosenbrock(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let a = 1 - x[0]
        let b = x[1] - x[0] * x[0]
        return (a * a + 100 * b * b, [-2 * a - 400 * x[0] * b, 200 * b])
    }

    @Test("minimises Rosenbrock from (-1.2, 1) to (1, 1)")
    func rosenbrockConverges() throws {
        let result = try LBFGS().minimize(from: [-1.2, 1], objective: Self.rosenbrock)
        // Gradient tolerance 1e-9 and a Hessian with eigenvalues ~0.4 to ~1000 give |x - x*| of
        // order 1e-8; 1e-6 leaves room.
        #expect(abs(result.x[0] - 1) < 1e-6)
        #expect(abs(result.x[1] - 1) < 1e-6)
        #expect(result.converged)
        #expect(result.gradientNorm <= 1e-9)
        #expect(result.iterations > 0 && result.iterations < 200)
    }

    @Test("solves an ill-conditioned quadratic in 50 dimensions")
    func quadratic() throws {
        // f(x) = ½ Σ d_i (x_i − i)², d_i from 1 to 1e4: minimiser x_i = i.
        let n = 50
        let d = (0..<n).map { pow10(4 * Double($0) / Double(n - 1)) }
        let result = try LBFGS(maximumIterations: 2000).minimize(from: [Double](repeating: 0, count: n)) { x in
            var value = 0.0
            var gradient = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let r = x[i] - Double(i)
                value += 0.5 * d[i] * r * r
                gradient[i] = d[i] * r
            }
            return (value, gradient)
        }
        // |x_i − i| ≤ gradient tolerance / d_i ≤ 1e-9 at convergence.
        for i in 0..<n { #expect(abs(result.x[i] - Double(i)) < 1e-8) }
    }

    @Test("throws notConverged with iterations and gradient norm when the limit is hit")
    func iterationLimit() {
        do {
            _ = try LBFGS(maximumIterations: 3).minimize(from: [-1.2, 1], objective: Self.rosenbrock)
            Issue.record("expected an error")
        } catch {
            guard case .notConverged(let iterations, let gradientNorm, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(iterations == 3)
            #expect(gradientNorm > 1e-9)
            #expect(error.description.contains("3 iterations"))
        }
    }

    @Test("a non-finite start is an error, not a NaN result")
    func nonFiniteStart() {
        #expect(throws: OptimizationError.self) {
            try LBFGS().minimize(from: [0]) { _ in (.nan, [0]) }
        }
    }

    @Test("steps into a region where the objective is infinite are shrunk, not accepted")
    func infiniteRegion() throws {
        // f(x) = x − log(x) is +∞ for x <= 0; minimum at x = 1. A unit step from x = 0.1 along
        // the steepest descent direction leaves the domain.
        let result = try LBFGS().minimize(from: [0.1]) { x in
            x[0] > 0 ? (x[0] - log(x[0]), [1 - 1 / x[0]]) : (.infinity, [.nan])
        }
        #expect(abs(result.x[0] - 1) < 1e-8)
    }

    private func pow10(_ e: Double) -> Double { pow(10, e) }
}
