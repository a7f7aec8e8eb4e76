import Foundation
import Learning

/// Predicted against actual repeat purchases in the holdout weeks (or days) after the
/// calibration period, for customers grouped by their calibration frequency — the check Fader,
/// Hardie & Lee (2005, figure 4) and the lifetimes package plot.
public struct LifetimeHoldout: Sendable, Equatable {
    /// One frequency bucket: customers with x repeat purchases in calibration (the last bucket
    /// holds x and more).
    public struct Bucket: Sendable, Equatable {
        /// "0", "1", ..., "7+".
        public let label: String
        public let customers: Int
        /// Mean repeat purchases (distinct purchase days) in the holdout.
        public let actualMean: Double
        /// Mean E[X(holdout) | x, tₓ, T] from the model.
        public let predictedMean: Double
    }

    /// Last day of the holdout (days since 1970-01-01, inclusive).
    public let holdoutEnd: Int64
    /// Holdout length in the model's period.
    public let length: Double
    public let customers: Int
    /// Total repeat purchases the customers made in the holdout, and the model's total.
    public let actualTotal: Int
    public let predictedTotal: Double
    /// Mean over customers of |predicted − actual|.
    public let meanAbsoluteError: Double
    public let buckets: [Bucket]

    /// Number of frequency buckets: 0 ... 6 and "7+".
    static let bucketCount = 8

    /// Evaluates `model` on the customers of `summaries` against their purchases in
    /// (observationEnd, holdoutEnd].
    init(model: BGNBDModel, summaries: [CustomerSummary], purchases: LifetimePurchases,
         observationEnd: Int64, holdoutEnd: Int64, period: SummaryPeriod) {
        let length = Double(holdoutEnd - observationEnd) / period.days
        let actual = purchases.purchaseDays(after: observationEnd, through: holdoutEnd)
        var customers = [Int](repeating: 0, count: Self.bucketCount)
        var actualSums = [Double](repeating: 0, count: Self.bucketCount)
        var predictedSums = [Double](repeating: 0, count: Self.bucketCount)
        var absoluteError = 0.0
        for summary in summaries {
            let bucket = min(summary.frequency, Self.bucketCount - 1)
            let predicted = model.expectedPurchases(in: length, given: summary.purchaseHistory)
            let observed = Double(actual[summary.customer] ?? 0)
            customers[bucket] += 1
            actualSums[bucket] += observed
            predictedSums[bucket] += predicted
            absoluteError += abs(predicted - observed)
        }
        self.holdoutEnd = holdoutEnd
        self.length = length
        self.customers = summaries.count
        self.actualTotal = Int(actualSums.reduce(0, +))
        self.predictedTotal = predictedSums.reduce(0, +)
        self.meanAbsoluteError = summaries.isEmpty ? 0 : absoluteError / Double(summaries.count)
        self.buckets = (0..<Self.bucketCount).compactMap { i in
            guard customers[i] > 0 else { return nil }
            let n = Double(customers[i])
            return Bucket(label: i == Self.bucketCount - 1 ? "\(i)+" : "\(i)", customers: customers[i],
                          actualMean: actualSums[i] / n, predictedMean: predictedSums[i] / n)
        }
    }
}
