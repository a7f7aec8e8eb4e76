import ArgumentParser
import Foundation
import Learning
import Warehouse

/// `lifecycle train satisfaction`: fits the satisfaction recursion's weights and checks them on
/// the period after the holdout as-of against recency alone.
struct TrainSatisfaction: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "satisfaction",
        abstract: "Fit the satisfaction score S(t) = σ(b + w_s·S(t−1) + w·U(t) + w·Q(t)) so that it predicts a purchase in the next period; check it on a later period against recency alone (docs/satisfaction.md).")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Training as-of: only orders and events before it are read (\(DateOption.help)). Default: one period before the day after the last order.", valueName: "date"))
    var asOf: DateArgument?

    @Option(name: .customLong("evaluate-as-of"), help: ArgumentHelp("Holdout as-of (same form; default: --as-of): scores then predict a purchase in the period after it.", valueName: "date"))
    var evaluateAsOf: DateArgument?

    @Option(help: "Length of one period: week (7 days) or month (30 days).")
    var period: ChurnSequenceShape.Period = .month

    @Option(name: .customLong("max-periods"), help: "The grid covers the history since the first order, at most this many periods.")
    var maxPeriods = 36

    @Option(name: .customLong("l2"), help: ArgumentHelp("L2 penalty on w_state and the input weights.", valueName: "penalty"))
    var l2 = 1e-3

    @Option(help: "Output format: table, csv, json, jsonl or markdown (docs/OUTPUT.md).")
    var format: OutputFormat = .table

    func validate() throws {
        if maxPeriods < 2 { throw ValidationError("--max-periods must be >= 2") }
        if !(l2 >= 0) { throw ValidationError("--l2 must be >= 0") }
    }

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForWriting(url: url)
            return try database.onServer(url) { try train(on: warehouse) }
        }
        try train(on: try database.openForWriting())
    }

    /// Fits, checks, stores and reports on either engine.
    private func train(on warehouse: some ChurnEngine) throws {
        let options = SatisfactionTrainingOptions(
            asOf: try asOf?.instant(warehouse), evaluationAsOf: try evaluateAsOf?.instant(warehouse), period: period,
            maximumPeriods: maxPeriods, fit: SatisfactionOptions(l2Penalty: l2))
        let training: SatisfactionTraining
        do {
            training = try warehouse.trainSatisfaction(options)
        } catch let error as SatisfactionError {
            throw ValidationError(error.description)
        }
        let snapshot = try warehouse.storeSatisfaction(training)
        emit(SatisfactionAnswers.training(training), as: format)
        reportStored(snapshot, promote: false, promoted: false, note: nil)
    }
}
