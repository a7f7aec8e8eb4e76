import Learning

/// How well churn probabilities rank and are calibrated on labelled users.
public struct ChurnMetrics: Sendable, Equatable {
    public let rows: Int
    public let churnRate: Double
    public let rocAUC: Double?
    public let prAUC: Double?
    public let logLoss: Double
    public let brierScore: Double
    /// Churn rate among the top 10% by score, relative to the overall rate.
    public let liftTopDecile: Double?
    public let calibration: [CalibrationBin]

    /// Scores `probabilities` against `churned`.
    public init(probabilities: [Double], churned: [Bool]) {
        rows = churned.count
        churnRate = Double(churned.filter { $0 }.count) / Double(max(churned.count, 1))
        rocAUC = RankingMetrics.rocAUC(scores: probabilities, labels: churned)
        prAUC = RankingMetrics.averagePrecision(scores: probabilities, labels: churned)
        logLoss = ProbabilityMetrics.logLoss(probabilities: probabilities, labels: churned)
        brierScore = ProbabilityMetrics.brierScore(probabilities: probabilities, labels: churned)
        liftTopDecile = RankingMetrics.lift(scores: probabilities, labels: churned, fraction: 0.1)
        calibration = ProbabilityMetrics.calibrationTable(probabilities: probabilities, labels: churned, bins: 10)
    }

    /// As a JSON-ready dictionary (the form stored in a model snapshot's metrics).
    public var json: [String: Any] {
        var object: [String: Any] = [
            "rows": rows, "churn_rate": churnRate, "log_loss": logLoss, "brier": brierScore,
            "calibration": calibration.map {
                ["lower": $0.lowerBound, "upper": $0.upperBound, "count": $0.count,
                 "mean_predicted": $0.meanPredicted, "observed_rate": $0.observedRate] as [String: Any]
            },
        ]
        if let rocAUC { object["roc_auc"] = rocAUC }
        if let prAUC { object["pr_auc"] = prAUC }
        if let liftTopDecile { object["lift_top_decile"] = liftTopDecile }
        return object
    }
}
