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
        let rows = try database.openForReading().compareChurnModels()
        switch output.resolved {
        case .json:
            try printJSON(.object([JSONMember("model", .string(name)), JSONMember("rows", .array(rows.map(Self.json)))]))
        case let format:
            print(Self.table(rows).rendered(as: format), terminator: "")
        }
    }

    private static func table(_ rows: [ChurnComparisonRow]) -> Table {
        func number(_ value: Double?, _ digits: Int = 4) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        return Table(
            columns: ["model", "kind", "evaluated as of", "users", "roc auc", "pr auc", "log loss", "brier", "lift top 10%",
                      "calibration error", "training s", "scoring s / 100k", "aliases"],
            rows: rows.map {
                [$0.model, $0.kind, $0.evaluationAsOf, $0.rows.map(grouped) ?? "-", number($0.rocAUC), number($0.prAUC),
                 number($0.logLoss), number($0.brier), number($0.liftTopDecile, 2), number($0.calibrationError),
                 number($0.trainingSeconds, 2), number($0.scoringSecondsPer100k, 3), $0.aliases.joined(separator: ",")]
            },
            notes: ["metrics on each row's holdout as-of, as stored with the snapshot; --promote moves production only to a version that beats it on both ROC AUC and log loss"],
            numericColumns: [3, 4, 5, 6, 7, 8, 9, 10, 11])
    }

    private static func json(_ row: ChurnComparisonRow) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        return .object([
            JSONMember("model", .string(row.model)), JSONMember("kind", .string(row.kind)),
            JSONMember("evaluation_as_of", .string(row.evaluationAsOf)), JSONMember("users", row.rows.map { .integer(Int64($0)) } ?? .null),
            JSONMember("roc_auc", number(row.rocAUC)), JSONMember("pr_auc", number(row.prAUC)), JSONMember("log_loss", number(row.logLoss)),
            JSONMember("brier", number(row.brier)), JSONMember("lift_top_decile", number(row.liftTopDecile)),
            JSONMember("calibration_error", number(row.calibrationError)), JSONMember("training_seconds", number(row.trainingSeconds)),
            JSONMember("scoring_seconds_per_100k", number(row.scoringSecondsPer100k)),
            JSONMember("aliases", .array(row.aliases.map(JSONValue.string))),
        ])
    }
}
