import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle train recommendations`.
struct TrainRecommendations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommendations",
        abstract: "Item-to-item cosine similarity over who bought what; evaluated against popularity on the products users bought for the first time in the last --holdout before --as-of.")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Purchases before this date (\(DateOption.help)) train the stored model. Default: the day after the last order.", valueName: "date"))
    var asOf: DateArgument?

    @Option(help: "Evaluation window before --as-of: fit on what came before it, check the new products bought in it (e.g. 90d, 12w).")
    var holdout = Horizon(argument: "90d")!

    @Option(help: "Neighbours (K) kept per product.")
    var neighbours = 50

    @Option(name: .customLong("min-co-purchases"), help: "Ignore product pairs bought together by fewer users.")
    var minCoPurchases = 1

    @Option(help: "N of hit rate@N and recall@N, and the list length `score` uses.")
    var count = 10

    @Flag(help: "Point the production alias at the new version when its holdout hit rate beats the one stored with the current production version.")
    var promote = false

    @Option(help: "Output format for the metrics: table, csv, json, jsonl or markdown (docs/OUTPUT.md).")
    var format: OutputFormat = .table

    func validate() throws {
        if neighbours < 1 { throw ValidationError("--neighbours must be at least 1") }
        if minCoPurchases < 1 { throw ValidationError("--min-co-purchases must be at least 1") }
        if count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForWriting(url: url)
            return try database.onServer(url) { try train(on: warehouse) }
        }
        try train(on: try database.openForWriting())
    }

    /// Evaluates, fits, stores and reports on either engine.
    private func train(on warehouse: some RecommendationEngine) throws {
        guard let instant = try asOf?.instant(warehouse) ?? warehouse.dayAfterLastOrder(currency: nil) else {
            throw ValidationError("the warehouse has no orders: import some first")
        }
        let options = RecommendationTrainingOptions(asOf: instant, holdoutSeconds: holdout.seconds, neighbourCount: neighbours,
                                                    minimumCoPurchases: minCoPurchases, count: count)
        let training: RecommendationTraining
        do {
            training = try warehouse.trainRecommendations(options)
        } catch let error as RecommendationTrainingError {
            throw ValidationError(error.description)
        }
        let stored = try warehouse.storeRecommendations(training, promote: promote)
        emit(RecommendationReport.answer(training), as: format)
        reportStored(stored.snapshot, promote: promote, promoted: stored.promoted, note: stored.promotionNote)
    }
}

/// Item-to-item beside popularity on the holdout.
enum RecommendationReport {
    /// What `train recommendations` answers: hit rate and recall at n beside popularity, the
    /// difference and the relative gain (null when popularity scores zero).
    static func answer(_ training: RecommendationTraining) -> Answer {
        let n = training.options.count
        let m = training.holdout, b = training.baseline
        let table = Table(columns: ["metric", "item-to-item", "popularity", "difference", "relative gain"],
                          rows: [[.text("hit rate@\(n)"), .real(m.hitRate, decimals: 4), .real(b.hitRate, decimals: 4),
                                  .real(training.hitRateGain, decimals: 4), .shareOrNull(training.hitRateRelativeGain)],
                                 [.text("recall@\(n)"), .real(m.recall, decimals: 4), .real(b.recall, decimals: 4),
                                  .real(training.recallGain, decimals: 4), .shareOrNull(training.recallRelativeGain)]],
                          notes: notes(training))
        let parameters = [JSONMember("count", .integer(Int64(n))),
                          JSONMember("evaluation_cut", .string(RegistryClock.iso(training.options.evaluationCut))),
                          JSONMember("evaluation_users", .integer(Int64(m.users))), JSONMember("training_users", .integer(Int64(training.trainingUsers))),
                          JSONMember("fit_seconds", .number(training.fitSeconds))]
        return Answer(question: "train recommendations", parameters: parameters, asOf: training.options.asOf, table: table)
    }

    /// The lines under the table: what was evaluated and what was stored.
    static func notes(_ training: RecommendationTraining) -> [String] {
        let o = training.options
        return [
            "evaluated on \(grouped(training.holdout.users)) users who bought before \(CalendarDate.day(o.evaluationCut)) and something new in the \(o.holdoutSeconds / 86_400) days after",
            "stored model: \(grouped(training.trainingUsers)) users, \(grouped(training.trainingPairs)) user-product pairs before \(CalendarDate.day(o.asOf)), \(grouped(training.model.neighbours.count)) products with up to \(o.neighbourCount) neighbours, computed in \(String(format: "%.3f", training.fitSeconds)) s",
        ]
    }


    /// Four decimals, for the demo's line.
    static func number(_ value: Double) -> String { String(format: "%.4f", value) }

    /// `+0.0512 (+38.2%)`, for the demo's line.
    static func gain(_ absolute: Double, _ relative: Double?) -> String {
        String(format: "%+.4f", absolute) + (relative.map { String(format: " (%+.1f%%)", $0 * 100) } ?? "")
    }
}
