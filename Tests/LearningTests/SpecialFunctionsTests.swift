import Foundation
import Testing
@testable import Learning

@Suite("Special functions")
struct SpecialFunctionsTests {
    // Reference values: scipy.special.digamma / hyp2f1 (scipy 1.17), printed with repr().
    // Tolerance 1e-13 relative: both sides are accurate to a few ulps; the slack covers the
    // recurrence and summation order.

    @Test("digamma matches scipy at small, moderate, large and negative arguments",
          arguments: [
            (1.0, -0.5772156649015329), (0.5, -1.9635100260214235), (10.0, 2.251752589066721),
            (1e-3, -1000.5755719318103), (123.456, 4.811829323828985), (-2.5, 1.1031566406452433),
          ])
    func digammaMatchesScipy(x: Double, expected: Double) {
        #expect(abs(SpecialFunctions.digamma(x) - expected) <= 1e-13 * max(1, abs(expected)))
    }

    @Test("digamma is NaN at its poles")
    func digammaPoles() {
        #expect(SpecialFunctions.digamma(0).isNaN)
        #expect(SpecialFunctions.digamma(-3).isNaN)
    }

    @Test("2F1 matches closed forms: 2F1(1,1;2;z) = -ln(1-z)/z and 2F1(a,b;b;z) = (1-z)^-a")
    func hypergeometricClosedForms() {
        for z in [0.0, 0.1, 0.5, 0.9, 0.99] {
            let log = z == 0 ? 1 : -Foundation.log(1 - z) / z
            #expect(abs(SpecialFunctions.hypergeometric2F1(1, 1, 2, z) - log) <= 1e-12 * log)
            let power = pow(1 - z, -0.7)
            #expect(abs(SpecialFunctions.hypergeometric2F1(0.7, 2.3, 2.3, z) - power) <= 1e-12 * power)
        }
    }

    @Test("2F1 matches scipy at BG/NBD-like arguments, including z = 0.99 and a negative parameter",
          arguments: [
            (0.2426, 2.4259, 2.2188, 0.9, 1.9456628989491866),
            (3.5, -0.2, 12.3, 0.99, 0.933576585880268),
            (6.2426, 7.4259, 8.2188, 0.5, 48.61263976465743),
          ])
    func hypergeometricMatchesScipy(a: Double, b: Double, c: Double, z: Double, expected: Double) {
        let value = SpecialFunctions.hypergeometric2F1(a, b, c, z)
        #expect(abs(value - expected) <= 1e-12 * abs(expected))
    }

    @Test("logAddExp is exact where direct evaluation overflows")
    func logAddExpAvoidsOverflow() {
        #expect(abs(SpecialFunctions.logAddExp(1000, 1000) - (1000 + Foundation.log(2))) < 1e-12)
        #expect(SpecialFunctions.logAddExp(-.infinity, 3) == 3)
        #expect(abs(SpecialFunctions.logAddExp(0, 0) - Foundation.log(2)) < 1e-15)
    }
}
