import Foundation
import Testing
@testable import Learning

@Suite("Gamma-Gamma and lifetime value")
struct LifetimeValueTests {
    // Reference values: reference/cdnow_reference.py at p = 6.25, q = 3.74, γ = 15.44 and the
    // BG/NBD parameters r = 0.243, α = 4.414, a = 0.793, b = 2.426 (weeks).
    let spend = GammaGammaModel(p: 6.25, q: 3.74, gamma: 15.44)
    let purchases = BGNBDModel(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)

    @Test("conditional expected average value matches the closed form",
          arguments: [(0, 0.0, 35.21897810218978), (1, 20.0, 24.638487208008897), (6, 45.5, 44.79995029821073)])
    func conditionalAverageValue(x: Int, m: Double, expected: Double) {
        // A rational expression evaluated in the same order: 1e-12 relative.
        let value = spend.conditionalExpectedAverageValue(SpendHistory(frequency: x, monetaryValue: m))
        #expect(abs(value - expected) <= 1e-12 * expected)
        #expect(abs(spend.expectedAverageValue - 35.21897810218978) < 1e-12)
    }

    @Test("discounted CLV matches lifetimes' monthly formula",
          arguments: [(0, 0.0, 38.86, 0.0, 8.369004358920183), (2, 30.43, 38.86, 21.5, 35.2634103455274),
                      (7, 35.0, 38.0, 45.5, 243.009738138006)])
    func lifetimeValue(x: Int, recency: Double, age: Double, m: Double, expected: Double) {
        let clv = CustomerLifetimeValue(purchases: purchases, spend: spend)
        let summary = CustomerSummary(customer: 1, firstPurchaseDay: 0, frequency: x, recency: recency, age: age,
                                      monetaryValue: m)
        let value = clv.discountedValue(of: summary, months: 12, monthlyDiscountRate: 0.01, period: .week)
        // Differences of the conditional expectation (each to ~1e-13): 1e-9 relative.
        #expect(abs(value - expected) <= 1e-9 * expected)
    }

    @Test("analytic gradient of the Gamma-Gamma likelihood matches central differences")
    func gradient() throws {
        // Through the public fit: a fit that starts at the optimum must report a tiny gradient,
        // and the likelihood must be maximal against nearby points.
        var rng = Xoshiro256StarStar(seed: 5)
        let truth = GammaGammaModel(p: 4, q: 3, gamma: 20)
        let data = (0..<500).map { _ in truth.sampleSpend(frequency: 1 + rng.nextIndex(below: 8), using: &rng) }
        let fit = try GammaGammaModel.fit(data)
        let best = fit.logLikelihood
        for delta in [(1.001, 1.0, 1.0), (0.999, 1.0, 1.0), (1.0, 1.001, 1.0), (1.0, 0.999, 1.0), (1.0, 1.0, 1.001), (1.0, 1.0, 0.999)] {
            let moved = GammaGammaModel(p: fit.model.p * delta.0, q: fit.model.q * delta.1, gamma: fit.model.gamma * delta.2)
            let ll = data.reduce(0.0) { $0 + moved.logLikelihood($1) }
            #expect(ll < best)
        }
    }

    @Test("recovers Gamma-Gamma parameters from simulated spend within 4 standard errors")
    func recoversSimulatedParameters() throws {
        var rng = Xoshiro256StarStar(seed: 99)
        let truth = GammaGammaModel(p: 6, q: 4, gamma: 15)
        let data = (0..<5000).map { _ in truth.sampleSpend(frequency: 1 + rng.nextIndex(below: 10), using: &rng) }
        let fit = try GammaGammaModel.fit(data)
        // Standard errors from the observed information (finite differences of the analytic
        // log-likelihood, evaluated through the public logLikelihood).
        let errors = try #require(standardErrors(at: fit.optimization.x, n: 1) { logParameters in
            let h = 1e-6
            return (0..<3).map { k in
                var plus = logParameters, minus = logParameters
                plus[k] += h
                minus[k] -= h
                func nll(_ v: [Double]) -> Double {
                    let m = GammaGammaModel(p: exp(v[0]), q: exp(v[1]), gamma: exp(v[2]))
                    return -data.reduce(0.0) { $0 + m.logLikelihood($1) }
                }
                return (nll(plus) - nll(minus)) / (2 * h)
            }
        })
        let trueLog = [log(truth.p), log(truth.q), log(truth.gamma)]
        for k in 0..<3 {
            #expect(abs(fit.optimization.x[k] - trueLog[k]) < 4 * errors[k],
                    "log-parameter \(k): \(fit.optimization.x[k]) vs \(trueLog[k]), SE \(errors[k])")
        }
    }

    @Test("one-time buyers and non-positive spend are rejected with their row")
    func invalidInput() {
        let zero = [SpendHistory(frequency: 2, monetaryValue: 10), SpendHistory(frequency: 0, monetaryValue: 0)]
        #expect(throws: LearningError.invalidInput(model: "Gamma-Gamma", index: 1, reason:
            "frequency 0: the model needs at least one repeat transaction; leave one-time buyers out")) {
            try GammaGammaModel.fit(zero)
        }
        #expect(throws: LearningError.self) { try GammaGammaModel.fit([SpendHistory(frequency: 1, monetaryValue: 0)]) }
    }
}
