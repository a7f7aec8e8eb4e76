import Foundation
import Warehouse

extension ScoreCommand {
    /// Churn probabilities into `predictions`, most at risk first.
    func scoreChurn(_ snapshot: ModelSnapshot, warehouse: some ChurnEngine, asOf: Int64, users: Set<Int64>?, list: UserList?) throws -> Table {
        let scores = try warehouse.scoreChurn(snapshot, asOf: asOf, users: users)
        printError("\(grouped(scores.count)) users scored as of \(CalendarDate.day(asOf)) by \(snapshot.reference); stored in predictions")
        return Table(columns: ["user", "churn_probability"],
                     rows: shown(scores).map { [.text($0.externalID), .real($0.probability, decimals: 4)] },
                     notes: [list?.unscoredNote(scored: scores.map(\.userID))].compactMap { $0 })
    }
}
