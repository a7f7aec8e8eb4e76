import ArgumentParser
import Foundation
import Learning
import Warehouse

/// `lifecycle train churn|clv|segments|recommendations`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model, evaluate it on a later holdout, and store it as a new version.",
        subcommands: [TrainChurn.self, TrainClv.self, TrainSegments.self, TrainRecommendations.self, TrainSatisfaction.self])
}

/// Says on standard error where a training was stored and, with `--promote`, whether
/// `production` moved and why.
func reportStored(_ snapshot: ModelSnapshot, promote: Bool, promoted: Bool, note: String?,
                  lookWith command: String = "lifecycle models show") {
    var line = "stored as \(snapshot.reference) (\(command) \(snapshot.reference))"
    if promote { line += promoted ? "; now production" : "; production unchanged" }
    if let note { line += " — \(note)" }
    printError(line)
}

/// A duration like `90d`, `12w` or `24h`, shown in help as written.
struct Horizon: ExpressibleByArgument, CustomStringConvertible {
    let seconds: Int64
    let text: String
    init?(argument: String) {
        guard let unit = argument.last, let count = Int64(argument.dropLast()), count > 0 else { return nil }
        switch unit {
        case "d": seconds = count * 86_400
        case "w": seconds = count * 7 * 86_400
        case "h": seconds = count * 3_600
        default: return nil
        }
        text = argument
    }

    var description: String { text }
}

