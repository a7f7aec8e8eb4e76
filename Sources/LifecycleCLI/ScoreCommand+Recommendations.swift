import Foundation
import Warehouse

extension ScoreCommand {
    /// Each user's (each of `users`', when given) top products into `recommendations` (as many
    /// as the snapshot was evaluated with); prints the rows of the first `--top` users by user id.
    func scoreRecommendations(_ snapshot: ModelSnapshot, warehouse: some RecommendationEngine, asOf: Int64, users: Set<Int64>?) throws -> Table {
        let rows = try warehouse.scoreRecommendations(snapshot, asOf: asOf, count: warehouse.recommendationCount(snapshot), users: users)
        printError("\(grouped(rows.count)) recommendations for \(grouped(Set(rows.map(\.userID)).count)) users as of \(CalendarDate.day(asOf)) by \(snapshot.reference); stored in recommendations")
        return Table(columns: ["user", "rank", "stock_code", "description", "score"],
                     rows: try warehouse.storedRecommendations(snapshot: snapshot, asOf: asOf, users: top, only: users).map {
                         [.text($0.customer), .count($0.rank), .text($0.product.stockCode), .text($0.product.description),
                          .real($0.score, decimals: 4)]
                     })
    }
}
