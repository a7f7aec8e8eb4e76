import ArgumentParser
import Foundation
import Warehouse

extension ScoreCommand {
    /// Lifetime values into `predictions`, the full prediction into `clv_predictions`, highest first.
    func scoreLifetimeValue(_ snapshot: ModelSnapshot, warehouse: Warehouse, asOf: Int64, users: Set<Int64>?, list: UserList?) throws -> Table {
        lifetimeTable(try warehouse.scoreLifetimeValue(snapshot, asOf: asOf, users: users), snapshot: snapshot, asOf: asOf, list: list)
    }

    /// `score` on a PostgreSQL warehouse: churn, lifetime-value and segments models so far, every
    /// customer (no `--users` or scope there yet), the same rows stored and the same answer as
    /// on a file.
    func scoreOnPostgres(url: String) throws {
        if users != nil || customerScope.isGiven {
            throw ValidationError("\(database.path): score --users, --country, --since and --until do not run on PostgreSQL yet")
        }
        let warehouse = try database.openPostgresForWriting(url: url)
        let (snapshot, instant, table) = try database.onServer(url) { () throws -> (ModelSnapshot, Int64, Table) in
            let snapshot = try warehouse.snapshot(model, at: nil)
            guard snapshot.name == Warehouse.churnModelName || ["bgnbd_gamma_gamma", "kmeans"].contains(snapshot.kind) else {
                throw ValidationError("\(snapshot.reference) is a \(snapshot.kind) model; on PostgreSQL `score` handles churn, lifetime-value (clv) and segments models so far")
            }
            guard let instant = try asOf?.instant(warehouse) ?? warehouse.dayAfterLastOrder() else {
                throw ValidationError("the warehouse has no orders: import some first")
            }
            if snapshot.name == Warehouse.churnModelName {
                return (snapshot, instant, try scoreChurn(snapshot, warehouse: warehouse, asOf: instant, users: nil, list: nil))
            }
            if snapshot.kind == "kmeans" {
                return (snapshot, instant, try scoreSegments(snapshot, warehouse: warehouse, asOf: instant))
            }
            let scores = try warehouse.scoreLifetimeValue(snapshot, asOf: instant)
            return (snapshot, instant, lifetimeTable(scores, snapshot: snapshot, asOf: instant, list: nil))
        }
        emit(Answer(question: "score", parameters: parameters(snapshot, list: nil, scope: CustomerScope()), asOf: instant, table: table),
             as: output.resolved)
    }

    private func lifetimeTable(_ scores: [LifetimeScore], snapshot: ModelSnapshot, asOf: Int64, list: UserList?) -> Table {
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