struct TrainChurn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn",
        abstract: "Will a user with purchases before --as-of buy nothing within --horizon? Logistic regression, gradient-boosted trees or a recurrent sequence model.")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Training as-of (\(DateOption.help)). Default: the latest date whose holdout window is still inside the data.", valueName: "date"))
    var asOf: DateArgument?

    @Option(help: "Label window: a user churned when they make no purchase within it (e.g. 90d, 12w).")
    var horizon = Horizon(argument: "90d")!

    @Option(name: .customLong("evaluate-as-of"), help: ArgumentHelp("Holdout as-of (same form as --as-of; default: --as-of plus the horizon).", valueName: "date"))
    var evaluateAsOf: DateArgument?

    @Option(help: "The learner: logistic (L2-regularised logistic regression), gbt (histogram gradient-boosted trees) or sequence (a GRU over each user's per-period history).")
    var model: ChurnModelKind = .logistic

    @Option(name: .customLong("l2"), help: ArgumentHelp("L2 penalty: on the standardised coefficients (logistic, default 1) or on leaf values (gbt, default 0).", valueName: "penalty"))
    var l2: Double?

    @Option(name: .customLong("max-iterations"), help: "gbt: boosting rounds at most.")
    var maxIterations = 100

    @Option(name: .customLong("learning-rate"), help: ArgumentHelp("gbt: shrinkage applied to every tree (default 0.1); sequence: Adam's step size (default 0.01).", valueName: "rate"))
    var learningRate: Double?

    @Option(name: .customLong("max-leaf-nodes"), help: "gbt: leaves per tree at most (best-first growth).")
    var maxLeafNodes = 31

    @Option(name: .customLong("max-depth"), help: "gbt: depth per tree at most (default: no limit).")
    var maxDepth: Int?

    @Option(name: .customLong("min-samples-leaf"), help: "gbt: users per leaf at least.")
    var minSamplesLeaf = 20

    @Option(name: .customLong("validation-fraction"), help: "gbt, sequence: share of the training as-of's users held out to stop early (0: no early stopping).")
    var validationFraction = 0.1

    @Option(help: "gbt: seed of the early-stopping split; sequence: of the initial weights, that split and the mini-batch order.")
    var seed: UInt64 = 0

    @Option(name: .customLong("sequence-period"), help: "sequence: length of one period of the history, week (7 days) or month (30 days).")
    var sequencePeriod: ChurnSequenceShape.Period = ChurnSequenceShape.standard.period

    @Option(help: "sequence: periods of history ending at the as-of.")
    var periods = ChurnSequenceShape.standard.periods

    @Option(name: .customLong("hidden-size"), help: "sequence: width of the GRU's hidden state.")
    var hiddenSize = 16

    @Option(name: .customLong("batch-size"), help: "sequence: users per mini-batch.")
    var batchSize = 64

    @Option(name: .customLong("max-epochs"), help: "sequence: passes over the training users at most.")
    var maxEpochs = 30

    @Option(help: "sequence: stop after this many epochs without a lower validation loss.")
    var patience = 3

    @Flag(help: "Point the production alias at the new version when it beats the current production model on this holdout.")
    var promote = false

    @Option(help: ArgumentHelp("logistic, gbt: add the score of this satisfaction model (satisfaction, satisfaction@N; trained as of --as-of or earlier) as the input `satisfaction` (docs/satisfaction.md).", valueName: "reference"))
    var satisfaction: String?

    @Option(help: "Output format for the metrics: table, csv, json, jsonl or markdown (docs/OUTPUT.md).")
    var format: OutputFormat = .table

    func validate() throws {
        if let l2, l2 < 0 { throw ValidationError("--l2 must be >= 0") }
        if maxIterations < 1 { throw ValidationError("--max-iterations must be >= 1") }
        if let learningRate, !(learningRate > 0) { throw ValidationError("--learning-rate must be > 0") }
        if maxLeafNodes < 2 { throw ValidationError("--max-leaf-nodes must be >= 2") }
        if let maxDepth, maxDepth < 1 { throw ValidationError("--max-depth must be >= 1") }
        if minSamplesLeaf < 1 { throw ValidationError("--min-samples-leaf must be >= 1") }
        if !(0..<1).contains(validationFraction) { throw ValidationError("--validation-fraction must be in [0, 1)") }
        if periods < 1 { throw ValidationError("--periods must be >= 1") }
        if hiddenSize < 1 { throw ValidationError("--hidden-size must be >= 1") }
        if batchSize < 1 { throw ValidationError("--batch-size must be >= 1") }
        if maxEpochs < 1 { throw ValidationError("--max-epochs must be >= 1") }
        if patience < 1 { throw ValidationError("--patience must be >= 1") }
    }

    /// The boosting settings the options give.
    private var boosting: GradientBoostingOptions {
        GradientBoostingOptions(maximumIterations: maxIterations, learningRate: learningRate ?? 0.1, maximumLeafNodes: maxLeafNodes,
                                maximumDepth: maxDepth, minimumSamplesPerLeaf: minSamplesLeaf, l2Regularization: l2 ?? 0,
                                validationFraction: validationFraction, seed: seed)
    }

    /// The sequence model's settings the options give.
    private var sequence: GRUSequenceOptions {
        GRUSequenceOptions(hiddenSize: hiddenSize, learningRate: learningRate ?? 0.01, batchSize: batchSize, maximumEpochs: maxEpochs,
                           validationFraction: validationFraction, patience: patience, seed: seed)
    }

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForWriting(url: url)
            try database.onServer(url) { try train(on: warehouse) }
            return
        }
        try train(on: try database.openForWriting())
    }

    /// Trains, stores and reports on either engine.
    private func train(on warehouse: some ChurnEngine) throws {
        guard let dataEnd = try warehouse.dayAfterLastOrder(currency: nil) else { throw ValidationError("the warehouse has no orders: import some first") }
        let trainingAsOf = try asOf?.instant(warehouse) ?? (dataEnd - 2 * horizon.seconds) / 86_400 * 86_400
        let options = ChurnTrainingOptions(asOf: trainingAsOf, horizonSeconds: horizon.seconds, evaluationAsOf: try evaluateAsOf?.instant(warehouse),
                                           model: model, l2Penalty: l2 ?? 1, boosting: boosting, sequence: sequence,
                                           sequenceShape: ChurnSequenceShape(period: sequencePeriod, periods: periods),
                                           satisfactionModel: satisfaction)
        let training: ChurnTraining
        do {
            training = try warehouse.trainChurn(options)
        } catch let error as ChurnTrainingError {
            throw ValidationError(error.description)
        } catch let error as RegistryError where satisfaction != nil {
            throw ValidationError("--satisfaction: \(error)")
        }
        let stored = try warehouse.storeChurn(training, promote: promote)
        emit(ChurnReport.answer(training), as: format)
        reportStored(stored.snapshot, promote: promote, promoted: stored.promoted, note: stored.promotionNote)
    }
}

