import ArgumentParser
import Foundation
import Warehouse

extension ScoreCommand {
    /// The lifetime values as the answer shows them, highest first (`--top` applied).
    func lifetimeTable(_ scores: [LifetimeScore], snapshot: ModelSnapshot, asOf: Int64, list: UserList?) -> Table {
        printError("\(grouped(scores.count)) customers scored as of \(CalendarDate.day(asOf)) by \(snapshot.reference); stored in predictions and clv_predictions")
        return Table(
            columns: ["customer", "frequency", "recency", "T", "probability_alive", "expected_purchases", "expected_order_value", "lifetime_value"],
            rows: shown(scores).map { score in
                [.text(score.externalID), .count(score.summary.frequency)]
                    + [score.summary.recency, score.summary.age, score.probabilityAlive, score.expectedPurchases,
                       score.expectedOrderValue, score.lifetimeValue].map { .real($0, decimals: 4) }
            },
            notes: [list?.unscoredNote(scored: scores.map(\.userID))].compactMap { $0 })
    }
}
