import Foundation
import Testing
@testable import Learning

/// Customers who all spend alike: the Gamma-Gamma likelihood rises toward q → ∞, and the fit is
/// that limit instead of an optimiser failure (issue 14: `train clv` on the uniform shop).
@Suite("Gamma-Gamma at its homogeneous limit")
struct GammaGammaLimitTests {
    /// Mean spends of customers whose transactions are all Gamma(p, ν₀) with one ν₀.
    static func homogeneous(count: Int, p: Double, rate: Double, seed: UInt64) -> [SpendHistory] {
        var rng = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in
            let x = 1 + rng.nextIndex(below: 6)
            var total = 0.0
            for _ in 0..<x { total += rng.nextGamma(shape: p, rate: rate) }
            return SpendHistory(frequency: x, monetaryValue: total / Double(x))
        }
    }

    @Test("spend alike across customers: the fit is the limit, at least as likely as any finite point on the ridge")
    func homogeneousSpendFitsTheLimit() throws {
        let data = Self.homogeneous(count: 4_000, p: 3, rate: 0.02, seed: 7)
        let fit = try GammaGammaModel.fit(data)
        #expect(fit.atHomogeneousLimit)
        #expect(fit.model.q == GammaGammaLimit.storedQ)
        // The limit's parameters are the plain gamma MLE of the totals: p near the truth and the
        // population mean spend p/ν₀ equal to the sample's mean per transaction.
        #expect(abs(fit.model.p - 3) < 0.15, "p = \(fit.model.p)")
        let transactions = data.reduce(0.0) { $0 + Double($1.frequency) }
        let spent = data.reduce(0.0) { $0 + Double($1.frequency) * $1.monetaryValue }
        #expect(abs(fit.model.expectedAverageValue - spent / transactions) < 1e-9 * spent / transactions)
        // The limit's log-likelihood is the supremum along the ridge: finite points with the same
        // population mean (γ = (q − 1)ν₀⁻¹) are less likely, more so the smaller q.
        let rate = fit.model.p * transactions / spent
        var previous = -Double.infinity
        for q in [5.0, 50, 500, 5_000] {
            let model = GammaGammaModel(p: fit.model.p, q: q, gamma: (q - 1) / rate)
            let logLikelihood = data.reduce(0.0) { $0 + model.logLikelihood($1) }
            #expect(logLikelihood < fit.logLikelihood, "q = \(q): \(logLikelihood) vs the limit's \(fit.logLikelihood)")
            #expect(logLikelihood > previous)
            previous = logLikelihood
        }
        // The stored model's own likelihood is within a hair of the limit's.
        let stored = data.reduce(0.0) { $0 + fit.model.logLikelihood($1) }
        #expect(abs(stored - fit.logLikelihood) < 1e-3 * Double(data.count), "\(stored) vs \(fit.logLikelihood)")
        // Every customer's expected spend is close to the shop's mean.
        for customer in data.prefix(100) {
            let expected = fit.model.conditionalExpectedAverageValue(customer)
            #expect(abs(expected / fit.model.expectedAverageValue - 1) < 0.02)
        }
    }

    @Test("spend that differs between customers keeps the finite maximum; a penalty never takes the limit")
    func heterogeneousSpendKeepsTheFiniteFit() throws {
        var rng = Xoshiro256StarStar(seed: 99)
        let truth = GammaGammaModel(p: 6, q: 4, gamma: 15)
        let data = (0..<3_000).map { _ in truth.sampleSpend(frequency: 1 + rng.nextIndex(below: 10), using: &rng) }
        let fit = try GammaGammaModel.fit(data)
        #expect(!fit.atHomogeneousLimit)
        #expect(fit.model.q < 10)
        let alike = Self.homogeneous(count: 2_000, p: 3, rate: 0.02, seed: 8)
        let penalised = try GammaGammaModel.fit(alike, options: GammaGammaFitOptions(penalty: 1e-5))
        #expect(!penalised.atHomogeneousLimit)
    }
}
