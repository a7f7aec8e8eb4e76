import Foundation

extension BGNBDModel {
    /// The probability that a customer drawn from the population makes exactly `x` repeat
    /// purchases in the first `t` time units after their first purchase (FHL 2005, equation 8):
    ///
    ///     P(X(t) = x) = B(a, b+x)/B(a, b) · Γ(r+x)/(Γ(r) x!) · (α/(α+t))^r · (t/(α+t))^x
    ///                 + δ(x>0) · B(a+1, b+x−1)/B(a, b) · [1 − (α/(α+t))^r Σ_{j<x} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j]
    ///
    /// Summed over the customers' ages T it gives the model's count of customers with x repeat
    /// purchases in calibration (lifetimes' `plot_period_transactions`, computed rather than
    /// simulated).
    public func probabilityOfPurchases(_ x: Int, in t: Double) -> Double {
        precondition(x >= 0, "a purchase count is not negative, got \(x)")
        precondition(t >= 0 && t.isFinite, "time must be finite and non-negative, got \(t)")
        guard t > 0 else { return x == 0 ? 1 : 0 }
        let logP = log(alpha / (alpha + t)), logQ = log(t / (alpha + t))
        let logBetaAB = Self.logBeta(a, b)
        // log of the negative binomial probability of j purchases while alive the whole time.
        func logNegativeBinomial(_ j: Int) -> Double {
            SpecialFunctions.logGamma(r + Double(j)) - SpecialFunctions.logGamma(r) - SpecialFunctions.logGamma(Double(j) + 1)
                + r * logP + Double(j) * logQ
        }
        let alive = exp(Self.logBeta(a, b + Double(x)) - logBetaAB + logNegativeBinomial(x))
        guard x > 0 else { return alive }
        let fewer = (0..<x).reduce(0.0) { $0 + exp(logNegativeBinomial($1)) }
        let droppedOut = exp(Self.logBeta(a + 1, b + Double(x) - 1) - logBetaAB) * max(0, 1 - fewer)
        return alive + droppedOut
    }

    private static func logBeta(_ p: Double, _ q: Double) -> Double {
        SpecialFunctions.logGamma(p) + SpecialFunctions.logGamma(q) - SpecialFunctions.logGamma(p + q)
    }
}
