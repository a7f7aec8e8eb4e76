import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle score churn[@VERSION|@ALIAS] --as-of DATE`.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score every user with a stored model and record the scores (with the snapshot that made them).")

    @Argument(help: "Model reference: churn, churn@3 or churn@production (a bare name means production, else the latest).")
    var model: String

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    @Option(name: .customLong("as-of"), help: "Score as of this date (YYYY-MM-DD, UTC); default: the day after the last order.")
    var asOf: DateArgument?

    @Option(help: "Print only the N users most at risk (all are stored).")
    var top: Int?

    func run() throws {
        let warehouse = try database.open()
        let snapshot = try warehouse.snapshot(model)
        guard snapshot.kind == "logistic_regression", snapshot.name == Warehouse.churnModelName else {
            throw ValidationError("\(snapshot.reference) is a \(snapshot.kind) model; `score` handles churn models")
        }
        guard let instant = try asOf?.instant ?? warehouse.dayAfterLastOrder() else {
            throw ValidationError("the warehouse has no orders: import some first")
        }
        let scores = try warehouse.scoreChurn(snapshot, asOf: instant)
        printError("\(grouped(scores.count)) users scored as of \(CalendarDate.day(instant)) by \(snapshot.reference); stored in predictions")
        let shown = top.map { Array(scores.prefix($0)) } ?? scores
        let table = Table(columns: ["user", "churn_probability"],
                          rows: shown.map { [$0.externalID, String(format: "%.4f", $0.probability)] }, numericColumns: [1])
        print(table.rendered(as: output.resolved), terminator: "")
    }
}
