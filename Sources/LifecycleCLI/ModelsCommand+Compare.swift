import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle models compare churn`.
struct ModelsCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Every stored churn version beside the recency baseline, on the holdout each was evaluated on.",
        discussion: """
            One row per version (logistic regression or gradient-boosted trees) and one per holdout as-of for the recency-only \
            baseline, from the metrics stored with each snapshot: ROC AUC, PR AUC, log loss, Brier score, top-decile lift, \
            expected calibration error, the fit's seconds and scoring seconds per 100,000 users. Versions are comparable when \
            their evaluation as-of is the same.
            """)

    @Argument(help: "The model name: churn.")
    var name: String

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func validate() throws {
        guard name == Warehouse.churnModelName else {
            throw ValidationError("models compare knows the churn models (`lifecycle models compare churn`), not '\(name)'")
        }
    }

    func run() throws {
        let rows = try database.withRegistry { try $0.compareChurnModels() }
        emit(Answer(question: "models compare", parameters: [JSONMember("model", .string(name))], table: Self.table(rows)), as: output.resolved)
    }

    /// The comparison as a table (also printed by the demo).
    static func table(_ rows: [ChurnComparisonRow]) -> Table {
        func number(_ value: Double?, _ digits: Int = 4) -> Cell { .realOrNull(value, decimals: digits) }
        return Table(
            columns: ["model", "kind", Column("evaluated as of", key: "evaluation_as_of"), "users", "roc auc", "pr auc", "log loss", "brier",
                      Column("lift top 10%", key: "lift_top_decile"), "calibration error", Column("training s", key: "training_seconds"),
                      Column("scoring s / 100k", key: "scoring_seconds_per_100k"), "aliases"],
            rows: rows.map {
                [.text($0.model), .text($0.kind), .text($0.evaluationAsOf), $0.rows.map(Cell.count) ?? .null, number($0.rocAUC), number($0.prAUC),
                 number($0.logLoss), number($0.brier), number($0.liftTopDecile, 2), number($0.calibrationError),
                 number($0.trainingSeconds, 2), number($0.scoringSecondsPer100k, 3), .text($0.aliases.joined(separator: " "))]
            },
            notes: ["metrics on each row's holdout as-of, as stored with the snapshot; --promote moves production only to a version that beats it on both ROC AUC and log loss"])
    }
}
