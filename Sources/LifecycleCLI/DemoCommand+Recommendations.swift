import Foundation
import Warehouse

extension DemoCommand {
    /// Trains item-to-item recommendations as of `asOf` (90-day holdout), stores and promotes
    /// them, scores every customer, and returns the indented lines the demo prints: both models'
    /// hit rate@10 and recall@10, and one customer's top three with what explains them.
    static func recommendationsStep(_ warehouse: Warehouse, asOf: Int64) throws -> [String] {
        let training = try warehouse.trainRecommendations(RecommendationTrainingOptions(asOf: asOf))
        let stored = try warehouse.storeRecommendations(training, promote: true)
        let rows = try warehouse.scoreRecommendations(stored.snapshot, asOf: asOf, count: training.options.count)
        let m = training.holdout, b = training.baseline
        var lines = [
            "hit rate@10 \(RecommendationReport.number(m.hitRate)) vs popularity \(RecommendationReport.number(b.hitRate)) \(RecommendationReport.gain(training.hitRateGain, training.hitRateRelativeGain)); "
                + "recall@10 \(RecommendationReport.number(m.recall)) vs \(RecommendationReport.number(b.recall)), on \(grouped(m.users)) customers' new products in the 90 days before \(CalendarDate.day(asOf))",
            "stored as \(stored.snapshot.reference)\(stored.promoted ? ", now production" : ""); \(grouped(rows.count)) recommendations stored for \(grouped(Set(rows.map(\.userID)).count)) customers",
        ]
        guard let example = try warehouse.storedRecommendations(snapshot: stored.snapshot, asOf: asOf, users: 1).first?.customer else { return lines }
        let answer = try warehouse.recommend(customer: example, snapshot: stored.snapshot, asOf: asOf, count: 3)
        lines.append("customer \(example) bought \(answer.purchasedProducts) products; their top 3:")
        for item in answer.items {
            let reason = item.because.first.map { ", because they bought \($0.product.stockCode) \($0.product.description.trimmingCharacters(in: .whitespaces))" } ?? ""
            lines.append("  \(item.rank). \(item.product.stockCode) \(item.product.description.trimmingCharacters(in: .whitespaces)) (score \(String(format: "%.2f", item.score))\(reason))")
        }
        return lines
    }
}
