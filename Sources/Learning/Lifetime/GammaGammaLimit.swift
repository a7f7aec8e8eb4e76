import Foundation

/// The Gamma-Gamma model's limit q → ∞ with pγ/(q − 1) fixed: every customer's transactions are
/// Gamma(p, ν₀) with one ν₀ for all, so customers' mean spends differ only by order-to-order
/// noise. When a shop's customers all buy alike (uniform prices, no big and small spenders) the
/// likelihood keeps rising along that ridge, the maximum lies at infinity, and the optimiser
/// stops without converging; this limit is then the maximum-likelihood answer.
///
/// In the limit x·m̄ ~ Gamma(px, ν₀), so ν₀ = p·Σwx / Σwxm̄ and p solves
/// Σ w x (ln ν₀ + ln(x m̄) − ψ(px)) = 0 (one dimension, solved by bisection on ln p).
enum GammaGammaLimit {
    /// The q at which the limit is stored as a ``GammaGammaModel``: customers' rates ν then have
    /// a coefficient of variation of 1/√q = 1%, and E[M | x, m̄] is within about 1% of the
    /// population mean for every customer.
    static let storedQ = 10_000.0

    /// The limit's p and ν₀, and its total weighted log-likelihood, for customers with x ≥ 1 and
    /// m̄ > 0 (checked by the caller).
    static func fit(x: [Double], m: [Double], weights w: [Double]) -> (p: Double, rate: Double, logLikelihood: Double) {
        var sumX = 0.0, sumSpend = 0.0
        for i in x.indices {
            sumX += w[i] * x[i]
            sumSpend += w[i] * x[i] * m[i]
        }
        let logTotals = x.indices.map { log(x[$0] * m[$0]) }
        func score(_ logP: Double) -> Double {
            let p = exp(logP)
            let logRate = logP + log(sumX / sumSpend)
            var total = 0.0
            for i in x.indices { total += w[i] * x[i] * (logRate + logTotals[i] - SpecialFunctions.digamma(p * x[i])) }
            return total
        }
        // The score falls from +∞ (p → 0) to a negative limit unless every customer's total is
        // the same multiple of x (no noise at all), where it stays positive: bisect on ln p.
        var low = -30.0, high = 30.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if score(middle) > 0 { low = middle } else { high = middle }
        }
        let p = exp((low + high) / 2)
        let rate = p * sumX / sumSpend
        var logLikelihood = 0.0
        for i in x.indices {
            let px = p * x[i]
            // Density of m̄ = (x m̄)/x: Gamma(px, ν₀) of the total, times x.
            logLikelihood += w[i] * (px * log(rate) - SpecialFunctions.logGamma(px) + (px - 1) * logTotals[i]
                                     - rate * x[i] * m[i] + log(x[i]))
        }
        return (p, rate, logLikelihood)
    }

    /// The limit as a model: q = ``storedQ`` and γ = (q − 1)/ν₀, so the population mean spend
    /// pγ/(q − 1) is the limit's p/ν₀.
    static func model(p: Double, rate: Double) -> GammaGammaModel {
        GammaGammaModel(p: p, q: storedQ, gamma: (storedQ - 1) / rate)
    }
}
