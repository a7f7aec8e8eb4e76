import Foundation
import Testing
@testable import Learning

@Suite("Dense numerics")
struct NumericsTests {
    @Test("Cholesky solves a 3 × 3 system and inverts it")
    func cholesky() throws {
        // A = [[4, 2, 2], [2, 5, 3], [2, 3, 6]], x = [1, −1, 2] → b = A x = [6, 3, 11].
        let a: [Double] = [4, 2, 2, 2, 5, 3, 2, 3, 6]
        let factor = try #require(CholeskyFactorization(matrix: a, dimension: 3))
        let x = factor.solve([6, 3, 11])
        for (value, expected) in zip(x, [1.0, -1, 2]) { #expect(abs(value - expected) < 1e-12) }
        // A · A⁻¹ = I to rounding.
        let inverse = factor.inverse()
        for i in 0..<3 {
            for j in 0..<3 {
                let product = (0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * inverse[$1 * 3 + j] }
                #expect(abs(product - (i == j ? 1 : 0)) < 1e-12)
            }
        }
    }

    @Test("Cholesky refuses a matrix that is not positive definite")
    func choleskyIndefinite() {
        #expect(CholeskyFactorization(matrix: [1, 2, 2, 1], dimension: 2) == nil)
        #expect(CholeskyFactorization(matrix: [0, 0, 0, 0], dimension: 2) == nil)
    }

    @Test("the standardizer centres and scales columns and leaves constant columns at 0")
    func standardizer() {
        let data = FeatureMatrix(rowArrays: [[1, 5], [3, 5], [5, 5]])
        let s = Standardizer(fitting: data)
        #expect(s.means == [3, 5])
        // Population sd of 1, 3, 5 is √(8/3); the constant column gets 1.
        #expect(abs(s.standardDeviations[0] - (8.0 / 3).squareRoot()) < 1e-15)
        #expect(s.standardDeviations[1] == 1)
        let z = s.transform(data)
        #expect(z.row(1) == [0, 0])
        #expect(abs(z[2, 0] - 2 / (8.0 / 3).squareRoot()) < 1e-15)
        #expect(s.inverseTransform(s.transform([4, 7])) == [4, 7])
    }

    @Test("feature matrix rows and selections")
    func featureMatrix() {
        let m = FeatureMatrix(rowArrays: [[1, 2], [3, 4], [5, 6]])
        #expect(m.rows == 3 && m.columns == 2)
        #expect(m[2, 1] == 6)
        #expect(m.selecting(rows: [2, 0]).values == [5, 6, 1, 2])
        #expect(FeatureMatrix(rowArrays: [], columns: 4).columns == 4)
    }
}
