import ArgumentParser
import Foundation
import Warehouse

extension ScoreCommand {
    /// `score` on a PostgreSQL warehouse: churn, lifetime-value and segments models so far, the
    /// same rows stored and the same answer as on a file. `--users` and the customer scope score
    /// part of the customers for churn models; lifetime-value and segments models score every one.
    func scoreOnPostgres(url: String) throws {
        let warehouse = try database.openPostgresForWriting(url: url)
        let answer = try database.onServer(url) { () throws -> Answer in
            let snapshot = try warehouse.snapshot(model, at: nil)
            let churn = snapshot.name == Warehouse.churnModelName
            guard churn || ["bgnbd_gamma_gamma", "kmeans"].contains(snapshot.kind) else {
                throw ValidationError("\(snapshot.reference) is a \(snapshot.kind) model; on PostgreSQL `score` handles churn, lifetime-value (clv) and segments models so far")
            }
            if !churn && (users != nil || customerScope.isGiven) {
                throw ValidationError("\(database.path): score --users, --country, --since and --until of a \(snapshot.kind) model do not run on PostgreSQL yet (churn models only)")
            }
            guard let instant = try asOf?.instant(warehouse) ?? warehouse.dayAfterLastOrder() else {
                throw ValidationError("the warehouse has no orders: import some first")
            }
            let list = try users.map { try UserList(path: $0, customerIDs: try warehouse.customerIDs()) }
            let scope = try customerScope.scope(for: warehouse)
            let chosen = try list?.userIDs ?? warehouse.customers(in: scope, asOf: instant)
            var table: Table
            if churn {
                table = try scoreChurn(snapshot, warehouse: warehouse, asOf: instant, users: chosen, list: list)
            } else if snapshot.kind == "kmeans" {
                table = try scoreSegments(snapshot, warehouse: warehouse, asOf: instant)
            } else {
                table = lifetimeTable(try warehouse.scoreLifetimeValue(snapshot, asOf: instant), snapshot: snapshot, asOf: instant, list: nil)
            }
            if let chosen, list == nil {
                table.notes.append("\(grouped(chosen.count)) customers \(scope.text(in: warehouse.reportingTimeZone())) in scope")
            }
            return Answer(question: "score", parameters: parameters(snapshot, list: list, scope: scope), asOf: instant, table: table)
        }
        emit(answer, as: output.resolved)
    }
}
