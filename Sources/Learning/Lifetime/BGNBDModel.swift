import Foundation

/// The BG/NBD ("beta-geometric / negative binomial distribution") model of Fader, Hardie & Lee
/// (2005), "Counting your customers the easy way".
///
/// While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each repeat
/// purchase they drop out with probability p ~ Beta(a, b). Time is in the unit the model was
/// fitted in (days or weeks), and α carries that unit.
public struct BGNBDModel: Sendable, Equatable {
    /// Shape of the gamma distribution of purchase rates.
    public var r: Double
    /// Scale (rate parameter) of the gamma distribution of purchase rates, in time units.
    public var alpha: Double
    /// First shape of the beta distribution of dropout probabilities.
    public var a: Double
    /// Second shape of the beta distribution of dropout probabilities.
    public var b: Double

    /// Creates a model from its four positive parameters.
    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// The log-likelihood of one customer's history (FHL 2005, equation 6, in log space).
    public func logLikelihood(_ history: PurchaseHistory) -> Double {
        let x = Double(history.frequency)
        let lnA1 = SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + r * log(alpha)
        let lnA2 = SpecialFunctions.logGamma(a + b) + SpecialFunctions.logGamma(b + x)
            - SpecialFunctions.logGamma(b) - SpecialFunctions.logGamma(a + b + x)
        let lnA3 = -(r + x) * log(alpha + history.age)
        guard history.frequency > 0 else { return lnA1 + lnA2 + lnA3 }
        let lnA4 = log(a) - log(b + x - 1) - (r + x) * log(alpha + history.recency)
        return lnA1 + lnA2 + SpecialFunctions.logAddExp(lnA3, lnA4)
    }

    /// Expected number of purchases in (0, t] by a customer who has just made their first
    /// purchase: E[X(t)] = (a + b − 1)/(a − 1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
    public func expectedPurchases(in t: Double) -> Double {
        expectedPurchases(in: t, given: PurchaseHistory(frequency: 0, recency: 0, age: 0))
    }

    /// Expected number of purchases in the next `t` periods by a customer with `history`
    /// (FHL 2005, equation 10).
    ///
    /// Evaluated as (a+b+x−1)/(a−1) · [1 − (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z)] with
    /// z = t/(α+T+t), the Euler-transformed form of the paper's ₂F₁ term: it has no overflowing
    /// factors for large x and converges faster. For a within 1e-6 of 1, where the formula is 0/0,
    /// it returns the average at a ± 1e-6 (error of order 1e-12 relative).
    public func expectedPurchases(in t: Double, given history: PurchaseHistory) -> Double {
        precondition(t >= 0 && t.isFinite, "horizon must be finite and non-negative, got \(t)")
        let alive = probabilityAlive(given: history)
        if abs(a - 1) < 1e-6 {
            return 0.5 * alive * (conditionalNumerator(t: t, history: history, a: 1 - 1e-6)
                + conditionalNumerator(t: t, history: history, a: 1 + 1e-6))
        }
        return alive * conditionalNumerator(t: t, history: history, a: a)
    }

    /// (a+b+x−1)/(a−1) · [1 − (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z)], z = t/(α+T+t).
    private func conditionalNumerator(t: Double, history: PurchaseHistory, a: Double) -> Double {
        let x = Double(history.frequency)
        let z = t / (alpha + history.age + t)
        let hypergeometric = SpecialFunctions.hypergeometric2F1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        // 1 − w·F with w = (1−z)^(a−1), split as (1 − w) + w(1 − F) to keep precision for small z.
        let logW = (a - 1) * log1p(-z)
        let bracket = -expm1(logW) + exp(logW) * (1 - hypergeometric)
        return (a + b + x - 1) / (a - 1) * bracket
    }

    /// The probability that a customer with `history` is still alive at the end of observation
    /// (FHL 2005, equation 11): 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)).
    public func probabilityAlive(given history: PurchaseHistory) -> Double {
        guard history.frequency > 0 else { return 1 }
        let x = Double(history.frequency)
        let logOdds = log(a) - log(b + x - 1)
            + (r + x) * (log(alpha + history.age) - log(alpha + history.recency))
        // 1 / (1 + e^logOdds), written to stay in [0, 1] for any logOdds.
        return logOdds > 0 ? exp(-logOdds) / (1 + exp(-logOdds)) : 1 / (1 + exp(logOdds))
    }
}
