import Foundation

/// The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma model of
/// monetary value", after Colombo & Jiang 1999).
///
/// A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so the
/// customer's mean transaction value is pγ/(q − 1) on average (for q > 1). Spend is assumed
/// independent of the purchase process, so the model pairs with ``BGNBDModel`` for lifetime value.
public struct GammaGammaModel: Sendable, Equatable {
    /// Shape of the per-transaction gamma distribution.
    public var p: Double
    /// Shape of the gamma distribution of ν across customers.
    public var q: Double
    /// Scale (rate) of the gamma distribution of ν across customers, in currency units.
    public var gamma: Double

    /// Creates a model from its three positive parameters.
    public init(p: Double, q: Double, gamma: Double) {
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    /// The population mean of customers' mean transaction value, pγ/(q − 1) (infinite for q ≤ 1).
    public var expectedAverageValue: Double {
        q > 1 ? p * gamma / (q - 1) : .infinity
    }

    /// The log-likelihood of one customer's mean repeat-transaction value m̄ over x ≥ 1
    /// transactions (Fader & Hardie 2013, equation 3).
    public func logLikelihood(_ spend: SpendHistory) -> Double {
        let x = Double(spend.frequency)
        let m = spend.monetaryValue
        let px = p * x
        return SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - SpecialFunctions.logGamma(q)
            + q * log(gamma) + (px - 1) * log(m) + px * log(x) - (px + q) * log(gamma + m * x)
    }

    /// E[M | x, m̄]: the expected mean transaction value of a customer with `spend`,
    /// (p(γ + x m̄)) / (px + q − 1), a weighted average of the population mean pγ/(q−1) and the
    /// customer's own mean. With x = 0 this is the population mean.
    public func conditionalExpectedAverageValue(_ spend: SpendHistory) -> Double {
        let x = Double(spend.frequency)
        return p * (gamma + x * spend.monetaryValue) / (p * x + q - 1)
    }
}
