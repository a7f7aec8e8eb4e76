import ArgumentParser
import Foundation
import Learning
import Warehouse

/// `lifecycle satisfaction`: every customer's satisfaction score as of a date, least satisfied
/// first, with the scores' distribution.
struct SatisfactionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "satisfaction",
        abstract: "Per customer: the satisfaction score S as of a date (its probability of a purchase in the next period, built period by period from purchases, interactions, review scores and returns), least satisfied first. Train it with `lifecycle train satisfaction`.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    @Option(help: ArgumentHelp("The model: satisfaction (production, else the latest version), satisfaction@N or satisfaction@ALIAS.", valueName: "reference"))
    var model = "satisfaction"

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Score with orders and events before this instant only (\(DateOption.help)). Default: the day after the last order.", valueName: "date"))
    var asOf: DateArgument?

    @Option(help: "Show only the N least satisfied customers (the distribution still counts everyone).")
    var top: Int?

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be >= 1") }
    }

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForReading(url: url)
            return try database.onServer(url) { try score(on: warehouse) }
        }
        try score(on: try database.openForReading())
    }

    /// Scores every customer with the model on either engine and prints the least satisfied first.
    private func score(on warehouse: some ChurnEngine) throws {
        guard let dataEnd = try warehouse.dayAfterLastOrder(currency: nil) else { throw ValidationError("the warehouse has no orders: import some first") }
        let snapshot: ModelSnapshot
        do {
            snapshot = try warehouse.snapshot(model, at: nil)
        } catch let error as RegistryError {
            throw ValidationError("\(error)\(model.hasPrefix(Warehouse.satisfactionModelName) ? "; train one with `lifecycle train satisfaction`" : "")")
        }
        guard snapshot.kind == SatisfactionModel.parameterKind else {
            throw ValidationError("--model \(snapshot.reference) is a \(snapshot.kind) model, not a satisfaction model")
        }
        let scores: SatisfactionScores
        do {
            let stored = try warehouse.satisfactionModel(snapshot)
            scores = try warehouse.scoreSatisfaction(stored, asOf: try asOf?.instant(warehouse) ?? dataEnd)
        } catch let error as SatisfactionError {
            throw ValidationError(error.description)
        }
        emit(SatisfactionAnswers.scores(scores, model: snapshot, limit: top), as: output.resolved)
    }
}