/// The metrics of a churn training, side by side with the baseline.
enum ChurnReport {
    static func render(_ training: ChurnTraining, format: OutputFormat) -> String {
        answer(training).rendered(as: format, width: tableWidth(format))
    }

    /// What `train churn` answers: the metrics beside the baseline as rows, the holdout's
    /// calibration and (trees) the feature importances beside them.
    static func answer(_ training: ChurnTraining) -> Answer {
        func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "n/a" }
        func cell(_ value: Double?) -> Cell { .realOrNull(value, decimals: 4) }
        let m = training.metrics, b = training.baseline
        let table = Table(
            columns: ["metric", "model", "recency baseline"],
            rows: [
                [.text("ROC AUC"), cell(m.rocAUC), cell(b.rocAUC)],
                [.text("PR AUC"), cell(m.prAUC), cell(b.prAUC)],
                [.text("log loss"), cell(m.logLoss), cell(b.logLoss)],
                [.text("Brier score"), cell(m.brierScore), cell(b.brierScore)],
                [.text("lift, top decile"), cell(m.liftTopDecile), cell(b.liftTopDecile)],
            ],
            notes: [
                "trained as of \(CalendarDate.day(training.options.asOf)) on \(grouped(training.trainingRows)) users (churn rate \(number(training.trainingChurnRate))), \(fitSummary(training))",
                "evaluated as of \(CalendarDate.day(training.evaluationAsOf)) on \(grouped(m.rows)) users (churn rate \(number(m.churnRate))), horizon \(training.options.horizonSeconds / 86_400) days",
            ])
        let calibration = Table(columns: ["users", "mean predicted", "observed churn"],
                                rows: m.calibration.map { [.count($0.count), cell($0.meanPredicted), cell($0.observedRate)] })
        let ranked = training.model.featureImportances.map { zip(training.vector.names, $0).sorted { $0.1 > $1.1 } } ?? []
        let sections = [
            Answer.Section(key: "calibration", title: "calibration on the holdout (deciles of predicted churn probability):", table: calibration),
            Answer.Section(key: "feature_importance", title: "feature importance (share of the trees' split gain):",
                           table: Table(columns: ["feature", "importance"], rows: ranked.map { [.text($0.0), cell($0.1)] })),
        ]
        let parameters = [JSONMember("model_kind", .string(training.options.model.rawValue)),
                          JSONMember("horizon_days", .integer(training.options.horizonSeconds / 86_400)),
                          JSONMember("evaluation_as_of", .string(RegistryClock.iso(training.evaluationAsOf))),
                          JSONMember("training_rows", .integer(Int64(training.trainingRows))), JSONMember("evaluation_rows", .integer(Int64(m.rows))),
                          JSONMember("iterations", .integer(Int64(training.iterations))), JSONMember("training_seconds", .number(training.trainingSeconds))]
        return Answer(question: "train churn", parameters: parameters, asOf: training.options.asOf, table: table, sections: sections)
    }

    /// What the fit did, in words.
    private static func fitSummary(_ training: ChurnTraining) -> String {
        let seconds = String(format: "%.2f s", training.trainingSeconds)
        switch training.options.model {
        case .logistic: return "logistic regression, \(training.iterations) Newton iterations, \(seconds)"
        case .gbt:
            let stop = training.stoppedEarly ? "stopped early on its validation split" : "all rounds"
            return "gradient-boosted trees, \(training.iterations) trees (\(stop)), \(seconds)"
        case .sequence:
            let shape = training.options.sequenceShape
            let stop = training.stoppedEarly ? "stopped early on its validation split" : "all epochs"
            return "GRU over \(shape.periods) \(shape.period.rawValue)s, \(training.iterations) epochs (\(stop), weights of epoch \(training.bestEpoch ?? training.iterations)), \(seconds)"
        }
    }
}
