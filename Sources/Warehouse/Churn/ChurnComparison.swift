/// One row of `models compare churn`: a stored churn version, or the recency-only baseline
/// trained beside it, measured on its holdout as-of.
public struct ChurnComparisonRow: Sendable, Equatable {
    /// `churn@3`, or `recency baseline` for the baseline.
    public let model: String
    /// The learner (`logistic`, `gbt`, `recency`).
    public let kind: String
    /// The holdout as-of, `YYYY-MM-DD`.
    public let evaluationAsOf: String
    /// Users on the holdout.
    public let rows: Int?
    public let rocAUC: Double?
    public let prAUC: Double?
    public let logLoss: Double?
    public let brier: Double?
    public let liftTopDecile: Double?
    /// Expected calibration error: Σ (users in bin / users) · |mean predicted − observed rate|
    /// over the holdout's ten quantile bins.
    public let calibrationError: Double?
    /// The fit's own seconds, and scoring seconds per 100,000 users (nil for versions stored
    /// before they were recorded, and for baselines).
    public let trainingSeconds: Double?
    public let scoringSecondsPer100k: Double?
    /// Aliases pointing at this version.
    public let aliases: [String]
}

extension ModelRegistry {
    /// Every stored churn version and, once per holdout as-of, the recency baseline trained beside
    /// it, from the metrics their snapshots recorded (nothing is retrained), oldest first.
    public func compareChurnModels() throws -> [ChurnComparisonRow] {
        let aliases = try currentAliases(of: Warehouse.churnModelName)
        var rows: [ChurnComparisonRow] = []
        var baselineAsOfs: Set<String> = []
        for snapshot in try snapshots(named: Warehouse.churnModelName) {
            let asOf = snapshot.hyperparameters["evaluation_as_of"]?.stringValue ?? "-"
            let kind = snapshot.hyperparameters["model"]?.stringValue ?? ChurnModelKind.logistic.rawValue
            let named = aliases.filter { $0.value == snapshot.version }.map(\.key).sorted()
            rows.append(Self.comparisonRow(model: snapshot.reference, kind: kind, asOf: asOf, metrics: snapshot.metrics["holdout"],
                                           training: snapshot.metrics["training_seconds"]?.doubleValue,
                                           scoring: snapshot.metrics["scoring_seconds_per_100k"]?.doubleValue, aliases: named))
            if let baseline = snapshot.metrics["baseline_recency"], baselineAsOfs.insert(asOf).inserted {
                rows.append(Self.comparisonRow(model: "recency baseline", kind: "recency", asOf: asOf, metrics: baseline,
                                               training: nil, scoring: nil, aliases: []))
            }
        }
        return rows
    }

    private static func comparisonRow(model: String, kind: String, asOf: String, metrics: JSONValue?, training: Double?,
                                      scoring: Double?, aliases: [String]) -> ChurnComparisonRow {
        func number(_ key: String) -> Double? { metrics?[key]?.doubleValue }
        return ChurnComparisonRow(
            model: model, kind: kind, evaluationAsOf: asOf, rows: number("rows").map { Int($0) }, rocAUC: number("roc_auc"),
            prAUC: number("pr_auc"), logLoss: number("log_loss"), brier: number("brier"), liftTopDecile: number("lift_top_decile"),
            calibrationError: calibrationError(metrics?["calibration"]), trainingSeconds: training, scoringSecondsPer100k: scoring,
            aliases: aliases)
    }

    /// The expected calibration error of stored calibration bins; nil when there are none.
    static func calibrationError(_ bins: JSONValue?) -> Double? {
        guard case .array(let items)? = bins else { return nil }
        var weighted = 0.0, users = 0.0
        for item in items {
            guard let count = item["count"]?.doubleValue, let predicted = item["mean_predicted"]?.doubleValue,
                  let observed = item["observed_rate"]?.doubleValue else { return nil }
            weighted += count * abs(predicted - observed)
            users += count
        }
        return users > 0 ? weighted / users : nil
    }
}
