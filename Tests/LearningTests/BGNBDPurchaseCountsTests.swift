import Foundation
import Testing
@testable import Learning

/// P(X(t) = x), the distribution of repeat purchases the report's period-transactions chart sums.
@Suite("BG/NBD purchase counts")
struct BGNBDPurchaseCountsTests {
    /// The published CDNOW parameters, rounded, as in BGNBDTests.
    let cdnow = BGNBDModel(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)

    @Test("P(X(t) = x) matches FHL 2005 equation 8 evaluated with mpmath at 40 digits",
          arguments: [(0, 1.0, 0.95158879773314705), (0, 39.0, 0.57378635209600941), (1, 39.0, 0.19939528083591146),
                      (2, 39.0, 0.085429759539060759), (5, 39.0, 0.017965493866579044), (7, 78.0, 0.012796797283432996),
                      (20, 520.0, 0.0031278896201125439)])
    func matchesHighPrecisionReference(x: Int, t: Double, expected: Double) {
        // 1e-11 relative: log-gamma and exp in double precision, and a sum of at most 20 terms.
        #expect(abs(cdnow.probabilityOfPurchases(x, in: t) - expected) <= 1e-11 * expected)
    }

    @Test("the probabilities sum to 1 and their mean is E[X(t)] of the hypergeometric closed form")
    func distributionAgreesWithTheExpectation() {
        for model in [cdnow, BGNBDModel(r: 2, alpha: 3, a: 1.5, b: 0.8), BGNBDModel(r: 0.5, alpha: 10, a: 3, b: 2.5)] {
            for t in [0.5, 1, 10, 39] {
                let probabilities = (0..<800).map { model.probabilityOfPurchases($0, in: t) }
                let total = probabilities.reduce(0, +)
                let mean = probabilities.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
                // The tail beyond 800 purchases is negligible at these rates (< 1e-12); the mean
                // is computed by another formula (₂F₁, FHL equation 9), so 1e-9 relative.
                #expect(abs(total - 1) < 1e-9, "model \(model), t \(t): total \(total)")
                #expect(abs(mean - model.expectedPurchases(in: t)) < 1e-9 * max(1, mean), "model \(model), t \(t): mean \(mean)")
                #expect(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 })
            }
            #expect(model.probabilityOfPurchases(0, in: 0) == 1 && model.probabilityOfPurchases(3, in: 0) == 0)
        }
    }
}
