import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle score NAME[@VERSION|@ALIAS] --as-of DATE`: scores every user (or those of a users
/// file, or of a `--country`/`--since`/`--until` scope) with a stored model and records the
/// results; what is stored and printed depends on the model's kind.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score every user with a stored model and record the scores (with the snapshot that made them).")

    @Argument(help: "Model reference: churn, clv, segments, recommendations; NAME@3 or NAME@production (a bare name means production, else the latest).")
    var model: String

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Score as of this date (\(DateOption.help)); default: the day after the last order.", valueName: "date"))
    var asOf: DateArgument?

    @Option(help: "Print only the first N users (all are stored).")
    var top: Int?

    @Option(help: ArgumentHelp("Score only the customers listed in this file, one external id per line (`-` reads standard input; blank lines ignored; an unknown id is an error). churn, clv and segments only.", valueName: "file"))
    var users: String?

    @OptionGroup(title: "Scope (only these customers are scored, stored and printed; the rest of an earlier run stays)")
    var customerScope: CustomerScopeArguments

    func validate() throws {
        if users != nil && customerScope.isGiven { throw ValidationError("--users lists the customers to score; drop --country, --since and --until") }
    }

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForWriting(url: url)
            let answer = try database.onServer(url) { try score(on: warehouse, snapshot: try warehouse.snapshot(model, at: nil)) }
            return emit(answer, as: output.resolved)
        }
        let warehouse = try database.openForWriting()
        emit(try score(on: warehouse, snapshot: try warehouse.snapshot(model)), as: output.resolved)
    }

    /// Scores the chosen customers with `snapshot` on either engine, stores the rows and answers
    /// them.
    private func score(on warehouse: some ChurnEngine & LifetimeEngine & SegmentEngine & RecommendationEngine, snapshot: ModelSnapshot) throws -> Answer {
        guard let instant = try asOf?.instant(warehouse) ?? warehouse.dayAfterLastOrder(currency: nil) else {
            throw ValidationError("the warehouse has no orders: import some first")
        }
        let list = try users.map { try UserList(path: $0, customerIDs: try warehouse.customerIDs()) }
        let scope = try customerScope.scope(for: warehouse)
        let chosen = try list?.userIDs ?? warehouse.customers(in: scope, asOf: instant)
        var table: Table
        switch snapshot.kind {
        case _ where snapshot.name == Warehouse.churnModelName:
            table = try scoreChurn(snapshot, warehouse: warehouse, asOf: instant, users: chosen, list: list)
        case "bgnbd_gamma_gamma":
            table = lifetimeTable(try warehouse.scoreLifetimeValue(snapshot, asOf: instant, users: chosen), snapshot: snapshot, asOf: instant, list: list)
        case "kmeans":
            table = try scoreSegments(snapshot, warehouse: warehouse, asOf: instant, users: chosen, list: list)
        case "item_similarity":
            if users != nil { throw ValidationError("--users: score \(snapshot.reference) scores every buyer; --users applies to churn, clv and segments") }
            table = try scoreRecommendations(snapshot, warehouse: warehouse, asOf: instant, users: chosen)
        default:
            throw ValidationError("\(snapshot.reference) is a \(snapshot.kind) model, which `score` does not handle")
        }
        if let chosen, list == nil {
            table.notes.append("\(grouped(chosen.count)) customers \(scope.text(in: try warehouse.reportingTimeZone())) in scope")
        }
        return Answer(question: "score", parameters: parameters(snapshot, list: list, scope: scope), asOf: instant, table: table)
    }

    /// The answer's parameters: the model, its kind, `--top`, the users listed and the scope.
    func parameters(_ snapshot: ModelSnapshot, list: UserList?, scope: CustomerScope) -> [JSONMember] {
        [JSONMember("model", .string(snapshot.reference)), JSONMember("kind", .string(snapshot.kind)),
         JSONMember("top", top.map { .integer(Int64($0)) } ?? .null),
         JSONMember("users", list.map { .integer(Int64($0.userIDs.count)) } ?? .null)] + scope.answerParameters
    }

    /// The first `top` rows (all without `--top`).
    func shown<Rows: Collection>(_ rows: Rows) -> [Rows.Element] {
        top.map { Array(rows.prefix($0)) } ?? Array(rows)
    }
}
