import Foundation
import Learning

/// Customers by repeat purchases in the calibration period, as observed and as the BG/NBD model
/// expects them (lifetimes' `plot_period_transactions`): the model's count of x is
/// Σ over customers of P(X(Tᵢ) = x), each customer's own age Tᵢ, computed exactly rather than
/// simulated. The last bucket holds `lastBucket` and more.
struct PeriodTransactions: Sendable, Equatable {
    struct Bucket: Sendable, Equatable {
        /// "0", "1", ..., "7+".
        let label: String
        let actual: Int
        let expected: Double
    }

    static let lastBucket = 7
    let customers: Int
    let buckets: [Bucket]

    init(model: BGNBDModel, summaries: [CustomerSummary]) {
        let last = Self.lastBucket
        var actual = [Int](repeating: 0, count: last + 1)
        var ages: [Double: Int] = [:]
        for summary in summaries {
            actual[min(summary.frequency, last)] += 1
            ages[summary.age, default: 0] += 1
        }
        // Customers of the same age share their probabilities: one evaluation per distinct age,
        // added youngest first so the sums do not depend on the dictionary's order, which
        // changes from run to run.
        var expected = [Double](repeating: 0, count: last)
        for (age, count) in ages.sorted(by: { $0.key < $1.key }) {
            for x in 0..<last { expected[x] += Double(count) * model.probabilityOfPurchases(x, in: age) }
        }
        customers = summaries.count
        buckets = (0...last).map { x in
            x < last ? Bucket(label: "\(x)", actual: actual[x], expected: expected[x])
                : Bucket(label: "\(last)+", actual: actual[x], expected: max(0, Double(summaries.count) - expected.reduce(0, +)))
        }
    }
}
