import Foundation
import Warehouse

extension ScoreCommand {
    /// Each user's top products into `recommendations` (as many as the snapshot was evaluated
    /// with); prints the rows of the first `--top` users by user id.
    func scoreRecommendations(_ snapshot: ModelSnapshot, warehouse: Warehouse, asOf: Int64) throws -> Table {
        let rows = try warehouse.scoreRecommendations(snapshot, asOf: asOf, count: warehouse.recommendationCount(snapshot))
        printError("\(grouped(rows.count)) recommendations for \(grouped(Set(rows.map(\.userID)).count)) users as of \(CalendarDate.day(asOf)) by \(snapshot.reference); stored in recommendations")
        return Table(columns: ["user", "rank", "stock_code", "description", "score"],
                     rows: try warehouse.storedRecommendations(snapshot: snapshot, asOf: asOf, users: top).map {
                         [$0.customer, String($0.rank), $0.product.stockCode, $0.product.description, String(format: "%.4f", $0.score)]
                     },
                     numericColumns: [1, 4])
    }
}
