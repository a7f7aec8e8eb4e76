import Foundation
import Testing
@testable import Learning

@Suite("Logistic regression")
struct LogisticRegressionTests {
    @Test("recovers the coefficients of simulated data within 4 standard errors")
    func recoversCoefficients() throws {
        let b0 = -1.0
        let b = [0.8, -0.05, 0.0, 2.0, -0.3]
        let means = [0.0, 50, -3, 1, 10]
        let sds = [1.0, 20, 0.5, 0.3, 4]
        let data = simulateLogistic(rows: 20_000, intercept: b0, coefficients: b, means: means, sds: sds, seed: 42)
        let fit = try LogisticRegressionModel.fit(data.features, labels: data.labels,
                                                  options: LogisticRegressionOptions(l2Penalty: 0))
        let model = fit.model
        // The truth on the standardised scale (training means and sds): βⱼ = bⱼ sdⱼ, β₀ = b₀ + Σ bⱼ meanⱼ.
        let s = model.standardizer
        let trueBeta = b.indices.map { b[$0] * s.standardDeviations[$0] }
        let trueIntercept = b0 + b.indices.reduce(0.0) { $0 + b[$1] * s.means[$1] }
        // 4 standard errors (asymptotic, from the inverse Hessian): fails by chance < 0.04% per
        // coefficient; the seed is fixed.
        #expect(abs(model.intercept - trueIntercept) < 4 * fit.standardErrors[0])
        for j in b.indices {
            #expect(abs(model.coefficients[j] - trueBeta[j]) < 4 * fit.standardErrors[j + 1],
                    "coefficient \(j): \(model.coefficients[j]) vs \(trueBeta[j]) ± \(fit.standardErrors[j + 1])")
        }
        // Original-scale view agrees with the same truth (scale errors by the sds).
        let original = model.originalScale
        for j in b.indices {
            #expect(abs(original.coefficients[j] - b[j]) < 4 * fit.standardErrors[j + 1] / s.standardDeviations[j])
        }
        #expect(fit.iterations < 15)
        #expect(fit.gradientNorm < 1e-6)
    }

    @Test("matches scipy's penalised maximum likelihood on a small data set")
    func matchesScipyReference() throws {
        // reference/logistic_reference.py minimises the same objective (λ = 1, standardised
        // features, intercept unpenalised) with scipy.optimize.minimize(method="BFGS").
        let rows: [[Double]] = [[1, 2], [2, 1], [3, 4], [4, 3], [5, 6], [6, 5], [7, 8], [8, 9], [2, 7], [9, 1]]
        let labels = [false, false, true, false, true, false, true, true, true, false]
        let fit = try LogisticRegressionModel.fit(FeatureMatrix(rowArrays: rows), labels: labels,
                                                  options: LogisticRegressionOptions(l2Penalty: 1))
        // scipy's BFGS stops at gradient 1e-10 on an O(1) problem: 1e-6 absolute.
        #expect(abs(fit.model.intercept - LogisticReference.intercept) < 1e-6)
        for j in 0..<2 { #expect(abs(fit.model.coefficients[j] - LogisticReference.coefficients[j]) < 1e-6) }
        #expect(abs(fit.model.predictProbability([3, 3]) - LogisticReference.probabilityAt33) < 1e-6)
    }

    @Test("with only constant features the intercept is the log-odds of the base rate")
    func interceptOnly() throws {
        let features = FeatureMatrix(rows: 8, columns: 1, values: [Double](repeating: 5, count: 8))
        let labels = [true, false, false, true, false, false, false, false]
        let fit = try LogisticRegressionModel.fit(features, labels: labels)
        // Closed form: ln(2/6). Newton converges quadratically: 1e-10.
        #expect(abs(fit.model.intercept - log(2.0 / 6.0)) < 1e-10)
        #expect(abs(fit.model.predictProbability([123]) - 0.25) < 1e-10)
    }

    @Test("batch predictions equal row-by-row predictions")
    func batchEqualsRows() throws {
        let data = simulateLogistic(rows: 500, intercept: 0.3, coefficients: [1, -2, 0.5], means: [0, 3, -1],
                                    sds: [1, 2, 0.1], seed: 3)
        let model = try LogisticRegressionModel.fit(data.features, labels: data.labels).model
        let batch = model.predictProbabilities(data.features)
        for i in stride(from: 0, to: 500, by: 37) {
            // Batch folds standardisation into the weights: same value up to rounding (1e-12).
            #expect(abs(batch[i] - model.predictProbability(data.features.row(i))) < 1e-12)
        }
    }

    @Test("a larger L2 penalty shrinks the slopes")
    func penaltyShrinks() throws {
        let data = simulateLogistic(rows: 300, intercept: 0, coefficients: [1.5, -1], means: [0, 0], sds: [1, 1], seed: 8)
        let loose = try LogisticRegressionModel.fit(data.features, labels: data.labels,
                                                    options: LogisticRegressionOptions(l2Penalty: 0.01)).model
        let tight = try LogisticRegressionModel.fit(data.features, labels: data.labels,
                                                    options: LogisticRegressionOptions(l2Penalty: 100)).model
        let norm = { (m: LogisticRegressionModel) in m.coefficients.reduce(0) { $0 + $1 * $1 } }
        #expect(norm(tight) < norm(loose))
    }

    @Test("separable classes without a penalty throw a message that suggests one")
    func separableThrows() {
        let features = FeatureMatrix(rowArrays: [[0], [1], [2], [3], [4], [5]])
        let labels = [false, false, false, true, true, true]
        do {
            _ = try LogisticRegressionModel.fit(features, labels: labels, options: LogisticRegressionOptions(l2Penalty: 0))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("L2 penalty"))
        }
        // With a penalty the same data fits.
        #expect(throws: Never.self) {
            try LogisticRegressionModel.fit(features, labels: labels, options: LogisticRegressionOptions(l2Penalty: 1))
        }
    }

    @Test("mismatched sizes and non-finite features are rejected")
    func invalidInput() {
        let features = FeatureMatrix(rowArrays: [[0, 1], [1, .nan]])
        #expect(throws: LearningError.self) { try LogisticRegressionModel.fit(features, labels: [true, false]) }
        #expect(throws: LearningError.self) {
            try LogisticRegressionModel.fit(FeatureMatrix(rowArrays: [[0], [1]]), labels: [true])
        }
    }
}

/// Printed by reference/logistic_reference.py.
enum LogisticReference {
    static let intercept = 0.005960624596303999
    static let coefficients = [-0.11523510354535532, 1.3507033488148545]
    static let probabilityAt33 = 0.329316631056681
}
