import Foundation
import Testing
@testable import Learning

@Suite("Metrics")
struct MetricsTests {
    // Hand-computed values; tolerances 1e-12 cover floating-point rounding of short sums.

    @Test("ROC AUC: 3 of 4 positive–negative pairs ordered correctly gives 0.75")
    func rocAUCSimple() throws {
        // Pairs: (0.8 > 0.4, 0.8 > 0.1, 0.35 < 0.4, 0.35 > 0.1) → 3/4.
        let auc = try #require(RankingMetrics.rocAUC(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]))
        #expect(abs(auc - 0.75) < 1e-12)
    }

    @Test("ROC AUC counts ties as one half via average ranks")
    func rocAUCTies() throws {
        // Ranks: three 0.5s share rank 2, 0.9 has rank 4; positive rank sum 6; (6 − 3)/(2·2) = 0.75.
        let auc = try #require(RankingMetrics.rocAUC(scores: [0.5, 0.5, 0.5, 0.9], labels: [true, false, false, true]))
        #expect(abs(auc - 0.75) < 1e-12)
        // All scores equal: 0.5.
        #expect(RankingMetrics.rocAUC(scores: [1, 1, 1], labels: [true, false, true]) == 0.5)
    }

    @Test("ROC AUC is nil with one class")
    func rocAUCOneClass() {
        #expect(RankingMetrics.rocAUC(scores: [0.1, 0.2], labels: [true, true]) == nil)
    }

    @Test("average precision: 0.5·1 + 0.5·2/3 = 0.8333 for the 4-row example")
    func averagePrecision() throws {
        // Descending: 0.8 T (P 1, R .5), 0.4 F, 0.35 T (P 2/3, R 1), 0.1 F.
        let ap = try #require(RankingMetrics.averagePrecision(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]))
        #expect(abs(ap - (0.5 + 0.5 * 2.0 / 3.0)) < 1e-12)
    }

    @Test("average precision treats a tie group as one threshold")
    func averagePrecisionTies() throws {
        // 0.9 T: P 1, R .5; the 0.5 group (T, F, F) together: P 2/4, R 1 → .5 + .5·.5 = .75.
        let ap = try #require(RankingMetrics.averagePrecision(scores: [0.5, 0.5, 0.5, 0.9], labels: [true, false, false, true]))
        #expect(abs(ap - 0.75) < 1e-12)
        #expect(RankingMetrics.averagePrecision(scores: [0.5], labels: [false]) == nil)
    }

    @Test("log loss is the mean negative log-likelihood and clips 0 and 1")
    func logLoss() {
        let value = ProbabilityMetrics.logLoss(probabilities: [0.9, 0.2, 0.6], labels: [true, false, false])
        // −(ln 0.9 + ln 0.8 + ln 0.4)/3 = (0.1053605 + 0.2231436 + 0.9162907)/3.
        #expect(abs(value - 0.41493159961539694) < 1e-12)
        let clipped = ProbabilityMetrics.logLoss(probabilities: [0, 1], labels: [true, false])
        #expect(abs(clipped - -log(1e-15)) < 1e-9)
    }

    @Test("Brier score: ((0.1)² + 0.2² + 0.6²)/3")
    func brier() {
        let value = ProbabilityMetrics.brierScore(probabilities: [0.9, 0.2, 0.6], labels: [true, false, false])
        #expect(abs(value - 0.41 / 3) < 1e-12)
    }

    @Test("lift in the top decile: 1 positive in the top 2 of 20 rows, 3 overall → 0.5 / 0.15")
    func liftTopDecile() throws {
        let scores = (0..<20).map { Double(20 - $0) }  // rank 1 has the highest score
        var labels = [Bool](repeating: false, count: 20)
        for rank in [1, 5, 12] { labels[rank - 1] = true }
        let lift = try #require(RankingMetrics.lift(scores: scores, labels: labels))
        #expect(abs(lift - 0.5 / 0.15) < 1e-12)
    }

    @Test("lift splits a tie group at the cut in proportion")
    func liftTies() throws {
        // 10 rows, top 1 row; the top two are tied, one positive: expected 0.5 positives in the top
        // row. 2 positives overall: lift = 0.5 / 0.2 = 2.5, whatever the input order.
        let scores = [5.0, 5, 1, 1, 1, 1, 1, 1, 1, 1]
        let labels = [false, true, false, false, false, false, false, false, false, true]
        let lift = try #require(RankingMetrics.lift(scores: scores, labels: labels))
        #expect(abs(lift - 2.5) < 1e-12)
        let reversed = try #require(RankingMetrics.lift(scores: scores.reversed(), labels: labels.reversed()))
        #expect(reversed == lift)
    }

    @Test("uniform calibration bins count, average and rate each bin")
    func calibrationUniform() {
        let table = ProbabilityMetrics.calibrationTable(
            probabilities: [0.05, 0.15, 0.12, 0.25, 0.95, 1.0], labels: [false, true, false, false, true, true],
            binning: .uniform)
        #expect(table.map(\.count) == [1, 2, 1, 2])
        #expect(abs(table[1].meanPredicted - 0.135) < 1e-12)
        #expect(table[1].observedRate == 0.5)
        #expect(table[3].lowerBound == 0.9 && table[3].upperBound == 1.0)  // p = 1 joins the last bin
        #expect(table[3].observedRate == 1)
    }

    @Test("quantile calibration bins have equal counts")
    func calibrationQuantile() {
        let probabilities = (0..<20).map { Double($0) / 20 }
        let labels = (0..<20).map { $0 % 4 == 0 }
        let table = ProbabilityMetrics.calibrationTable(probabilities: probabilities, labels: labels, bins: 4)
        #expect(table.map(\.count) == [5, 5, 5, 5])
        // Bin 0 holds 0, .05, .1, .15, .2 with positives at 0 and .2.
        #expect(abs(table[0].meanPredicted - 0.1) < 1e-12)
        #expect(abs(table[0].observedRate - 0.4) < 1e-12)
        #expect(table[0].lowerBound == 0 && table[0].upperBound == 0.2)
    }
}
