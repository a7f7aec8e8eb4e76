import Foundation
import Learning

/// The report's lifetime-value section: every customer scored by the warehouse's `clv` model
/// (production, else the latest) as of the report's as-of. Scores are computed, not stored.
public struct LifetimeValueSection: Sendable, Equatable {
    /// `clv@N`, with its currency when the warehouse holds several ("clv@1 (amounts in USD)").
    public let reference: String
    public let period: SummaryPeriod
    public let horizonMonths: Int
    /// Highest lifetime value first.
    public let scores: [LifetimeScore]
    /// The model's own checks and matrices on its calibration period (nil: the snapshot does not
    /// record one).
    let diagnostics: LifetimeDiagnostics?

    /// Customers to a histogram bar: bins from 0 to the 99th percentile of lifetime value, as
    /// wide as the tick rule's step for at most `bins` bins (so their edges are round numbers),
    /// and one last bin for everything above (so a few whales do not flatten the rest).
    /// Negative values (net returns) count in the first bin.
    public func histogram(bins: Int = 12) -> [(lower: Double, upper: Double?, customers: Int)] {
        guard !scores.isEmpty else { return [] }
        let ascending = scores.map(\.lifetimeValue).sorted()
        let p99 = max(ascending[Int(Double(ascending.count - 1) * 0.99)], 1e-9)
        let width = AxisScale(covering: 0, p99, maxTicks: bins + 1).step
        let count = max(1, Int((p99 / width).rounded(.up)))
        let top = Double(count) * width
        var counts = [Int](repeating: 0, count: count + 1)
        for value in ascending { counts[value > top ? count : min(count - 1, Int(max(0, value) / width))] += 1 }
        return (0...count).map { i in
            i == count ? (top, nil, counts[i]) : (Double(i) * width, Double(i + 1) * width, counts[i])
        }
    }

    /// Days since each customer's last purchase at the end of observation, with their P(alive).
    public var aliveByRecency: [(days: Double, probabilityAlive: Double)] {
        scores.map { (($0.summary.age - $0.summary.recency) * period.days, $0.probabilityAlive) }
    }

    /// The first `count` customers as a table.
    public func topTable(_ count: Int = 10) -> Table {
        Table(columns: ["customer", "repeat purchases", "P(alive)", "expected purchases", "expected order value", "lifetime value"],
              rows: scores.prefix(count).map {
                  [.text($0.externalID), .count($0.summary.frequency), .real($0.probabilityAlive, decimals: 3),
                   .real($0.expectedPurchases, decimals: 2), .real($0.expectedOrderValue, decimals: 2),
                   .real($0.lifetimeValue, decimals: 2)]
              },
              notes: ["\(Format.count(scores.count)) customers scored by \(reference); expected purchases and lifetime value over \(horizonMonths) months, discounted."])
    }
}

extension LifetimeEngine {
    /// The lifetime-value section as of `asOf`, nil when no `clv` model has been trained. In a
    /// warehouse of several currencies the model's currency is named with it, since the
    /// report's other sections may be in another one.
    func lifetimeValueSection(asOf: Int64) throws -> LifetimeValueSection? {
        guard try listModels().contains(where: { $0.name == Warehouse.lifetimeModelName }) else { return nil }
        let snapshot = try snapshot(Warehouse.lifetimeModelName, at: nil)
        let stored = try lifetimeModel(snapshot)
        let currency = try orderCurrencies().count > 1 ? stored.currency.map { " (amounts in \($0))" } ?? "" : ""
        return LifetimeValueSection(reference: snapshot.reference + currency, period: stored.period, horizonMonths: stored.horizonMonths,
                                    scores: try lifetimeScores(stored, asOf: asOf),
                                    diagnostics: try lifetimeDiagnostics(snapshot, stored))
    }
}
